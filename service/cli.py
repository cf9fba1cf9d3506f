"""``verireward serve`` and ``verireward score``."""

from __future__ import annotations

import argparse
import sys

import orjson


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="verireward", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)

    serve = commands.add_parser("serve", help="run the HTTP service (uvicorn)")
    serve.add_argument("--host", help="default: VERIREWARD_HOST or 127.0.0.1")
    serve.add_argument("--port", type=int, help="default: VERIREWARD_PORT or 8000")
    serve.add_argument("--workers", type=int, help="uvicorn worker processes")
    serve.add_argument("--ray", action="store_true", help="run as a Ray Serve application")

    score = commands.add_parser("score", help="score a JSONL file offline")
    score.add_argument("input", help="JSONL of /score items ('-' for stdin)")
    score.add_argument("-o", "--output", required=True, help="JSONL to write ('-' for stdout)")
    score.add_argument("--min-reward", type=float, help="keep only items with reward >= this")
    score.add_argument("--reward", help='reward spec as JSON: {"weights": ..., "params": ...}')
    score.add_argument("--no-progress", action="store_true")

    args = parser.parse_args(argv)
    return _serve(args) if args.command == "serve" else _score(args)


def _serve(args: argparse.Namespace) -> int:
    import uvicorn
    from verireward.service.settings import Settings

    overrides = {k: v for k in ("host", "port", "workers") if (v := getattr(args, k)) is not None}
    settings = Settings(**overrides)
    if args.ray:
        from verireward.service.ray_serve import run

        run(settings)
        return 0
    uvicorn.run(
        "verireward.service.main:app",
        host=settings.host,
        port=settings.port,
        workers=settings.workers,
        factory=False,
        log_config=None,  # the app configures structured logging itself
        access_log=False,  # replaced by one structured line per request, with its id
        timeout_graceful_shutdown=settings.shutdown_grace_s,  # SIGTERM drains in-flight work
    )
    return 0


def _score(args: argparse.Namespace) -> int:
    from verireward.service.app import build_engine
    from verireward.service.offline import score_file
    from verireward.service.settings import Settings
    from verireward.verifiers import SpecError, build_spec

    engine = build_engine(Settings(), None)
    try:
        raw_spec = orjson.loads(args.reward) if args.reward else {}
        spec = build_spec(engine.registry, raw_spec.get("weights"), raw_spec.get("params"))
    except (orjson.JSONDecodeError, SpecError, AttributeError) as exc:
        print(f"--reward: {exc}", file=sys.stderr)
        return 2
    source = sys.stdin.buffer if args.input == "-" else open(args.input, "rb")  # noqa: SIM115
    sink = sys.stdout.buffer if args.output == "-" else open(args.output, "wb")  # noqa: SIM115
    try:
        report = score_file(engine, spec, source, sink, args.min_reward, not args.no_progress)
    finally:
        source.close()
        sink.close()
        if engine.pool is not None:
            engine.pool.close()
    print(
        f"read {report.read}, scored {report.scored}, wrote {report.written}, "
        f"skipped {report.bad_lines} bad lines",
        file=sys.stderr,
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

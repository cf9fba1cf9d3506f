"""``verireward serve`` and ``verireward score``."""

from __future__ import annotations

import argparse
import sys
from importlib.metadata import PackageNotFoundError, version
from typing import IO

import orjson


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="verireward", description=__doc__)
    parser.add_argument("--version", action="version", version=f"verireward {_version()}")
    commands = parser.add_subparsers(dest="command", required=True)

    serve = commands.add_parser("serve", help="run the HTTP service (uvicorn)")
    serve.add_argument("--host", help="default: VERIREWARD_HOST or 127.0.0.1")
    serve.add_argument("--port", type=int, help="default: VERIREWARD_PORT or 8000")
    serve.add_argument("--workers", type=int, help="uvicorn worker processes")
    serve.add_argument("--ray", action="store_true", help="run as a Ray Serve application")

    ready = commands.add_parser(
        "check-ready", help="exit 0 only if the service is ready with every default verifier"
    )
    ready.add_argument("--url", help="default: http://127.0.0.1:VERIREWARD_PORT")

    score = commands.add_parser("score", help="score a JSONL file offline")
    score.add_argument("input", help="JSONL of /score items ('-' for stdin)")
    score.add_argument("-o", "--output", required=True, help="JSONL to write ('-' for stdout)")
    score.add_argument("--min-reward", type=float, help="keep only items with reward >= this")
    score.add_argument(
        "--correct-only",
        action="store_true",
        help="keep only items whose correctness verifiers (math, code) all passed, whatever"
        " the format or shaping scores (rejection sampling); null rewards are never kept",
    )
    score.add_argument("--reward", help='reward spec as JSON: {"weights": ..., "params": ...}')
    score.add_argument("--no-progress", action="store_true")

    args = parser.parse_args(argv)
    if args.command == "check-ready":
        return _check_ready(args)
    return _serve(args) if args.command == "serve" else _score(args)


def _check_ready(args: argparse.Namespace) -> int:
    from verireward.service.check_ready import check_ready

    healthy, why = check_ready(args.url)
    print(why, file=sys.stdout if healthy else sys.stderr)
    return 0 if healthy else 1


def _serve(args: argparse.Namespace) -> int:
    import uvicorn
    from verireward.service.settings import Settings

    overrides = {k: v for k in ("host", "port", "workers") if (v := getattr(args, k)) is not None}
    settings = Settings(**overrides)
    if args.ray:
        from verireward.service.ray_serve import run

        run(settings)
        return 0
    if settings.workers == 1:  # SIGTERM drains: 503 + Retry-After for new requests, none dropped
        from verireward.service.shutdown import serve

        serve(settings)
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
    # Files first: a typo in a path is one line, before any verifier or worker is loaded.
    try:
        source = _open(args.input, "rb", sys.stdin.buffer)
        sink = _open(args.output, "wb", sys.stdout.buffer)
    except OSError as exc:
        print(f"verireward score: {exc.filename}: {exc.strerror}", file=sys.stderr)
        return 2
    from verireward.service.app import build_engine
    from verireward.service.offline import Keep, count_items, score_file
    from verireward.service.settings import Settings
    from verireward.verifiers import SpecError, build_spec

    engine = build_engine(Settings(), None)
    try:
        raw_spec = orjson.loads(args.reward) if args.reward else {}
        spec = build_spec(engine.registry, raw_spec.get("weights"), raw_spec.get("params"))
    except (orjson.JSONDecodeError, SpecError, AttributeError) as exc:
        print(f"--reward: {exc}", file=sys.stderr)
        _close(engine, source, sink)
        return 2
    keep = Keep(args.min_reward, args.correct_only)
    try:
        total = count_items(source) if not args.no_progress else None
        report = score_file(engine, spec, source, sink, keep, not args.no_progress, total=total)
    finally:
        _close(engine, source, sink)
    for line in report.summary_lines():
        print(line, file=sys.stderr)
    return 0


def _open(path: str, mode: str, std: IO[bytes]) -> IO[bytes]:
    return std if path == "-" else open(path, mode)  # closed by _close


def _close(engine: object, *files: IO[bytes]) -> None:
    for handle in files:
        handle.close()
    pool = getattr(engine, "pool", None)
    if pool is not None:
        pool.close()


def _version() -> str:
    try:
        return version("verireward")
    except PackageNotFoundError:  # running from a checkout that was never installed
        return "unknown"


if __name__ == "__main__":
    raise SystemExit(main())

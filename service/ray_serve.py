"""The same API as a Ray Serve application: replicas of the whole service (engine, worker
pool, sandbox) behind Ray's HTTP proxy, scaled by Ray, for trainers already on a Ray cluster
(verl, OpenRLHF). Nothing here balances load or schedules work: Ray does.

    verireward serve --ray                 # local Ray, VERIREWARD_RAY_REPLICAS replicas
    VERIREWARD_RAY_ADDRESS=auto verireward serve --ray    # join a running cluster
"""

from __future__ import annotations

from typing import Any

from verireward.service.app import create_app
from verireward.service.settings import Settings


def deployment(settings: Settings) -> Any:
    """A bound Serve application; each replica builds its own app from ``settings``."""
    from ray import serve

    options: dict[str, Any] = {
        "name": "verireward",
        "ray_actor_options": {"num_cpus": settings.ray_replica_cpus},
        "max_ongoing_requests": settings.ray_max_ongoing_requests,
    }
    if settings.ray_max_replicas > settings.ray_replicas:
        options["autoscaling_config"] = {
            "min_replicas": settings.ray_replicas,
            "max_replicas": settings.ray_max_replicas,
            "target_ongoing_requests": settings.ray_target_ongoing_requests,
        }
    else:
        options["num_replicas"] = settings.ray_replicas

    # A builder, not an app object: it runs on each replica, so nothing unpicklable (locks,
    # worker pools, metric registries) crosses the wire. A plain function: Ray takes other
    # callables (functools.partial) for ASGI apps.
    def build_app() -> Any:
        return create_app(settings)

    ingress = serve.ingress(build_app)
    return serve.deployment(**options)(ingress(type("VeriRewardReplica", (), {}))).bind()


def run(settings: Settings, blocking: bool = True) -> None:
    import ray
    from ray import serve

    ray.init(address=settings.ray_address, ignore_reinit_error=True)
    serve.start(http_options={"host": settings.host, "port": settings.port})
    serve.run(deployment(settings), name="verireward", route_prefix="/", blocking=blocking)

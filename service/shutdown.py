"""Graceful shutdown under load: SIGTERM drains, it does not drop.

uvicorn alone closes its listening socket at once on SIGTERM, so a trainer's next request meets
a refused connection. Here the first SIGTERM (or Ctrl-C) only starts draining: ``/readyz``
answers 503 ``draining`` (the load balancer stops sending), new scoring requests get 503 with
``Retry-After`` (the reward client retries them elsewhere or later), in-flight requests finish
(up to ``shutdown_grace_s``); after ``drain_linger_s`` more of 503s, uvicorn's own shutdown
closes the socket and the worker pool is stopped. A second signal exits at once.
"""

from __future__ import annotations

import logging
import threading
import time
from types import FrameType
from typing import Any

import uvicorn
from verireward.service.app import create_app
from verireward.service.settings import Settings

log = logging.getLogger("verireward")


class DrainingServer(uvicorn.Server):
    def __init__(self, config: uvicorn.Config, app: Any, settings: Settings) -> None:
        super().__init__(config)
        self._app = app
        self._settings = settings
        self._draining = False

    def handle_exit(self, sig: int, frame: FrameType | None) -> None:
        if self._draining:  # a second signal: stop now
            super().handle_exit(sig, frame)
            return
        self._draining = True
        self._app.state.draining = True
        log.info("signal %s: draining (new requests get 503, in-flight ones finish)", sig)
        threading.Thread(target=self._drain, args=(sig,), name="drain", daemon=True).start()

    def _drain(self, sig: int) -> None:
        admission = self._app.state.admission
        deadline = time.monotonic() + self._settings.shutdown_grace_s
        while admission.in_flight > 0 and time.monotonic() < deadline:
            time.sleep(0.05)
        log.info("drained (%d items still in flight); closing", admission.in_flight)
        time.sleep(self._settings.drain_linger_s)
        super().handle_exit(sig, None)  # uvicorn's shutdown: close the socket, stop the pool


def serve(settings: Settings) -> None:
    """One uvicorn process serving the app, with the drain above."""
    app = create_app(settings)
    config = uvicorn.Config(
        app,
        host=settings.host,
        port=settings.port,
        log_config=None,  # the app configures structured logging itself
        access_log=False,  # replaced by one structured line per request, with its id
        timeout_graceful_shutdown=settings.shutdown_grace_s,
    )
    DrainingServer(config, app, settings).run()

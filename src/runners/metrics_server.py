"""`/metrics` and `/healthz` of a running bot: Starlette routes, and a server of them alone."""

from __future__ import annotations

import contextlib
import ipaddress
import logging
import socket
import sys
from collections.abc import AsyncIterator, Sequence

import attrs
import uvicorn
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from mexcore.panel import ControlPanel, RunnerStatus
from mexcore.ports import Clock
from runners.cli_checks import UsageError
from runners.metrics import BotMetrics

log = logging.getLogger(__name__)

STALE_AFTER_INTERVALS = 3
DEFAULT_HOST = "127.0.0.1"


@attrs.frozen
class Listen:
    """Where the metrics server listens: loopback unless a host is given."""

    host: str
    port: int

    @property
    def is_loopback(self) -> bool:
        if self.host == "localhost":
            return True
        try:
            return ipaddress.ip_address(self.host).is_loopback
        except ValueError:
            return False


def parse_listen(text: str) -> Listen:
    """Read `[HOST:]PORT` ("9108", "0.0.0.0:9108", "[::1]:9108"); raise ValueError if bad."""
    host, sep, port = text.rpartition(":")
    host = host.strip("[]") if sep else DEFAULT_HOST
    if not port.isdigit() or not 0 <= int(port) <= 65535 or (sep and not host):
        raise ValueError(f"{text!r} is not [HOST:]PORT (a port is 0–65535), e.g. 127.0.0.1:9108")
    return Listen(host, int(port))


class Health:
    """Judge the runners: each must have ticked within 3 × its interval (on the bot's clock)."""

    def __init__(self, panel: ControlPanel, clock: Clock) -> None:
        self._panel, self._clock = panel, clock
        self._since_ms: int | None = None  # a runner that never ticked counts from here

    async def check(self) -> tuple[bool, dict[str, object]]:
        """Return whether every runner is fresh, and the JSON body saying which are not."""
        now = self._clock.now_ms()
        self._since_ms = now if self._since_ms is None else min(self._since_ms, now)
        statuses = list(await self._panel.statuses())
        stale = [s.name for s in statuses if self._stale(s, now)]
        body: dict[str, object] = {
            "status": "stale" if stale else "ok", "now_ms": now, "stale": stale,
            "runners": [_runner(s, now) for s in statuses],
        }
        return not stale, body

    def _stale(self, s: RunnerStatus, now_ms: int) -> bool:
        if s.interval_s is None:
            return False
        last = s.last_tick_ms if s.last_tick_ms is not None else self._since_ms
        assert last is not None
        return now_ms - last > STALE_AFTER_INTERVALS * s.interval_s * 1000


def _runner(s: RunnerStatus, now_ms: int) -> dict[str, object]:
    age = None if s.last_tick_ms is None else (now_ms - s.last_tick_ms) / 1000
    return {"name": s.name, "paused": s.paused, "interval_s": s.interval_s,
            "last_tick_ms": s.last_tick_ms, "age_s": age, "last_error": s.last_error}


def metrics_routes(metrics: BotMetrics, panel: ControlPanel, clock: Clock) -> list[Route]:
    """Return the `/metrics` and `/healthz` routes, to serve alone or beside the dashboard."""
    health = Health(panel, clock)

    async def scrape(request: Request) -> Response:
        await metrics.refresh()
        return Response(generate_latest(metrics.registry), media_type=CONTENT_TYPE_LATEST)

    async def healthz(request: Request) -> Response:
        ok, body = await health.check()
        return JSONResponse(body, status_code=200 if ok else 503)

    return [Route("/metrics", scrape), Route("/healthz", healthz)]


def metrics_app(routes: Sequence[Route]) -> Starlette:
    """Return the app that serves `routes` alone."""
    return Starlette(routes=list(routes))


@contextlib.asynccontextmanager
async def serving(app: Starlette, listen: Listen) -> AsyncIterator[int]:
    """Serve `app` on `listen` while the block runs; yield the port (0 picks a free one)."""
    if not listen.is_loopback:
        print(f"mexbot: warning: /metrics and /healthz listen on {listen.host}, beyond "
              "loopback: whoever reaches it sees balances and PnL", file=sys.stderr)
    try:
        sock = _bind(listen.host, listen.port)
    except OSError as e:
        raise UsageError("--metrics", f"cannot listen on {listen.host}:{listen.port}: "
                                      f"{e.strerror or e}") from None
    config = uvicorn.Config(app, host=listen.host, port=listen.port, log_level="warning",
                            lifespan="off", ws="none", access_log=False, log_config=None)
    server = uvicorn.Server(config)
    # startup/shutdown without uvicorn's main loop: no signal handlers of its own
    server.config.load()
    server.lifespan = server.config.lifespan_class(server.config)
    await server.startup(sockets=[sock])
    port = int(sock.getsockname()[1])
    url_host = f"[{listen.host}]" if ":" in listen.host else listen.host
    print(f"mexbot: metrics on http://{url_host}:{port}/metrics and /healthz", file=sys.stderr)
    try:
        yield port
    finally:
        await server.shutdown(sockets=[sock])
        sock.close()


def _bind(host: str, port: int) -> socket.socket:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, port))
    sock.listen(128)
    return sock

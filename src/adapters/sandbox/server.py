"""Serve the sandbox with uvicorn: `serve` for `mexbot sandbox`, `running_sandbox` for tests."""

from __future__ import annotations

import contextlib
import logging
import socket
from collections.abc import AsyncIterator, Callable

import attrs
import uvicorn
from starlette.applications import Starlette

from adapters.fake import MarketData
from adapters.sandbox.app import create_app
from adapters.sandbox.config import SandboxConfig
from adapters.sandbox.state import Sandbox
from mexcore.ports import Clock

log = logging.getLogger("adapters.sandbox")


def _server(app: Starlette, sock: socket.socket, log_level: str) -> uvicorn.Server:
    host, port = sock.getsockname()[:2]
    # log_config=None: uvicorn's lines go through the application's own logging setup
    config = uvicorn.Config(app, host=host, port=port, log_level=log_level, lifespan="off",
                            ws="websockets-sansio", access_log=False, log_config=None)
    return uvicorn.Server(config)


def _bind(host: str, port: int) -> socket.socket:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    # h11 writes headers and body apart: without this, Nagle + delayed ACK add ~40 ms a call
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    sock.bind((host, port))
    sock.listen(2048)  # before the URL is announced: a client may connect at once
    return sock


async def serve(host: str = "127.0.0.1", port: int = 8900, config: SandboxConfig | None = None,
                on_bound: Callable[[str, int], None] | None = None) -> None:
    """Run the sandbox until cancelled (Ctrl-C); point `[mexc] base_url` at it.

    `on_bound` gets the real URL (port 0 picks a free one) and the market time in ms.
    """
    config = config or SandboxConfig()
    app = create_app(config)
    sandbox: Sandbox = app.state.sandbox
    sock = _bind(host, port)
    log.info("MEXC sandbox on http://%s:%d (market time %d, %d account(s): %s)", host,
             sock.getsockname()[1], sandbox.clock.now_ms(), len(config.accounts),
             ", ".join(a.api_key for a in config.accounts))
    if on_bound is not None:
        url_host = f"[{host}]" if ":" in host else host
        on_bound(f"http://{url_host}:{sock.getsockname()[1]}", sandbox.clock.now_ms())
    with sock:
        await _server(app, sock, "info").serve(sockets=[sock])


@attrs.frozen
class RunningSandbox:
    """A sandbox served on loopback: its URL and its live state."""

    base_url: str
    sandbox: Sandbox


@contextlib.asynccontextmanager
async def running_sandbox(config: SandboxConfig | None = None, *, clock: Clock | None = None,
                          market: MarketData | None = None) -> AsyncIterator[RunningSandbox]:
    """Serve a sandbox on 127.0.0.1 on a free port for the duration of the block."""
    app = create_app(config, clock=clock, market=market)
    sock = _bind("127.0.0.1", 0)
    server = _server(app, sock, "warning")
    # startup/shutdown without uvicorn's main loop: no 0.1 s polling, no signal handlers
    server.config.load()
    server.lifespan = server.config.lifespan_class(server.config)
    await server.startup(sockets=[sock])
    try:
        yield RunningSandbox(f"http://127.0.0.1:{sock.getsockname()[1]}", app.state.sandbox)
    finally:
        await server.shutdown(sockets=[sock])
        sock.close()

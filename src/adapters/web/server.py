"""Serve the dashboard with uvicorn on the bot's own event loop, for the length of a block."""

from __future__ import annotations

import contextlib
import socket
from collections.abc import AsyncIterator

import uvicorn
from starlette.applications import Starlette


def bind(host: str, port: int) -> socket.socket:
    """Open the listening socket now (port 0 picks a free one); OSError if it cannot be."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((host, port))
        sock.listen(128)
    except OSError:
        sock.close()
        raise
    return sock


def url_of(sock: socket.socket) -> str:
    """Return the http URL a socket listens on."""
    host, port = sock.getsockname()[:2]
    return f"http://[{host}]:{port}" if ":" in host else f"http://{host}:{port}"


@contextlib.asynccontextmanager
async def serving(app: Starlette, sock: socket.socket) -> AsyncIterator[str]:
    """Serve `app` on the bound `sock` while the block runs; yield its URL."""
    # log_config=None: uvicorn logs through the bot's setup; no access log (no URLs, no tokens)
    config = uvicorn.Config(app, lifespan="off", ws="none", access_log=False, log_config=None,
                            log_level="warning")
    server = uvicorn.Server(config)
    server.config.load()
    server.lifespan = server.config.lifespan_class(server.config)
    await server.startup(sockets=[sock])  # without uvicorn's main loop: no signal handlers
    try:
        yield url_of(sock)
    finally:
        await server.shutdown(sockets=[sock])
        sock.close()

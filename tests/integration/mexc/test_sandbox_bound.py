"""The sandbox announces its URL only once a client can connect to it."""

from __future__ import annotations

import asyncio
import contextlib
import socket

from adapters.sandbox.server import serve


async def test_a_client_can_connect_as_soon_as_the_sandbox_names_its_url() -> None:
    connected: list[bool] = []

    def on_bound(url: str, market_ms: int) -> None:
        port = int(url.rsplit(":", 1)[1])
        try:
            socket.create_connection(("127.0.0.1", port), timeout=5).close()
            connected.append(True)
        except ConnectionRefusedError:
            connected.append(False)

    task = asyncio.create_task(serve("127.0.0.1", 0, on_bound=on_bound))
    while not connected and not task.done():
        await asyncio.sleep(0.01)
    task.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await task

    assert connected == [True]

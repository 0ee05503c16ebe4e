"""A sandbox served on loopback with its `/ws` route, and a raw WebSocket client for it."""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from decimal import Decimal
from typing import Any

import attrs
import httpx
from tests.integration.exchange_contract.harness import START_MS, bundled_market
from tests.integration.mexc.harness import KEY, SECRET
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed

from adapters.fake import FakeClock
from adapters.mexc.signing import signed_query
from adapters.sandbox import Sandbox, SandboxAccount, SandboxConfig, running_sandbox
from adapters.sandbox.ws_channels import WsSettings

FAST = WsSettings(push_interval_s=0.01)


@attrs.frozen
class WsWorld:
    base_url: str
    sandbox: Sandbox
    clock: FakeClock
    http: httpx.AsyncClient

    @property
    def ws_url(self) -> str:
        return self.base_url.replace("http://", "ws://") + "/ws"

    async def signed(self, method: str, path: str, **params: str) -> httpx.Response:
        """Send a signed call the way MEXC wants it."""
        pairs = [*params.items(), ("recvWindow", "5000"), ("timestamp", str(self.clock.now_ms()))]
        query = signed_query(SECRET, pairs)
        return await self.http.request(method, f"{self.base_url}{path}?{query}",
                                       headers={"X-MEXC-APIKEY": KEY})


@asynccontextmanager
async def ws_world(settings: WsSettings = FAST) -> AsyncIterator[WsWorld]:
    """Serve a sandbox whose market stands still at START_MS until a test moves it."""
    clock = FakeClock(START_MS)
    account = SandboxAccount(KEY, SECRET, {"USDC": Decimal(1000), "USDT": Decimal(1000)})
    config = SandboxConfig(accounts=(account,), rate_limit=False)
    async with running_sandbox(config, clock=clock, market=bundled_market()) as run, \
            httpx.AsyncClient(timeout=5) as http:
        run.sandbox.ws_settings = settings
        yield WsWorld(run.base_url, run.sandbox, clock, http)


@asynccontextmanager
async def stream(url: str) -> AsyncIterator[ClientConnection]:
    async with connect(url, open_timeout=5, close_timeout=1) as socket:
        yield socket


async def ask(socket: ClientConnection, message: dict[str, Any]) -> dict[str, Any]:
    """Send a JSON message; return the next JSON text reply (pushes in between are skipped)."""
    await socket.send(json.dumps(message))
    return await next_text(socket)


async def next_text(socket: ClientConnection, timeout_s: float = 2) -> dict[str, Any]:
    deadline = time.monotonic() + timeout_s
    while True:
        frame = await asyncio.wait_for(socket.recv(), max(0.01, deadline - time.monotonic()))
        if isinstance(frame, str):
            reply: dict[str, Any] = json.loads(frame)
            return reply


async def next_binary(socket: ClientConnection, timeout_s: float = 2) -> bytes:
    deadline = time.monotonic() + timeout_s
    while True:
        frame = await asyncio.wait_for(socket.recv(), max(0.01, deadline - time.monotonic()))
        if isinstance(frame, bytes):
            return frame


async def subscribe(socket: ClientConnection, *channels: str) -> dict[str, Any]:
    return await ask(socket, {"method": "SUBSCRIPTION", "params": list(channels), "id": 7})


async def closed(socket: ClientConnection) -> bool:
    """Read until the server closes the connection (a 2 s silence fails the test)."""
    try:
        while True:
            await asyncio.wait_for(socket.recv(), 2)
    except ConnectionClosed:
        return True

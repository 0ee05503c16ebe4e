"""Helpers for the MEXC adapter's unit tests: a stepping clock, recorded payloads, a stub."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl

import httpx

from adapters.mexc import Credentials, MexcExchange, MexcSettings, RateLimiter

DATA = Path(__file__).resolve().parents[2] / "data" / "mexc"
KEY = "mx0vglTESTKEYabcdef123456"
SECRET = "0123456789abcdef0123456789abcdef"
START_MS = 1_767_211_150_000


def recorded(path: str, query: str = "") -> Any:
    """Return the live response recorded for `path` and `query` (2025-12-31)."""
    routes = json.loads((DATA / "recorded-http.json").read_text())["routes"]
    for entry in routes[path]["GET"]:
        if entry["queryString"] == query:
            return entry["data"]
    raise KeyError(f"{path}?{query}")


def sample(name: str) -> Any:
    """Return a real signed-endpoint payload quoted in the notes."""
    data = json.loads((DATA / "signed-samples.json").read_text())
    for part in name.split("."):
        data = data[part]
    return data


class SteppingClock:
    """A Clock whose sleep advances time instantly and records each pause."""

    def __init__(self, start_ms: int = START_MS) -> None:
        self.now = start_ms
        self.sleeps: list[float] = []

    def now_ms(self) -> int:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += round(seconds * 1000)
        await asyncio.sleep(0)


Handler = Callable[[httpx.Request], httpx.Response]


class StubMexc:
    """An in-process MEXC: answers by (method, path), records every request."""

    def __init__(self, clock: SteppingClock) -> None:
        self.clock = clock
        self.routes: dict[tuple[str, str], list[Handler]] = {}
        self.requests: list[httpx.Request] = []
        self.on("GET", "/api/v3/time", lambda r: reply({"serverTime": clock.now}))

    def on(self, method: str, path: str, *handlers: Handler) -> None:
        """Answer with each handler in turn; the last one repeats."""
        self.routes[(method, path)] = list(handlers)

    def calls(self, method: str, path: str) -> list[httpx.Request]:
        return [r for r in self.requests if (r.method, r.url.path) == (method, path)]

    def handle(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        handlers = self.routes.get((request.method, request.url.path))
        if not handlers:
            return reply({"code": -1121, "msg": "Invalid symbol."}, 400)
        handler = handlers.pop(0) if len(handlers) > 1 else handlers[0]
        return handler(request)


def reply(body: Any, status: int = 200, headers: dict[str, str] | None = None) -> httpx.Response:
    """A JSON response."""
    return httpx.Response(status, json=body, headers=headers)


def timeout(request: httpx.Request) -> httpx.Response:
    """Behave like a request whose answer never came."""
    raise httpx.ReadTimeout("timed out", request=request)


def params_of(request: httpx.Request) -> dict[str, str]:
    return dict(parse_qsl(request.url.query.decode()))


def make_exchange(stub: StubMexc, *, keys: bool = True, **settings: Any) -> MexcExchange:
    """A MexcExchange talking to `stub` over httpx.MockTransport on the stub's clock."""
    client = httpx.AsyncClient(transport=httpx.MockTransport(stub.handle))
    credentials = Credentials(KEY, SECRET) if keys else None
    limiter = RateLimiter(clock=stub.clock)
    return MexcExchange(client, MexcSettings(base_url="https://mexc.test", **settings),
                        credentials, clock=stub.clock, limiter=limiter)

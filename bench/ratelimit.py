"""429s and request weight of a burst of runner ticks and Telegram commands, with restarts.

Each "process" is a MEXC adapter against an in-process MEXC (httpx MockTransport) that
counts weight like MEXC (the sandbox's limits: 500 per endpoint per 10 s, 20 requests/s)
and answers 429 over budget. Every reader does what a tick or a command does first: read
the rules and the all-symbol 24 h ticker. Two wirings are compared:

- before: a MexcExchange per process, its own limiter at MEXC's full 500, no usage file;
- after: the container's wiring: `SharedMarket` over a MexcExchange whose limiter keeps
  400 of 500 and its usage in the state directory.

Scenarios: a burst (5 ticks + 6 commands) then a restart and the same burst; and a crash
loop of 15 quick restarts, each reading once. Wall time is real (the limiter really waits).
"""

from __future__ import annotations

import asyncio
import json
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any

import httpx

from adapters.mexc import MexcExchange, MexcSettings, RateLimiter, SharedMarket, limiter_for
from adapters.sandbox.state import SandboxLimits
from bench.common import Row
from mexcore.ports import Exchange

DATA = Path(__file__).resolve().parents[1] / "tests" / "data" / "mexc" / "recorded-http.json"
TICKERS = "/api/v3/ticker/24hr"
WEIGHTS = {TICKERS: 40, "/api/v3/exchangeInfo": 10}


class CountingMexc:
    """Answers recorded public data; counts requests, weight and 429s like MEXC."""

    def __init__(self) -> None:
        routes = json.loads(DATA.read_text())["routes"]
        self.answers: dict[str, Any] = {
            p: next(e["data"] for e in routes[p]["GET"] if e["queryString"] == "")
            for p in (TICKERS, "/api/v3/exchangeInfo", "/api/v3/defaultSymbols")}
        self.limits = SandboxLimits()
        self.requests: Counter[str] = Counter()
        self.weight = 0
        self.throttled = 0

    def handle(self, request: httpx.Request) -> httpx.Response:
        path = request.url.path
        weight = WEIGHTS.get(path, 1)
        self.requests[path] += 1
        self.weight += weight
        wait = self.limits.check("127.0.0.1", f"GET {path}", weight)
        if wait is not None:
            self.throttled += 1
            return httpx.Response(429, json={"code": 429, "msg": "Too Many Requests"},
                                  headers={"Retry-After": str(max(1, round(wait)))})
        return httpx.Response(200, json=self.answers[path])


def _process(client: httpx.AsyncClient, state_dir: Path, after: bool) -> Exchange:
    settings = MexcSettings(base_url="https://mexc.bench", read_attempts=1)
    if not after:
        return MexcExchange(client, settings, limiter=RateLimiter(endpoint_weight=500))
    limiter = limiter_for(settings, state_dir)
    return SharedMarket(MexcExchange(client, settings, limiter=limiter))


async def _read(exchange: Exchange) -> None:
    try:
        await exchange.symbol_rules()
        await exchange.tickers_24h()
    except Exception:  # a 429 that reached the caller: counted by the server
        return


async def _scenario(after: bool, processes: int, readers: int) -> Row:
    server = CountingMexc()
    started = time.perf_counter()
    with tempfile.TemporaryDirectory() as state_dir:
        async with httpx.AsyncClient(transport=httpx.MockTransport(server.handle)) as client:
            for _ in range(processes):
                exchange = _process(client, Path(state_dir), after)
                await asyncio.gather(*(_read(exchange) for _ in range(readers)))
    return {"429": server.throttled, "ticker_reads": server.requests[TICKERS],
            "weight": server.weight, "wall_s": round(time.perf_counter() - started, 1)}


def run() -> Row:
    """Measure both wirings in both scenarios; return one row."""
    row: Row = {"benchmark": "ratelimit"}
    for name, processes, readers in (("burst", 2, 11), ("crashloop", 15, 1)):
        for label, after in (("before", False), ("after", True)):
            result = asyncio.run(_scenario(after, processes, readers))
            row.update({f"{name}_{label}_{k}": v for k, v in result.items()})
    return row


if __name__ == "__main__":
    print(run())

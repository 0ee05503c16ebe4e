"""Benchmark 2: one 200-pair scan cycle against the sandbox with 80 ms added per request.

Three ways over a fresh sandbox each (MEXC limits on: 20 requests/s, 500 weight per endpoint
per 10 s): (1) mexbot, the real `MarketScanner.tick` over `MexcExchange` (its limiter at the
default 15 requests/s, the scanner's concurrency 10); (2) the same, concurrency 1; (3) the
seed's design, 10 threads of plain `httpx.Client` GETs of `/api/v3/klines`, no limiter.
The sandbox serves 200 synthetic USDT pairs (`ALT000USDT` …) beside the bundled markets.
"""

from __future__ import annotations

import asyncio
import time
from collections import Counter
from collections.abc import AsyncIterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import asynccontextmanager

import attrs
import httpx

from adapters.fake import MarketData, RecordingNotifier, default_rules, load_market_data, make_rules
from adapters.fake.store import InMemoryStore
from adapters.mexc import Credentials, MexcExchange, MexcSettings
from adapters.sandbox import (
    RunningSandbox,
    SandboxAccount,
    SandboxConfig,
    SandboxFaults,
    running_sandbox,
)
from bench.common import Row
from mexcore.policies import AntiHypePolicy, ScannerPolicy
from mexcore.services.deps import ServiceDeps
from mexcore.services.scanner import MarketScanner
from mexcore.universe import select_universe
from mexcore.values import SymbolRules

PAIRS = 200
LATENCY_S = 0.08
MEXC_REQUESTS_PER_S = 20  # MEXC's overall rate
MEXC_WEIGHT_PER_S = 50  # 500 weight per endpoint per 10 s
KEY, SECRET = "bench-scan-key", "bench-scan-secret"
LIMIT_S = 180  # each way gives up after this long (a benchmark must end)


@attrs.define
class Traffic:
    """What the sandbox was asked and answered: requests and weight by path, statuses."""

    paths: Counter[str] = attrs.field(factory=Counter)
    weights: Counter[str] = attrs.field(factory=Counter)
    statuses: Counter[int] = attrs.field(factory=Counter)

    def note(self, run: RunningSandbox, request: httpx.Request, status: int) -> None:
        """Count one answered request."""
        path = request.url.path
        self.paths[path] += 1
        self.weights[path] += run.sandbox.weight(request.method, path,
                                                 "symbol" in request.url.params)
        self.statuses[status] += 1

    @property
    def requests(self) -> int:
        return sum(self.paths.values())

    def floor_s(self, concurrency: int) -> float:
        """Return the least wall time: latency over concurrency, or MEXC's rates."""
        heaviest = max(self.weights.values(), default=0)
        return max(self.requests * LATENCY_S / concurrency,
                   self.requests / MEXC_REQUESTS_PER_S, heaviest / MEXC_WEIGHT_PER_S)


def scan_rules(pairs: int = PAIRS) -> dict[str, SymbolRules]:
    """Return the default markets plus `pairs` synthetic USDT pairs (ALT000USDT …)."""
    rules = default_rules()
    for i in range(pairs):
        made = make_rules(f"ALT{i:03d}", "USDT", 2, 4)
        rules[made.symbol] = made
    return rules


@asynccontextmanager
async def scan_sandbox(market: MarketData,
                       rules: dict[str, SymbolRules]) -> AsyncIterator[RunningSandbox]:
    """Serve a fresh sandbox (MEXC limits on, 80 ms a request) that knows every pair."""
    config = SandboxConfig(accounts=(SandboxAccount(KEY, SECRET),), rate_limit=True,
                           faults=SandboxFaults(latency_s=LATENCY_S))
    async with running_sandbox(config, market=market) as run:
        for fake in run.sandbox.exchanges.values():
            fake.rules.update(rules)
        yield run


async def universe(run: RunningSandbox) -> list[str]:
    """Return the pairs the scanner would analyse (asked in-process, not over HTTP)."""
    fake = run.sandbox.public
    return select_universe(await fake.tickers_24h(), await fake.symbol_rules(), ScannerPolicy())


async def mexbot_scan(market: MarketData, rules: dict[str, SymbolRules],
                      concurrency: int) -> Row:
    """Time one `MarketScanner.tick` over `MexcExchange` at default pacing."""
    async with scan_sandbox(market, rules) as run:
        traffic = Traffic()

        async def seen(response: httpx.Response) -> None:
            traffic.note(run, response.request, response.status_code)

        async with httpx.AsyncClient(event_hooks={"response": [seen]}) as client:
            mexc = MexcExchange(client, MexcSettings(base_url=run.base_url),
                                Credentials(KEY, SECRET), clock=run.sandbox.clock)
            deps = ServiceDeps.build(mexc, InMemoryStore(), RecordingNotifier(),
                                     run.sandbox.clock)
            scanner = MarketScanner(deps, ScannerPolicy(concurrency=concurrency),
                                    AntiHypePolicy())
            began = time.perf_counter()
            await asyncio.wait_for(scanner.tick(), LIMIT_S)
            wall = time.perf_counter() - began
        lists = scanner.last_lists
        scored = len(lists.buy_opportunities) + len(lists.neutral) + len(lists.blocked)
        return _result(traffic, wall, concurrency, run) | {"pairs_done": scored}


async def seed_scan(market: MarketData, rules: dict[str, SymbolRules], threads: int = 10) -> Row:
    """Time the seed's design: `threads` threads GET every pair's klines, no limiter."""
    async with scan_sandbox(market, rules) as run:
        symbols = await universe(run)
        traffic = Traffic()

        def fetch(client: httpx.Client, symbol: str) -> None:
            response = client.get(f"{run.base_url}/api/v3/klines", params={
                "symbol": symbol, "interval": "15m", "limit": 100})
            traffic.note(run, response.request, response.status_code)

        def scan() -> None:
            with httpx.Client(timeout=LIMIT_S) as client, ThreadPoolExecutor(threads) as pool:
                list(pool.map(lambda s: fetch(client, s), symbols))

        began = time.perf_counter()
        await asyncio.wait_for(asyncio.to_thread(scan), LIMIT_S)
        wall = time.perf_counter() - began
        return _result(traffic, wall, threads, run) | {"pairs_done": traffic.statuses[200]}


def _result(traffic: Traffic, wall: float, concurrency: int, run: RunningSandbox) -> Row:
    floor = traffic.floor_s(concurrency)
    return {"wall_s": round(wall, 2), "requests": traffic.requests,
            "http_429": traffic.statuses[429], "sandbox_throttled": run.sandbox.throttled,
            "floor_s": round(floor, 2), "ratio_to_floor": round(wall / floor, 2),
            "paths": dict(traffic.paths)}


async def _all(pairs: int) -> dict[str, Row]:
    rules = scan_rules(pairs)
    market = load_market_data(rules=rules)
    return {"mexbot": await mexbot_scan(market, rules, 10),
            "sequential": await mexbot_scan(market, rules, 1),
            "seed": await seed_scan(market, rules)}


def run(pairs: int = PAIRS) -> Row:
    """Scan `pairs` synthetic pairs three ways; report wall time, 429s and ratio to the floor."""
    ways = asyncio.run(_all(pairs))
    row: Row = {"benchmark": f"scan cycle ({pairs} pairs, 80 ms)"}
    for name, result in ways.items():
        print(f"  {name}: {result}")
        for key in ("wall_s", "requests", "http_429", "floor_s", "ratio_to_floor", "pairs_done"):
            row[f"{name}_{key}"] = result[key]
    return row

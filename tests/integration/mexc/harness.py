"""MexcExchange talking over real HTTP on 127.0.0.1 to the sandbox server (uvicorn)."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from decimal import Decimal
from typing import Any

import httpx
from tests.integration.exchange_contract.harness import START_MS, bundled_market

from adapters.fake import FakeClock
from adapters.mexc import Credentials, MexcExchange, MexcSettings, RateLimiter
from adapters.paper import PaperExchange
from adapters.sandbox import Sandbox, SandboxAccount, SandboxConfig, running_sandbox
from mexcore.ports import Exchange

KEY = "sbxKEY0123456789"
SECRET = "sbxSECRET0123456789abcdef"


class SkippingClock:
    """A pacing clock that never really waits: it records each pause and jumps ahead."""

    def __init__(self) -> None:
        self.sleeps: list[float] = []
        self._offset_ms = 0

    def now_ms(self) -> int:
        return time.monotonic_ns() // 1_000_000 + self._offset_ms

    async def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self._offset_ms += round(seconds * 1000)
        await asyncio.sleep(0)


class SandboxHarness:
    """The contract harness: `.exchange` is a MexcExchange, the world is the sandbox's."""

    def __init__(self, exchange: MexcExchange, sandbox: Sandbox, clock: FakeClock,
                 pacing: SkippingClock) -> None:
        self.mexc = exchange
        self.sandbox = sandbox
        self.clock = clock
        self.pacing = pacing

    @property
    def exchange(self) -> Exchange:
        return self.mexc

    async def deposit(self, asset: str, amount: Decimal) -> None:
        self.sandbox.deposit(KEY, asset, amount)

    async def advance(self, seconds: float) -> None:
        self.clock.advance(seconds)


def loopback_limiter(clock: SkippingClock) -> RateLimiter:
    """A limiter with loopback-sized budgets, pacing on a clock that never really waits."""
    return RateLimiter(clock=clock, requests_per_s=10_000, orders_per_s=10_000,
                       endpoint_weight=1_000_000)


@asynccontextmanager
async def sandbox_harness(**settings: Any) -> AsyncIterator[SandboxHarness]:
    """Serve a fresh sandbox (empty account, time at START_MS) and connect a MexcExchange.

    The adapter stamps requests with the sandbox's own clock, so `advance` needs no resync.
    """
    clock = FakeClock(START_MS)
    config = SandboxConfig(accounts=(SandboxAccount(KEY, SECRET),), rate_limit=False)
    async with running_sandbox(config, clock=clock, market=bundled_market()) as run, \
            httpx.AsyncClient(timeout=settings.pop("timeout_s", 10)) as client:
        pacing = SkippingClock()
        exchange = MexcExchange(
            client, MexcSettings(base_url=run.base_url, **settings), Credentials(KEY, SECRET),
            clock=clock, limiter=loopback_limiter(pacing))
        yield SandboxHarness(exchange, run.sandbox, clock, pacing)


class PaperHarness:
    """The contract harness for paper mode: live data from the sandbox, a simulated account."""

    def __init__(self, paper: PaperExchange, clock: FakeClock) -> None:
        self.paper = paper
        self.clock = clock

    @property
    def exchange(self) -> Exchange:
        return self.paper

    async def deposit(self, asset: str, amount: Decimal) -> None:
        self.paper.deposit(asset, amount)

    async def advance(self, seconds: float) -> None:
        self.clock.advance(seconds)


@asynccontextmanager
async def paper_harness() -> AsyncIterator[PaperHarness]:
    """A PaperExchange whose market data is a key-less MexcExchange on the sandbox."""
    clock = FakeClock(START_MS)
    async with running_sandbox(SandboxConfig(rate_limit=False), clock=clock,
                               market=bundled_market()) as run, \
            httpx.AsyncClient(timeout=10) as client:
        public = MexcExchange(client, MexcSettings(base_url=run.base_url), clock=clock,
                              limiter=loopback_limiter(SkippingClock()))
        yield PaperHarness(PaperExchange(public, clock), clock)

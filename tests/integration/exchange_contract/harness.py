"""What a contract test needs from an Exchange implementation, and the FakeExchange's harness.

To run the contract suite against another implementation (e.g. MexcExchange talking to the
local sandbox server):

1. Write a class with the `ExchangeHarness` shape: `.exchange` (the port under test),
   `async deposit(asset, amount)` (credit the account, e.g. through the sandbox's admin call)
   and `async advance(seconds)` (move the market's time forward, e.g. the sandbox's clock).
   The market must serve the default rules and bundled data of `adapters.fake` (the sandbox
   does), starting at `START_MS`, and the account must start empty.
2. Add an async factory for it to `HARNESSES` in `conftest.py` (or register it there from
   your own module): the `harness` fixture is parametrised over that dict, so every contract
   test then runs against it as well. Close what you opened in the factory's teardown.
"""

from __future__ import annotations

from decimal import Decimal
from functools import cache
from typing import Protocol

from adapters.fake import FakeClock, FakeExchange, MarketData, load_market_data
from adapters.fake.loader import BUNDLED_START_MS
from mexcore.ports import Exchange

#: The bundle's start plus one day, so that 24 h tickers and candle history are full.
START_MS = BUNDLED_START_MS + 24 * 3600 * 1000
TRADEABLE = "BTCUSDC"  # API-tradeable, quote min notional 5
ALT = "ADAUSDT"  # API-tradeable, band 20 %, min notional 1
NOT_API = "BTCUSDT"  # listed but not API-tradeable (10007)
UNKNOWN = "NOPEUSDT"


class ExchangeHarness(Protocol):
    """An Exchange under test plus the two powers a test needs over its world."""

    @property
    def exchange(self) -> Exchange: ...

    async def deposit(self, asset: str, amount: Decimal) -> None: ...

    async def advance(self, seconds: float) -> None: ...


@cache
def bundled_market() -> MarketData:
    """Load the bundled candles once per test session (they are read-only)."""
    return load_market_data()


class FakeHarness:
    """The FakeExchange on the bundled data and a FakeClock."""

    def __init__(self, start_ms: int = START_MS) -> None:
        self.clock = FakeClock(start_ms)
        self.fake = FakeExchange(self.clock, bundled_market())

    @property
    def exchange(self) -> Exchange:
        return self.fake

    async def deposit(self, asset: str, amount: Decimal) -> None:
        self.fake.deposit(asset, amount)

    async def advance(self, seconds: float) -> None:
        self.clock.advance(seconds)

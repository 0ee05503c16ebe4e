"""The ports: everything the core needs from the outside world, as small Protocols.

Implementations: `Exchange` — adapters.mexc.MexcExchange, adapters.fake.FakeExchange;
`Notifier` — adapters.telegram.TelegramNotifier, adapters.fake.RecordingNotifier,
adapters.fake.ConsoleNotifier; `Clock` — adapters.fake.FakeClock, adapters.fake.SystemClock;
`Store` — adapters.sqlite.SqliteStore, adapters.fake.InMemoryStore. `Service` — what a runner
loop drives: the built-in services of `mexcore.services` and any strategy of your own.
`Advisor` (optional, defined in mexcore.advisor) — adapters.advisor.OpenAICompatAdvisor,
adapters.fake.advisor.FakeAdvisor.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal
from enum import StrEnum
from typing import Protocol

from mexcore.advisor import Advisor
from mexcore.values import (
    Balance,
    Candle,
    Fees,
    Fill,
    IntentStatus,
    Order,
    OrderBook,
    OrderIntent,
    OrderRequest,
    PortfolioSnapshot,
    SymbolRules,
    Ticker24h,
)

__all__ = ["Advisor", "Clock", "Exchange", "Level", "Notifier", "Service", "Store"]


class Exchange(Protocol):
    """A spot exchange account: market data, rules, balances and orders.

    Errors are the core's (`mexcore.errors`): RetryLater, OutcomeUnknown, SkipSymbol,
    OrderRejected (and subclasses), OrderNotFound, ExchangeDataError.
    """

    async def symbol_rules(self) -> Mapping[str, SymbolRules]: ...

    async def balances(self) -> Mapping[str, Balance]: ...

    async def tickers_24h(self) -> Mapping[str, Ticker24h]: ...

    async def candles(self, symbol: str, interval: str, limit: int) -> Sequence[Candle]: ...

    async def order_book(self, symbol: str, limit: int = 20) -> OrderBook: ...

    async def place_order(self, request: OrderRequest) -> Order: ...

    async def cancel_order(self, symbol: str, client_order_id: str) -> Order: ...

    async def get_order(self, symbol: str, client_order_id: str) -> Order: ...

    async def open_orders(self, symbol: str | None = None) -> Sequence[Order]: ...

    async def my_fills(self, symbol: str, since_ms: int | None = None) -> Sequence[Fill]:
        """Return the fills from `since_ms` on, oldest first, or only their oldest part.

        A part is complete up to the millisecond of its newest fill: read on from the next one.
        """
        ...

    async def trade_fees(self, symbol: str) -> Fees: ...

    async def server_time_ms(self) -> int: ...


class Service(Protocol):
    """What a runner loop drives: one service with a name and a tick.

    `name` attributes the service's orders, fills, fees and PnL (pass it to `MarketOrders`).
    A service may also set a `quiet` attribute after each tick (a `mexcore.quiet.Quiet`, or
    None): its promise of when a next tick could act, which simulations use to skip ticks.
    Without one, the service is ticked at every interval.
    """

    name: str

    async def tick(self) -> int:
        """Do one cycle of work; return the number of actions taken (orders, sales, reports)."""
        ...


class Level(StrEnum):
    """INFO reports may be throttled; ALERT and ERROR always go out."""

    INFO = "info"
    ALERT = "alert"
    ERROR = "error"


class Notifier(Protocol):
    """Where the bot tells its user what it does."""

    async def send(self, topic: str, text: str, level: Level = Level.INFO) -> None: ...

    def wants(self, level: Level) -> bool:
        """Tell whether a message at `level` could reach the user (else skip rendering it)."""
        ...

    async def send_picture(self, topic: str, png: bytes, caption: str = "") -> None: ...


class Clock(Protocol):
    """Time, real or simulated. `sleep` on a simulated clock advances it without waiting."""

    def now_ms(self) -> int: ...

    async def sleep(self, seconds: float) -> None: ...


class Store(Protocol):
    """The bot's durable memory. Calls are synchronous and each one is atomic."""

    @property
    def mode(self) -> str | None:
        """Return the mode (sim, paper, live) this journal belongs to; None if unrecorded."""
        ...

    def record_fills(self, fills: Iterable[Fill]) -> int:
        """Add fills not yet journaled (unique by symbol and trade id); return how many."""
        ...

    def fills(self, symbol: str | None = None) -> Sequence[Fill]:
        """Return journaled fills, oldest first."""
        ...

    def save_intent(self, intent: OrderIntent) -> None:
        """Insert or replace the intent with this client order id."""
        ...

    def intent(self, client_order_id: str) -> OrderIntent | None: ...

    def intents(self, statuses: Iterable[IntentStatus] | None = None) -> Sequence[OrderIntent]: ...

    def get_state(self, key: str) -> str | None:
        """Read one value of runner state (cooldowns, pause flags, throttles, cursors)."""
        ...

    def set_state(self, key: str, value: str | None) -> None:
        """Write (or with None delete) one value of runner state."""
        ...

    def add_snapshot(self, snapshot: PortfolioSnapshot) -> None: ...

    def snapshots(self, since_ms: int | None = None) -> Sequence[PortfolioSnapshot]: ...

    def snapshot_totals(self, since_ms: int | None = None) -> Sequence[tuple[int, Decimal]]:
        """Return (time_ms, total value) of each snapshot at or after `since_ms`, oldest first.

        The series of a month's summary without every asset's value decoded.
        """
        ...

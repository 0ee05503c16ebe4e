"""SharedMarket: one short-lived market snapshot for every runner and Telegram command.

Every runner's tick and most commands read the same things: the all-symbol 24 h ticker
(weight 40 of MEXC's 500 per 10 s), the symbol rules (exchangeInfo, 10) and the balances
(account, 10, at most 2/s). Read separately, a burst of ticks and commands spends the
ticker's budget in one go. `SharedMarket` wraps the `Exchange` port so that one read serves
every caller for a few seconds, and callers that arrive while a read is under way wait for
that same read (single-flight). It is an adapter decorator, not a core service, so every
caller of the port (runners, commands, reconciliation, paper's engine) shares it and the
core and the simulator stay as they are.

Balances are kept for one second only and forgotten on every order call, so a placement
is never planned on balances read before an earlier placement.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Mapping, Sequence
from typing import Generic, TypeVar

from adapters.mexc.ratelimit import MonotonicClock
from mexcore.ports import Clock, Exchange
from mexcore.values import (
    Balance,
    Candle,
    Fees,
    Fill,
    Order,
    OrderBook,
    OrderRequest,
    SymbolRules,
    Ticker24h,
)

T = TypeVar("T")


class SharedRead(Generic[T]):
    """One value read at most once per `ttl_ms`; concurrent readers share one read."""

    def __init__(self, read: Callable[[], Awaitable[T]], ttl_s: float, clock: Clock) -> None:
        self._read = read
        self._ttl_ms = int(ttl_s * 1000)
        self._clock = clock
        self._value: tuple[T, int] | None = None
        self._task: asyncio.Future[T] | None = None
        self._generation = 0
        self.reads = 0

    async def get(self) -> T:
        """Return the kept value while fresh, else the result of one shared read."""
        if self._value is not None and self._clock.now_ms() - self._value[1] < self._ttl_ms:
            return self._value[0]
        if self._task is None:
            self._task = asyncio.ensure_future(self._refresh(self._generation))
            self._task.add_done_callback(_retrieve)  # no "never retrieved" if all gave up
        return await asyncio.shield(self._task)

    def forget(self) -> None:
        """Drop the kept value; a read under way now serves only those already waiting."""
        self._value = None
        self._task = None
        self._generation += 1

    async def _refresh(self, generation: int) -> T:
        self.reads += 1
        try:
            value = await self._read()
        finally:
            if generation == self._generation:
                self._task = None
        if generation == self._generation:
            self._value = (value, self._clock.now_ms())
        return value


def _retrieve(task: asyncio.Future[T]) -> None:
    if not task.cancelled():
        task.exception()


class SharedMarket:
    """The `Exchange` port over `exchange`, with tickers, rules, fees and balances shared."""

    def __init__(self, exchange: Exchange, *, tickers_ttl_s: float = 5.0,
                 rules_ttl_s: float = 300.0, balances_ttl_s: float = 1.0,
                 clock: Clock | None = None) -> None:
        self.inner = exchange
        self._clock: Clock = clock or MonotonicClock()
        self._rules_ttl_s = rules_ttl_s
        self.tickers = SharedRead(exchange.tickers_24h, tickers_ttl_s, self._clock)
        self.rules = SharedRead(exchange.symbol_rules, rules_ttl_s, self._clock)
        self.account = SharedRead(exchange.balances, balances_ttl_s, self._clock)
        self._fees: dict[str, SharedRead[Fees]] = {}

    async def tickers_24h(self) -> Mapping[str, Ticker24h]:
        """Return every symbol's 24 h ticker, at most `tickers_ttl_s` old."""
        return await self.tickers.get()

    async def symbol_rules(self) -> Mapping[str, SymbolRules]:
        """Return every symbol's rules, at most `rules_ttl_s` old."""
        return await self.rules.get()

    async def balances(self) -> Mapping[str, Balance]:
        """Return the balances, at most `balances_ttl_s` old and read after the last order."""
        return await self.account.get()

    async def trade_fees(self, symbol: str) -> Fees:
        """Return the account's fees on `symbol` (weight 20 on MEXC), kept like the rules."""
        shared = self._fees.get(symbol)
        if shared is None:
            shared = self._fees[symbol] = SharedRead(
                lambda: self.inner.trade_fees(symbol), self._rules_ttl_s, self._clock)
        return await shared.get()

    async def candles(self, symbol: str, interval: str, limit: int) -> Sequence[Candle]:
        """Return candles (not shared: each caller asks for its own symbol and length)."""
        return await self.inner.candles(symbol, interval, limit)

    async def order_book(self, symbol: str, limit: int = 20) -> OrderBook:
        """Return a fresh order book (prices for an order are never taken from a snapshot)."""
        return await self.inner.order_book(symbol, limit)

    async def place_order(self, request: OrderRequest) -> Order:
        """Place an order; the next balance read goes to the exchange."""
        try:
            return await self.inner.place_order(request)
        finally:
            self.account.forget()

    async def cancel_order(self, symbol: str, client_order_id: str) -> Order:
        """Cancel an order; the next balance read goes to the exchange."""
        try:
            return await self.inner.cancel_order(symbol, client_order_id)
        finally:
            self.account.forget()

    async def get_order(self, symbol: str, client_order_id: str) -> Order:
        """Return an order by client order id."""
        return await self.inner.get_order(symbol, client_order_id)

    async def open_orders(self, symbol: str | None = None) -> Sequence[Order]:
        """Return open orders of one symbol, or of all."""
        return await self.inner.open_orders(symbol)

    async def my_fills(self, symbol: str, since_ms: int | None = None) -> Sequence[Fill]:
        """Return the account's fills on `symbol` since `since_ms`."""
        return await self.inner.my_fills(symbol, since_ms)

    async def server_time_ms(self) -> int:
        """Return the exchange's clock."""
        return await self.inner.server_time_ms()

"""PaperExchange: live MEXC market data, a simulated account, fills by the fake's engine."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal
from pathlib import Path

from adapters.fake.book import BookModel
from adapters.fake.market import MINUTE_MS
from adapters.mexc.client import WallClock
from adapters.paper import account_file as account_file_module
from adapters.paper.engine import LiveBookEngine
from adapters.paper.market import LiveMinutes
from mexcore.errors import SkipSymbol
from mexcore.money import decimals_of, to_decimal
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

FILL_HISTORY_MS = 30 * 24 * 3600 * 1000


class PaperExchange:
    """The `Exchange` port for paper trading.

    Rules, tickers, candles and books come from `market` (a key-less MexcExchange: public
    endpoints only). Balances, orders and fills are simulated by the fake exchange's matching
    engine: takers walk the live book, resting orders fill on live 1-minute candles; `deposit`
    funds the account. Without `account_file` the account lives in memory. With it, the account
    (balances, orders, fills, id sequences) is read from that file when it exists (`restored`)
    and written back after every change, so a restart goes on where the last run stopped.
    """

    def __init__(self, market: Exchange, clock: Clock | None = None, *,
                 book_model: BookModel | None = None, history_minutes: int = 60,
                 account_file: Path | None = None) -> None:
        self.live = market
        self.clock: Clock = clock or WallClock()
        self.minutes = LiveMinutes(self.clock.now_ms() - history_minutes * MINUTE_MS)
        self.engine = LiveBookEngine(self.minutes, book_model or BookModel())
        self._fetched: dict[str, int] = {}
        self._file = account_file
        self._saved: tuple[int, ...] = ()
        self.restored = account_file is not None and account_file.exists()
        if account_file is not None:
            self._open_account(account_file)

    def deposit(self, asset: str, amount: Decimal | int | str) -> None:
        """Credit `amount` of `asset` to the simulated account."""
        self.engine.deposit(asset, to_decimal(amount))
        self._save()

    def fund(self, start_balances: Mapping[str, Decimal]) -> None:
        """Deposit `start_balances` into a new account; a restored one keeps its own."""
        if not self.restored:
            for asset, amount in start_balances.items():
                self.deposit(asset, amount)

    async def symbol_rules(self) -> Mapping[str, SymbolRules]:
        """Return MEXC's live rules."""
        return await self.live.symbol_rules()

    async def tickers_24h(self) -> Mapping[str, Ticker24h]:
        """Return MEXC's live 24 h tickers."""
        return await self.live.tickers_24h()

    async def candles(self, symbol: str, interval: str, limit: int) -> Sequence[Candle]:
        """Return MEXC's live candles."""
        return await self.live.candles(symbol, interval, limit)

    async def order_book(self, symbol: str, limit: int = 20) -> OrderBook:
        """Return MEXC's live order book."""
        return await self.live.order_book(symbol, limit)

    async def server_time_ms(self) -> int:
        """Return the paper clock."""
        return self.clock.now_ms()

    async def trade_fees(self, symbol: str) -> Fees:
        """Return the symbol's public maker/taker rates (exchangeInfo)."""
        rules = (await self.symbol_rules()).get(symbol)
        if rules is None:
            raise SkipSymbol(symbol, "Invalid symbol. (-1121)")
        return Fees(rules.maker_fee, rules.taker_fee)

    async def balances(self) -> Mapping[str, Balance]:
        """Return the simulated non-zero balances."""
        await self._sync()
        return self.engine.account.balances()

    async def place_order(self, request: OrderRequest) -> Order:
        """Match an order against the live book now; return it right after matching."""
        await self._sync(request.symbol)
        book = await self.live.order_book(request.symbol, self.engine.book_model.levels)
        self.engine.live_books[request.symbol] = book
        order = self.engine.place(request, self.clock.now_ms()).to_order()
        self._save()
        return order

    async def cancel_order(self, symbol: str, client_order_id: str) -> Order:
        """Cancel a simulated open order."""
        await self._sync()
        order = self.engine.cancel(symbol, client_order_id, self.clock.now_ms()).to_order()
        self._save()
        return order

    async def get_order(self, symbol: str, client_order_id: str) -> Order:
        """Return a simulated order by client order id."""
        await self._sync()
        return self.engine.get(symbol, client_order_id).to_order()

    async def open_orders(self, symbol: str | None = None) -> Sequence[Order]:
        """Return the simulated open orders, oldest first."""
        await self._sync()
        return [s.to_order() for s in self.engine.orders.values()
                if s.status.is_open and symbol in (None, s.request.symbol)]

    async def my_fills(self, symbol: str, since_ms: int | None = None) -> Sequence[Fill]:
        """Return the simulated fills of `symbol` since `since_ms` (30 days at most)."""
        await self._sync()
        oldest = max(since_ms or 0, self.clock.now_ms() - FILL_HISTORY_MS)
        fills = [f for f in self.engine.fills if f.symbol == symbol and f.time_ms >= oldest]
        return sorted(fills, key=lambda f: (f.time_ms, int(f.trade_id[:-2])))

    async def _sync(self, symbol: str | None = None) -> None:
        """Bring live minutes up to now for `symbol` and every symbol with open orders."""
        rules = await self.live.symbol_rules()
        self.engine.rules.update(rules)
        now = self.clock.now_ms()
        done = self.minutes.minutes_at(now)
        wanted = {s.request.symbol for s in self.engine.orders.values() if s.status.is_open}
        if symbol is not None:
            wanted.add(symbol)
        for name in sorted(wanted):
            if self._fetched.get(name, -1) < done:
                await self._fetch(name, rules.get(name), done)
        self.minutes.extend_to(done)
        self.engine.sync(now)
        self._save()

    def _open_account(self, path: Path) -> None:
        if self.restored:
            account_file_module.load(path, self.engine)
        else:
            # A new account's ids start at the clock, so they never repeat those of an earlier
            # paper account whose fills are still in the journal.
            path.parent.mkdir(parents=True, exist_ok=True)
            self.engine.start_ids_at(self.clock.now_ms(), self.clock.now_ms())
        self._save()

    def _save(self) -> None:
        """Write the account file when something changed since it was last written."""
        engine = self.engine
        mark = (engine.account.moves, len(engine.fills), len(engine.orders),
                len(engine.open_orders()))
        if self._file is not None and mark != self._saved:
            account_file_module.save(self._file, engine, self.clock.now_ms())
            self._saved = mark

    async def _fetch(self, symbol: str, rules: SymbolRules | None, done: int) -> None:
        if rules is None:
            raise SkipSymbol(symbol, "Invalid symbol. (-1121)")
        missing = done - max(0, self._fetched.get(symbol, 0) - 1)
        candles = await self.live.candles(symbol, "1m", min(1000, max(1, missing + 1)))
        decimals = (decimals_of(rules.price_tick), decimals_of(rules.qty_step))
        self.minutes.put(symbol, candles, decimals, done)
        self._fetched[symbol] = done

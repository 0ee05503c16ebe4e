"""FakeExchange: the `Exchange` port over the matching engine, market data and faults."""

from __future__ import annotations

import bisect
from collections.abc import Callable, Iterator, Mapping, Sequence
from decimal import Decimal
from typing import Any, TypeVar, cast

from adapters.fake.book import BookModel, best_prices
from adapters.fake.engine import MatchingEngine, MxDeduction
from adapters.fake.faults import FaultInjector, Faults
from adapters.fake.loader import load_market_data
from adapters.fake.market import MarketData, amount_text, price_text
from adapters.fake.orders import OrderState
from adapters.fake.rules import default_rules
from mexcore.errors import OutcomeUnknown
from mexcore.money import to_decimal
from mexcore.ports import Clock
from mexcore.values import (
    Balance,
    Candle,
    Fees,
    Fill,
    Order,
    OrderBook,
    OrderRequest,
    OrderType,
    SymbolRules,
    Ticker24h,
)

T = TypeVar("T")
FILL_HISTORY_MS = 30 * 24 * 3600 * 1000  # myTrades only reaches back one month
FILL_PAGE = 100  # myTrades answers at most 100 rows; None in `fill_page` answers all


class FakeExchange:
    """A faithful in-memory MEXC spot account over recorded or synthetic candles.

    Time comes from `clock`; at time t only the minutes completed by t are visible, and resting
    orders fill on those minutes' price paths when any method is next called. `seed` seeds
    the default market (bundled data) and, without `faults`, the fault randomness.
    """

    def __init__(
        self,
        clock: Clock,
        market: MarketData | None = None,
        rules: Mapping[str, SymbolRules] | None = None,
        *,
        book_model: BookModel | None = None,
        faults: Faults | None = None,
        seed: int = 1,
    ) -> None:
        rules = default_rules() if rules is None else rules
        self.clock = clock
        self.market = market if market is not None else load_market_data(rules=rules, seed=seed)
        model = book_model or BookModel()
        self.engine = MatchingEngine(self.market, rules, model, MxDeduction())
        self.injector = FaultInjector(faults or Faults(seed=seed), clock)
        self._cache_minute: tuple[int, int] = (-1, 0)
        self._wake_floors: dict[tuple[str, Decimal], float] = {}
        self._cache: dict[Any, Any] = {}
        self._fills_seen = 0
        self._fills_sorted: list[Fill] = []
        self._fills_by_symbol: dict[str, list[Fill]] = {}
        self.fill_page: int | None = FILL_PAGE

    @property
    def faults(self) -> Faults:
        """The live fault settings (mutate them, or assign new ones)."""
        return self.injector.faults

    @faults.setter
    def faults(self, value: Faults) -> None:
        self.injector.faults = value

    @property
    def mx(self) -> MxDeduction:
        """The account's MX fee deduction setting (assign to switch it, as MEXC's toggle)."""
        return self.engine.mx

    @mx.setter
    def mx(self, value: MxDeduction) -> None:
        self.engine.mx = value

    @property
    def rules(self) -> dict[str, SymbolRules]:
        """The live rules by symbol (assign an entry to change a symbol's rules)."""
        return self.engine.rules

    # --- helpers beyond the port, for tests, sim and backtests -------------------------------

    def deposit(self, asset: str, amount: Decimal | int | str) -> None:
        """Credit `amount` of `asset` to the free balance."""
        self.engine.deposit(asset, to_decimal(amount))

    def all_orders(self) -> list[Order]:
        """Return every order ever placed, oldest first."""
        return [s.to_order() for s in self.engine.orders.values()]

    def all_fills(self) -> list[Fill]:
        """Return every fill of the account, in time order."""
        return list(self._index_fills())

    def last_price(self, symbol: str) -> Decimal:
        """Return the last traded price of `symbol` now."""
        self.engine.rules_for(symbol)
        return self.engine.last_price(symbol, self._done())

    def sync(self) -> None:
        """Fill resting orders up to the clock's time (every port call does this first)."""
        self.engine.sync(self.clock.now_ms())

    # --- what a simulation's scheduler watches (runners.schedule.MarketWatch) -----------------

    def account_version(self) -> tuple[int, int, int]:
        """Return a value that changes whenever orders, fills or balances change."""
        self.sync()
        engine = self.engine
        return engine.account.moves, len(engine.orders), len(engine.fills)

    def may_have_reached(self, symbol: str, level: Decimal) -> bool:
        """Tell whether a ticker now could show `symbol`'s last price at or above `level`.

        Errs towards yes: the float close is compared with a margin of one price tick (the
        ticker rounds it to the tick) plus a relative 1e-9; an unknown symbol says yes.
        """
        floor = self._wake_floors.get((symbol, level))
        if floor is None:
            if not self.market.has(symbol):
                return True
            if len(self._wake_floors) > 10_000:
                self._wake_floors.clear()
            margin = 10.0 ** -self.market.price_decimals(symbol)
            floor = self._wake_floors[(symbol, level)] = float(level) * (1 - 1e-9) - margin
        return self.engine.price_float(symbol, self._done()) >= floor

    def free_balance(self, asset: str) -> Decimal:
        """Return the free balance of `asset` now (resting orders filled up to the clock)."""
        self.sync()
        return self.engine.account.free(asset)

    # --- the Exchange port -------------------------------------------------------------------

    async def symbol_rules(self) -> Mapping[str, SymbolRules]:
        """Return the rules of every symbol with market data."""
        await self._enter("exchangeInfo")
        markets = self.market.series
        return {s: r for s, r in self.engine.rules.items() if s in markets}

    async def balances(self) -> Mapping[str, Balance]:
        """Return the non-zero balances."""
        await self._enter("account")
        return self.engine.account.balances()

    async def tickers_24h(self) -> Mapping[str, Ticker24h]:
        """Return the rolling 24 h ticker of every symbol."""
        await self._enter("ticker/24hr")
        return self._cached(("tickers",), self._tickers)

    async def candles(self, symbol: str, interval: str, limit: int) -> Sequence[Candle]:
        """Return up to `limit` candles (1m 5m 15m 30m 60m 4h 1d 1W 1M), oldest first."""
        await self._enter("klines", symbol)
        self.engine.rules_for(symbol)
        key = ("candles", symbol, interval, limit)
        return self._cached(key, lambda: self.market.candles(symbol, interval, limit, self._done()))

    async def order_book(self, symbol: str, limit: int = 20) -> OrderBook:
        """Return the synthetic book, `limit` levels a side."""
        await self._enter("depth", symbol)
        self.engine.rules_for(symbol)
        key = ("book", symbol, limit)
        return self._cached(key, lambda: self.engine.book(symbol, self._done(), limit))

    async def place_order(self, request: OrderRequest) -> Order:
        """Place an order; return its state right after matching."""
        await self._enter("order", request.symbol)
        order = self._place(request).to_order()
        if self.injector.answer_lost(request.client_order_id):
            raise OutcomeUnknown(f"order {request.client_order_id}: answer lost (injected)")
        return order

    async def cancel_order(self, symbol: str, client_order_id: str) -> Order:
        """Cancel an open order; return it as it is after the cancel."""
        await self._enter("order", symbol)
        return self.engine.cancel(symbol, client_order_id, self.clock.now_ms()).to_order()

    async def get_order(self, symbol: str, client_order_id: str) -> Order:
        """Return one order by client order id."""
        await self._enter("order", symbol)
        self.injector.before_lookup("order", client_order_id)
        return self.engine.get(symbol, client_order_id).to_order()

    async def open_orders(self, symbol: str | None = None) -> Sequence[Order]:
        """Return the open orders (of one symbol, or all), oldest first."""
        await self._enter("openOrders", symbol)
        self.injector.before_lookup("openOrders")
        return [
            s.to_order()
            for s in self.engine.open_orders()
            if symbol is None or s.request.symbol == symbol
        ]

    async def my_fills(self, symbol: str, since_ms: int | None = None) -> Sequence[Fill]:
        """Return the oldest fills of `symbol` since `since_ms` (30 days at most), a page.

        Like the port's MEXC adapter, at most `fill_page` fills and then the rest of the
        last millisecond: a caller reads on from that millisecond + 1.
        """
        fills = await self.trade_history(symbol, since_ms)
        if self.fill_page is None or len(fills) <= self.fill_page:
            return fills
        last = fills[self.fill_page - 1].time_ms
        return fills[:bisect.bisect_right(fills, last, key=_fill_time)]

    async def trade_history(self, symbol: str, since_ms: int | None = None,
                            until_ms: int | None = None) -> list[Fill]:
        """Return every fill of `symbol` from `since_ms` to `until_ms` (30 days at most)."""
        await self._enter("myTrades")
        self.engine.rules_for(symbol)
        oldest = max(since_ms or 0, self.clock.now_ms() - FILL_HISTORY_MS)
        self._index_fills()
        fills = self._fills_by_symbol.get(symbol, [])
        end = len(fills) if until_ms is None else bisect.bisect_right(fills, until_ms,
                                                                        key=_fill_time)
        return fills[bisect.bisect_left(fills, oldest, key=_fill_time):end]

    async def trade_fees(self, symbol: str) -> Fees:
        """Return the maker and taker rates of `symbol`."""
        await self._enter("tradeFee")
        rules = self.engine.rules_for(symbol)
        return Fees(maker=rules.maker_fee, taker=rules.taker_fee)

    async def server_time_ms(self) -> int:
        """Return the exchange's clock (the simulated time plus any injected skew)."""
        await self._enter("time")
        return self.clock.now_ms() + self.faults.clock_skew_ms

    # --- internals -----------------------------------------------------------------------------

    async def _enter(self, endpoint: str, symbol: str | None = None) -> None:
        await self.injector.before_call(endpoint)
        self.sync()
        f = self.faults
        if f.fill_rate > 0 or f.fill_next > 0:
            self._fill_between()
        if f.price_move_rate > 0 or f.move_next > 0:
            self._move_price(symbol)

    def _place(self, request: OrderRequest) -> OrderState:
        cancel = request.type is OrderType.LIMIT_MAKER and self.injector.cancels_post_only()
        return self.engine.place(request, self.clock.now_ms(), cancel_taking_maker=cancel)

    def _fill_between(self) -> None:
        resting = self.engine.open_orders()
        chosen = self.injector.fill_share(len(resting))
        if chosen is None:
            return
        state, share = resting[chosen[0]], chosen[1]
        step = state.rules.qty_step
        qty = max(step, state.remaining_qty * share // step * step)
        self.engine.fill_resting(state, qty, self.clock.now_ms())

    def _move_price(self, symbol: str | None) -> None:
        known = [s for s in self.engine.rules if self.market.has(s)]
        moved = self.injector.price_move(known, symbol if symbol in known else None)
        if moved is not None:
            self.engine.shift(moved[0], moved[1], self.clock.now_ms())

    def _done(self) -> int:
        return self.market.completed(self.clock.now_ms())

    def _cached(self, key: tuple[Any, ...], build: Callable[[], T]) -> T:
        done = self._done(), self.engine.moves
        if done != self._cache_minute:
            self._cache_minute, self._cache = done, {}
        if key not in self._cache:
            self._cache[key] = build()
        return cast(T, self._cache[key])

    def _index_fills(self) -> list[Fill]:
        # The engine's fill list only grows: sort each new fill into place once.
        for fill in self.engine.fills[self._fills_seen:]:
            bisect.insort(self._fills_sorted, fill, key=_fill_order)
            bisect.insort(self._fills_by_symbol.setdefault(fill.symbol, []), fill,
                          key=_fill_order)
        self._fills_seen = len(self.engine.fills)
        return self._fills_sorted

    def _tickers(self) -> Mapping[str, Ticker24h]:
        done = self._done()
        symbols = [s for s in self.market.symbols if s in self.engine.rules]
        return _LazyTickers(symbols, lambda symbol: self._ticker(symbol, done))

    def _ticker(self, symbol: str, done: int) -> Ticker24h:
        last, first, high, low, volume, quote_volume = self.market.ticker_values(symbol, done)
        if symbol in self.engine.shifts:
            last = self.engine.price_float(symbol, done)
            high, low = max(high, last), min(low, last)
        dp = self.market.price_decimals(symbol)
        bid, ask = best_prices(last, dp, self.engine.book_model)
        return Ticker24h(
            symbol=symbol, last_price=price_text(last, dp), open_price=price_text(first, dp),
            high=price_text(high, dp), low=price_text(low, dp),
            volume=amount_text(volume, self.market.qty_decimals(symbol)),
            quote_volume=amount_text(quote_volume), bid=bid, ask=ask,
        )


def _fill_order(fill: Fill) -> tuple[int, int]:
    return fill.time_ms, int(fill.trade_id[:-2])


def _fill_time(fill: Fill) -> int:
    return fill.time_ms


class _LazyTickers(Mapping[str, Ticker24h]):
    """The tickers of one minute, each built on first access (most ticks read only a few)."""

    def __init__(self, symbols: Sequence[str], build: Callable[[str], Ticker24h]) -> None:
        self._symbols = dict.fromkeys(symbols)
        self._build = build
        self._built: dict[str, Ticker24h] = {}

    def __getitem__(self, symbol: str) -> Ticker24h:
        found = self._built.get(symbol)
        if found is None:
            if symbol not in self._symbols:
                raise KeyError(symbol)
            found = self._built[symbol] = self._build(symbol)
        return found

    def __contains__(self, symbol: object) -> bool:
        return symbol in self._symbols

    def __iter__(self) -> Iterator[str]:
        return iter(self._symbols)

    def __len__(self) -> int:
        return len(self._symbols)

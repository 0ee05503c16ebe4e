"""StreamingExchange: the `Exchange` port on MEXC REST, market reads served from the streams.

Tickers, the book and 1-minute candles come from a `MarketCache` while it is fresh for the
symbol; otherwise from REST, as without streams. Everything else passes through to REST.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence

import attrs

from adapters.mexc.constants import DEPTH
from adapters.mexc.exchange import MexcExchange
from adapters.mexc.market_cache import STREAM_INTERVALS, MarketCache
from adapters.mexc.schemas import parse_depth
from mexcore.errors import ExchangeDataError
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

SNAPSHOT_LEVELS = 1000  # deep enough that levels never pushed rarely reach the top
SERVED_LEVELS = 20  # deeper reads go to REST: a local book's far levels can drift (§5)


class StreamingExchange:
    """MexcExchange with its market reads answered by the streams when they can be.

    `tickers_24h` keeps the REST answer for `tickers_ttl_s` (its 24 h statistics move
    slowly) while every streamed symbol is fresh, and lays the streams' last price and best
    bid/ask over it; symbols not streamed are then up to `tickers_ttl_s` old. `served`
    counts where each read was answered from ("cache:book", "rest:book", ...).
    """

    def __init__(self, rest: MexcExchange, cache: MarketCache,
                 tickers_ttl_s: float = 30.0) -> None:
        self.rest, self.cache = rest, cache
        self.tickers_ttl_ms = round(tickers_ttl_s * 1000)
        self.served: Counter[str] = Counter()
        self._tickers: tuple[int, Mapping[str, Ticker24h]] | None = None

    async def tickers_24h(self) -> Mapping[str, Ticker24h]:
        """Return every symbol's 24 h ticker, fresh stream prices laid over REST's."""
        now = self.cache.clock.now_ms()
        if self._tickers is None or now - self._tickers[0] >= self.tickers_ttl_ms \
                or not self.cache.all_fresh():
            self._tickers = (now, await self.rest.tickers_24h())
            self.served["rest:tickers"] += 1
        else:
            self.served["cache:tickers"] += 1
        return {symbol: self._overlay(t) for symbol, t in self._tickers[1].items()}

    def _overlay(self, ticker: Ticker24h) -> Ticker24h:
        last, best = self.cache.last_price(ticker.symbol), self.cache.best(ticker.symbol)
        if last is None and best is None:
            return ticker
        price = last if last is not None else ticker.last_price
        return attrs.evolve(
            ticker, last_price=price, high=max(ticker.high, price), low=min(ticker.low, price),
            bid=best.bid if best is not None else ticker.bid,
            ask=best.ask if best is not None else ticker.ask)

    async def order_book(self, symbol: str, limit: int = 20) -> OrderBook:
        """Return the book from the local copy, else from REST (re-snapshotting if wanted)."""
        if limit <= SERVED_LEVELS:
            book = self.cache.order_book(symbol, limit)
            if book is not None:
                self.served["cache:book"] += 1
                return book
            if self.cache.wants_snapshot(symbol):
                return await self._resnapshot(symbol, limit)
        self.served["rest:book"] += 1
        return await self.rest.order_book(symbol, limit)

    async def resnapshot(self, symbol: str) -> bool:
        """Load a REST depth snapshot into the cache's book; False: it did not fit yet."""
        last_update_id, snapshot = await self._depth_snapshot(symbol)
        return self.cache.load_snapshot(symbol, last_update_id, snapshot)

    async def _resnapshot(self, symbol: str, limit: int) -> OrderBook:
        self.served["rest:snapshot"] += 1
        last_update_id, snapshot = await self._depth_snapshot(symbol)
        self.cache.load_snapshot(symbol, last_update_id, snapshot)
        return attrs.evolve(snapshot, bids=snapshot.bids[:limit], asks=snapshot.asks[:limit])

    async def _depth_snapshot(self, symbol: str) -> tuple[int, OrderBook]:
        params = [("symbol", symbol), ("limit", str(SNAPSHOT_LEVELS))]
        data = await self.rest.http.public(DEPTH, params, symbol=symbol)
        version = data.get("lastUpdateId") if isinstance(data, Mapping) else None
        if not isinstance(version, int) or isinstance(version, bool):
            raise ExchangeDataError(f"MEXC depth of {symbol}: no lastUpdateId ({version!r})")
        return version, parse_depth(symbol, data)

    async def candles(self, symbol: str, interval: str, limit: int) -> Sequence[Candle]:
        """Return candles from the streams when all are known, else from REST (and seed)."""
        cached = self.cache.candles(symbol, limit, interval)
        if cached is not None:
            self.served["cache:candles"] += 1
            return cached
        self.served["rest:candles"] += 1
        history = await self.rest.candles(symbol, interval, limit)
        if interval in STREAM_INTERVALS and self.cache.fresh(symbol):
            self.cache.seed_candles(symbol, history, interval)
        return history

    # --- passed through to REST ---------------------------------------------------------------

    async def symbol_rules(self) -> Mapping[str, SymbolRules]:
        return await self.rest.symbol_rules()

    async def balances(self) -> Mapping[str, Balance]:
        return await self.rest.balances()

    async def place_order(self, request: OrderRequest) -> Order:
        return await self.rest.place_order(request)

    async def cancel_order(self, symbol: str, client_order_id: str) -> Order:
        return await self.rest.cancel_order(symbol, client_order_id)

    async def get_order(self, symbol: str, client_order_id: str) -> Order:
        return await self.rest.get_order(symbol, client_order_id)

    async def open_orders(self, symbol: str | None = None) -> Sequence[Order]:
        return await self.rest.open_orders(symbol)

    async def my_fills(self, symbol: str, since_ms: int | None = None) -> Sequence[Fill]:
        return await self.rest.my_fills(symbol, since_ms)

    async def trade_fees(self, symbol: str) -> Fees:
        return await self.rest.trade_fees(symbol)

    async def server_time_ms(self) -> int:
        return await self.rest.server_time_ms()

"""The fake exchange's matching engine, taking liquidity from the live order book."""

from __future__ import annotations

import attrs

from adapters.fake.book import BookModel
from adapters.fake.engine import MatchingEngine, MxDeduction
from adapters.fake.market import MarketData
from mexcore.values import OrderBook


class LiveBookEngine(MatchingEngine):
    """A `MatchingEngine` whose taker orders walk the last live book seen for the symbol.

    Resting orders still fill on the (live) 1-minute price path, as in the fake exchange.
    """

    def __init__(self, market: MarketData, book_model: BookModel,
                 mx: MxDeduction | None = None) -> None:
        super().__init__(market, {}, book_model, mx or MxDeduction())
        self.live_books: dict[str, OrderBook] = {}

    def book(self, symbol: str, done: int, limit: int) -> OrderBook:
        """Return the live book of `symbol` (`limit` levels), or a synthetic one without it."""
        live = self.live_books.get(symbol)
        if live is None:
            return super().book(symbol, done, limit)
        return attrs.evolve(live, bids=live.bids[:limit], asks=live.asks[:limit])

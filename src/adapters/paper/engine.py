"""The fake exchange's matching engine, taking liquidity from the live order book."""

from __future__ import annotations

from itertools import count

import attrs

from adapters.fake.book import BookModel
from adapters.fake.engine import MatchingEngine, MxDeduction
from adapters.fake.market import MarketData
from adapters.fake.orders import OrderState
from mexcore.values import OrderBook


class LiveBookEngine(MatchingEngine):
    """A `MatchingEngine` whose taker orders walk the last live book seen for the symbol.

    Resting orders still fill on the (live) 1-minute price path, as in the fake exchange. A
    paper account saved by `adapters.paper.account_file` is put back with `restore_order` and
    `start_ids_at`.
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

    def next_ids(self) -> tuple[int, int]:
        """Return the numbers the next order id and the next trade id will get."""
        order_id, trade_id = next(self._order_ids), next(self._trade_ids)
        self.start_ids_at(order_id, trade_id)
        return order_id, trade_id

    def start_ids_at(self, order_id: int, trade_id: int) -> None:
        """Number the next order `order_id` and the next trade `trade_id`."""
        self._order_ids, self._trade_ids = count(order_id), count(trade_id)

    def restore_order(self, state: OrderState) -> None:
        """Put back an order of a saved account (an open one rests again, holding its funds)."""
        self.orders[state.request.client_order_id] = state
        if state.status.is_open:
            self._open[state.request.client_order_id] = state
            self._resting.setdefault(state.request.symbol, []).append(state)

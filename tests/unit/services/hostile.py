"""Hostile timing for the maker and placement tests: fakes that move between two calls.

Each exchange here is the tests' AuditedExchange with one live-market interleaving added:
a resting order fills right before its cancel arrives, the price moves between the plan's
read and the placement, or the exchange cancels (or expires) a post-only order instead of
resting it. The fake exchange's own fault modes (`Faults.fill_next`, `move_next`,
`post_only_cancel_rate`) do the same at random; these give a test the exact moment and size.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal

from tests.unit.services.support import AuditedExchange, World, world

from adapters.fake import FakeClock
from adapters.fake.engine import MatchingEngine
from adapters.fake.matching import Trade
from adapters.fake.series import Floats
from mexcore.lots import floor_to_step
from mexcore.money import ZERO
from mexcore.values import Order, OrderBook, OrderRequest, OrderStatus, OrderType

D = Decimal
MINUTE_S = 60


def fill_now(engine: MatchingEngine, client_order_id: str, fraction: Decimal, now_ms: int) -> None:
    """Fill `fraction` of what a resting order still wants, at its limit, as a maker, now."""
    state = engine.orders[client_order_id]
    qty = floor_to_step(state.remaining_qty * fraction, state.rules.qty_step)
    if qty <= ZERO or not state.status.is_open:
        return
    engine._fill(state, Trade(state.request.price or ZERO, qty), maker=True, time_ms=now_ms)
    if state.remaining_qty <= ZERO:
        engine._close(state, OrderStatus.FILLED, now_ms)
    else:
        state.status = OrderStatus.PARTIALLY_FILLED


class FillsBeforeCancel(AuditedExchange):
    """Fill the next fraction of `fractions` of an order right before its cancel arrives."""

    fractions: list[Decimal]

    async def cancel_order(self, symbol: str, client_order_id: str) -> Order:
        """Cancel like the fake, after a fill the bot did not see coming."""
        self.sync()
        if self.fractions:
            fill_now(self.engine, client_order_id, self.fractions.pop(0), self.clock.now_ms())
        return await super().cancel_order(symbol, client_order_id)


class MovesBeforeCall(AuditedExchange):
    """Let a minute pass right before the `nth` call (from 1) of `method`: prices move."""

    method: str = "order_book"
    nth: int = 0
    calls: int = 0

    def _maybe_move(self, method: str) -> None:
        if method == self.method:
            self.calls += 1
            if self.calls == self.nth:
                assert isinstance(self.clock, FakeClock)
                self.clock.advance(MINUTE_S)

    async def order_book(self, symbol: str, limit: int = 20) -> OrderBook:
        """Return the book, a minute later on the chosen call."""
        self._maybe_move("order_book")
        return await super().order_book(symbol, limit)

    async def place_order(self, request: OrderRequest) -> Order:
        """Place the order, a minute later on the chosen call."""
        self._maybe_move("place_order")
        return await super().place_order(request)


class CancelsPostOnly(AuditedExchange):
    """End the next `count` LIMIT_MAKER orders as `status` with nothing filled.

    `in_ack` ends them in the placement answer (MEXC cancels a post-only that would take);
    otherwise they rest and are found `status` at the next read of them.
    """

    count: int = 0
    status: OrderStatus = OrderStatus.CANCELED
    in_ack: bool = True
    ended: list[str]

    async def place_order(self, request: OrderRequest) -> Order:
        """Place like the fake; end the order at once if the ack should show it ended."""
        order = await super().place_order(request)
        if request.type is OrderType.LIMIT_MAKER and self.count > 0:
            self.count -= 1
            if self.in_ack:
                return self._end(request.client_order_id)
            self.ended.append(request.client_order_id)
        return order

    async def get_order(self, symbol: str, client_order_id: str) -> Order:
        """Read an order; one marked to end later is ended now."""
        if client_order_id in self.ended:
            self.ended.remove(client_order_id)
            self._end(client_order_id)
        return await super().get_order(symbol, client_order_id)

    def _end(self, client_order_id: str) -> Order:
        state = self.engine.orders[client_order_id]
        self.engine._close(state, self.status, self.clock.now_ms())
        return state.to_order()


class EmptyMarketOrders(AuditedExchange):
    """Answer the next `count` MARKET orders as `status` with nothing filled (no liquidity)."""

    count: int = 0
    status: OrderStatus = OrderStatus.CANCELED

    async def place_order(self, request: OrderRequest) -> Order:
        """End a market order empty, or place it like the fake."""
        if request.type is not OrderType.MARKET or self.count <= 0:
            return await super().place_order(request)
        self.count -= 1
        return Order(request.symbol, f"E{self.count}", request.client_order_id, request.side,
                     request.type, self.status, orig_quote_qty=request.quote_qty,
                     time_ms=self.clock.now_ms())


def hostile_world(
    kind: type[AuditedExchange],
    closes: Mapping[str, Floats],
    balances: Mapping[str, str] | None = None,
    **settings: object,
) -> World:
    """Wire fakes like `support.world`, over an exchange of `kind` set up with `settings`."""
    w = world(closes, balances, exchange_class=kind)
    for name, value in {"fractions": [], "ended": [], **settings}.items():
        setattr(w.exchange, name, value)
    return w


def chain_totals(w: World, symbol: str) -> tuple[Decimal, Decimal]:
    """Return the executed quantity and spent quote of every order of `symbol`."""
    orders = [o for o in w.exchange.all_orders() if o.symbol == symbol]
    return (sum((o.executed_qty for o in orders), ZERO),
            sum((o.cumm_quote_qty for o in orders), ZERO))


"""The matching engine of the fake exchange: account, orders, fills (synchronous, no faults).

Faults act through it: `fill_resting` fills a resting order now, `shift` moves a symbol's book.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import ROUND_UP, Decimal
from itertools import count

import attrs
import numpy as np

from adapters.fake.account import Account
from adapters.fake.book import BookModel, best_prices, book_side, synthesise_book
from adapters.fake.market import MINUTE_MS, MarketData, price_text
from adapters.fake.matching import Trade, touch_fraction, walk_by_budget, walk_by_qty
from adapters.fake.orders import OrderState, closed_status
from adapters.fake.validation import validate_request
from mexcore.errors import InsufficientFunds, OrderNotFound, OrderRejected, SkipSymbol
from mexcore.money import ONE, ZERO
from mexcore.values import Fill, OrderBook, OrderRequest, OrderStatus, OrderType, SymbolRules

MAX_OPEN_ORDERS = 500
_MX_PLACES = Decimal("0.00000001")


@attrs.frozen
class MxDeduction:
    """Pay fees in MX at `(1 - discount)` of their value, MX priced at `mx_price` (quote units).

    Example: a 0.05 USDT fee with a 20 % discount and MX at 2.5 costs 0.04 / 2.5 = 0.016 MX.
    """

    enabled: bool = False
    mx_price: Decimal = attrs.field(default=Decimal(3), converter=Decimal)
    discount: Decimal = attrs.field(default=Decimal("0.2"), converter=Decimal)

    def mx_fee(self, quote_fee: Decimal) -> Decimal:
        """Return the MX amount that pays `quote_fee` (rounded up to 8 decimals)."""
        return (quote_fee * (ONE - self.discount) / self.mx_price).quantize(_MX_PLACES, ROUND_UP)


class MatchingEngine:
    """Orders against a synthetic book (taker) and the candle path (resting, maker)."""

    def __init__(
        self,
        market: MarketData,
        rules: Mapping[str, SymbolRules],
        book_model: BookModel,
        mx: MxDeduction,
    ) -> None:
        self.market = market
        self.rules = dict(rules)
        self.book_model = book_model
        self.mx = mx
        self.account = Account()
        self.orders: dict[str, OrderState] = {}
        self.fills: list[Fill] = []
        self._resting: dict[str, list[OrderState]] = {}
        self._open: dict[str, OrderState] = {}  # by client id, in placement order
        self._order_ids = count(1)
        self._trade_ids = count(1)
        self._synced = 0
        self._synced_at_ms: int | None = None  # the clock's time of the last sync
        self.shifts: dict[str, tuple[int, int]] = {}  # symbol → (ticks, during which minute)
        self.moves = 0  # counts every shift set or ended, so a cache of books can tell

    def rules_for(self, symbol: str) -> SymbolRules:
        """Return the rules of `symbol`, or raise SkipSymbol (-1121 Invalid symbol.)."""
        found = self.rules.get(symbol)
        if found is None or not self.market.has(symbol):
            raise SkipSymbol(symbol, "Invalid symbol. (-1121)")
        return found

    def book(self, symbol: str, done: int, limit: int) -> OrderBook:
        """Return the synthetic book of `symbol` after `done` completed minutes."""
        m = self.market
        decimals = (m.price_decimals(symbol), m.qty_decimals(symbol))
        price, volume = self.price_float(symbol, done), m.avg_volume(symbol, done)
        book = synthesise_book(symbol, price, volume, decimals, self.book_model, limit)
        return attrs.evolve(book, time_ms=m.minute_open_ms(done))

    def price_float(self, symbol: str, done: int) -> float:
        """Return the last price after `done` minutes, moved by the symbol's shift if any."""
        price = self.market.last_price_float(symbol, done)
        ticks, minute = self.shifts.get(symbol, (0, -1))
        if not ticks or minute != done:
            return price
        tick = 10.0 ** -self.market.price_decimals(symbol)
        return max(price + ticks * tick, tick)

    def last_price(self, symbol: str, done: int) -> Decimal:
        """Return `price_float` as an exact Decimal on the market's tick."""
        return price_text(self.price_float(symbol, done), self.market.price_decimals(symbol))

    def place(
        self, request: OrderRequest, now_ms: int, *, cancel_taking_maker: bool = False
    ) -> OrderState:
        """Validate, hold funds, execute what crosses, rest or close; return the order.

        A LIMIT_MAKER that would take is rejected (-2010), or with `cancel_taking_maker`
        accepted and closed CANCELED with nothing filled.
        """
        rules = self.rules_for(request.symbol)
        if request.client_order_id in self.orders:
            raise OrderRejected("Duplicate order sent.", -2010)
        done = self.market.completed(now_ms)
        validate_request(request, rules, self.last_price(request.symbol, done))
        if len(self._open) >= MAX_OPEN_ORDERS:
            raise OrderRejected("Cannot exceed the maximum order limit", 30029)
        takes = request.type is OrderType.LIMIT_MAKER and self._maker_takes(request, done)
        if takes and not cancel_taking_maker:
            raise OrderRejected("Order would immediately match and take.", -2010)
        trades, complete = ([], False) if takes else self._taker_trades(request, rules, done)
        state = OrderState(request, rules, f"C02__{next(self._order_ids)}", now_ms)
        self._hold(state, self._hold_amount(request, rules, trades))
        for trade in trades:
            self._fill(state, trade, maker=False, time_ms=now_ms)
        if takes:
            self._close(state, OrderStatus.CANCELED, now_ms)
        else:
            self._settle(state, complete, now_ms)
        self.orders[request.client_order_id] = state
        return state

    def _maker_takes(self, request: OrderRequest, done: int) -> bool:
        bid, ask = self._best(request.symbol, done)
        best = ask if state_is_buy(request) else bid
        return best is not None and _would_take(best, request.price, state_is_buy(request))

    def _best(self, symbol: str, done: int) -> tuple[Decimal | None, Decimal]:
        price = self.price_float(symbol, done)
        return best_prices(price, self.market.price_decimals(symbol), self.book_model)

    def _taker_trades(
        self, request: OrderRequest, rules: SymbolRules, done: int
    ) -> tuple[list[Trade], bool]:
        is_buy = state_is_buy(request)
        m = self.market
        shape = (self.price_float(request.symbol, done), m.avg_volume(request.symbol, done),
                 (m.price_decimals(request.symbol), m.qty_decimals(request.symbol)),
                 self.book_model)
        levels = book_side(shape, asks=is_buy, limit=self.book_model.levels)  # built as walked
        if request.quote_qty is not None:
            return walk_by_budget(levels, request.quote_qty, rules.taker_fee, rules.qty_step)
        qty = request.quantity or ZERO
        if request.type is OrderType.LIMIT_MAKER:
            return [], False
        trades, complete = walk_by_qty(levels, qty, request.price, is_buy)
        if request.type is OrderType.FILL_OR_KILL and not complete:
            return [], False
        return trades, complete

    def _hold_amount(
        self, request: OrderRequest, rules: SymbolRules, trades: list[Trade]
    ) -> Decimal:
        if not state_is_buy(request):
            return request.quantity or ZERO
        if request.quote_qty is not None:
            return request.quote_qty
        if request.price is not None and request.type is not OrderType.MARKET:
            notional = request.price * (request.quantity or ZERO)
        else:
            notional = sum((t.price * t.qty for t in trades), ZERO)
        if request.type is OrderType.LIMIT_MAKER:  # post-only: it can only pay the maker fee
            return notional * (ONE + rules.maker_fee)
        return notional * (ONE + max(rules.taker_fee, rules.maker_fee))

    def _hold(self, state: OrderState, amount: Decimal) -> None:
        asset = state.held_asset
        if self.account.free(asset) < amount:
            if state.is_buy:
                raise InsufficientFunds("Insufficient position", 30004)
            raise InsufficientFunds("Oversold", 30005)
        self.account.lock(asset, amount)
        state.held = amount

    def _fill(self, state: OrderState, trade: Trade, maker: bool, time_ms: int) -> None:
        rules = state.rules
        notional = trade.price * trade.qty
        fee = notional * (rules.maker_fee if maker else rules.taker_fee) or ZERO
        fee_asset = rules.quote
        if self.mx.enabled and fee > ZERO and self.account.free("MX") >= self.mx.mx_fee(fee):
            fee, fee_asset = self.mx.mx_fee(fee), "MX"
            self.account.debit("MX", fee)
        quote_fee = fee if fee_asset == rules.quote else ZERO
        if state.is_buy:
            self._spend(state, notional + quote_fee)
            self.account.credit(rules.base, trade.qty)
        else:
            self._spend(state, trade.qty)
            self.account.credit(rules.quote, notional - quote_fee)
        state.executed_qty += trade.qty
        state.cumm_quote_qty += notional
        state.update_time_ms = time_ms
        self.fills.append(self._make_fill(state, trade, (fee, fee_asset), maker, time_ms))

    def _spend(self, state: OrderState, amount: Decimal) -> None:
        self.account.spend_locked(state.held_asset, amount)
        state.held -= amount

    def _make_fill(
        self, state: OrderState, trade: Trade, fee: tuple[Decimal, str], maker: bool, time_ms: int
    ) -> Fill:
        r = state.request
        return Fill(
            symbol=r.symbol, trade_id=f"{next(self._trade_ids)}X1", order_id=state.order_id,
            side=r.side, price=trade.price, qty=trade.qty, quote_qty=trade.price * trade.qty,
            fee=fee[0], fee_asset=fee[1], is_maker=maker, time_ms=time_ms,
            client_order_id=r.client_order_id,
        )

    def _settle(self, state: OrderState, complete: bool, now_ms: int) -> None:
        rests = state.request.type in (OrderType.LIMIT, OrderType.LIMIT_MAKER)
        if complete or not rests:
            self._close(state, closed_status(state.executed_qty, complete), now_ms)
            return
        state.status = OrderStatus.PARTIALLY_FILLED if state.executed_qty else OrderStatus.NEW
        start = self.market.start_ms
        state.first_minute = max(0, -((start - now_ms) // MINUTE_MS))
        self._resting.setdefault(state.request.symbol, []).append(state)
        self._open[state.request.client_order_id] = state

    def _close(self, state: OrderState, status: OrderStatus, now_ms: int) -> None:
        if state.held > ZERO:
            self.account.unlock(state.held_asset, state.held)
            state.held = ZERO
        state.status = status
        state.update_time_ms = now_ms
        self._open.pop(state.request.client_order_id, None)
        resting = self._resting.get(state.request.symbol, [])
        if state in resting:
            resting.remove(state)

    def open_orders(self) -> list[OrderState]:
        """Return the open (resting) orders, oldest first."""
        return list(self._open.values())

    def cancel(self, symbol: str, client_order_id: str, now_ms: int) -> OrderState:
        """Cancel an open order; raise OrderNotFound (-2011) if there is none by that id."""
        state = self.orders.get(client_order_id)
        if state is None or state.request.symbol != symbol or not state.status.is_open:
            raise OrderNotFound(f"Unknown order sent. (-2011) {symbol} {client_order_id}")
        self._close(state, closed_status(state.executed_qty, False), now_ms)
        return state

    def get(self, symbol: str, client_order_id: str) -> OrderState:
        """Return an order by client id; raise OrderNotFound (-2013) if unknown."""
        state = self.orders.get(client_order_id)
        if state is None or state.request.symbol != symbol:
            raise OrderNotFound(f"Order does not exist. (-2013) {symbol} {client_order_id}")
        return state

    def sync(self, now_ms: int) -> None:
        """Fill resting orders on every minute completed since the last call."""
        if now_ms == self._synced_at_ms:  # most port calls of a tick: nothing new completed
            return
        self._synced_at_ms = now_ms
        done = self.market.completed(now_ms)
        if done <= self._synced:
            return
        for orders in self._resting.values():
            for state in list(orders):
                self._fill_resting(state, done)
        self._synced = done

    def _fill_resting(self, state: OrderState, done: int) -> None:
        s = self.market.get(state.request.symbol)
        first = state.first_minute
        price = float(state.request.price or ZERO)
        o, h, low, c = s.window(first, done)
        touched = low <= price if state.is_buy else h >= price
        for j in np.flatnonzero(touched).tolist():
            k = first + j
            cap = self._minute_cap(state, s.volume_at(k))
            qty = min(cap, state.remaining_qty)
            if qty <= ZERO:
                continue
            candle = (float(o[j]), float(h[j]), float(low[j]), float(c[j]))
            fraction = touch_fraction(candle, price, state.is_buy) or 0.0
            when = self.market.minute_open_ms(k) + round(MINUTE_MS * fraction)
            self._fill(state, Trade(state.request.price or ZERO, qty), maker=True, time_ms=when)
            if state.remaining_qty <= ZERO:
                self._close(state, OrderStatus.FILLED, when)
                return
            state.status = OrderStatus.PARTIALLY_FILLED
        state.first_minute = done

    def fill_resting(self, state: OrderState, qty: Decimal, now_ms: int) -> None:
        """Fill `qty` (at most what is left) of an open order now, at its limit, as maker."""
        qty = min(qty, state.remaining_qty)
        if qty <= ZERO or not state.status.is_open or state.request.price is None:
            return
        self._fill(state, Trade(state.request.price, qty), maker=True, time_ms=now_ms)
        if state.remaining_qty <= ZERO:
            self._close(state, OrderStatus.FILLED, now_ms)
        else:
            state.status = OrderStatus.PARTIALLY_FILLED

    def shift(self, symbol: str, ticks: int, now_ms: int) -> None:
        """Move `symbol`'s book by `ticks` until a minute completes; fill the orders it crosses."""
        done = self.market.completed(now_ms)
        self.shifts[symbol] = (ticks, done)
        self.moves += 1
        bid, ask = self._best(symbol, done)
        for state in list(self._resting.get(symbol, [])):
            best = ask if state.is_buy else bid
            if best is not None and _would_take(best, state.request.price, state.is_buy):
                self.fill_resting(state, state.remaining_qty, now_ms)

    def _minute_cap(self, state: OrderState, volume: float) -> Decimal:
        step = state.rules.qty_step
        steps = int(volume * self.book_model.participation / float(step))
        return step * steps

    def deposit(self, asset: str, amount: Decimal) -> None:
        """Credit `amount` of `asset` to the free balance."""
        if amount <= ZERO:
            raise ValueError(f"deposit must be positive, got {amount}")
        self.account.credit(asset, amount)


def state_is_buy(request: OrderRequest) -> bool:
    """Tell whether the request buys."""
    return request.side.value == "BUY"


def _would_take(best: Decimal, price: Decimal | None, is_buy: bool) -> bool:
    if price is None:
        return True
    return price >= best if is_buy else price <= best

"""A hypothesis state machine over the FakeExchange: random orders, cancels and market moves.

After every step: no negative balance, locked funds equal what open orders hold, every asset
is conserved (deposits + fill flows - fees = free + locked), fills agree with order states and
no fill is worse than its order's limit price.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections import defaultdict
from decimal import ROUND_DOWN, Decimal

import attrs
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule
from tests.integration.exchange_contract.harness import START_MS, bundled_market

from adapters.fake import BookModel, FakeClock, FakeExchange, MxDeduction, default_rules
from mexcore.errors import OrderNotFound, OrderRejected
from mexcore.values import Fill, OrderRequest, OrderStatus, OrderType, Side

SYMBOLS = ("BTCUSDC", "ADAUSDT", "ADAUSDC")
ASSETS = ("USDC", "USDT", "BTC", "ADA", "MX")
ZERO = Decimal(0)
#: A thin market, so that orders walk several levels and resting ones fill in parts.
THIN_BOOK = BookModel(depth_share=0.0005, min_level_quote=20.0, participation=0.0005)


def _rules() -> dict[str, object]:
    rules = default_rules()
    rules["ADAUSDT"] = attrs.evolve(
        rules["ADAUSDT"], maker_fee=Decimal("0.001"), taker_fee=Decimal("0.002")
    )
    return dict(rules)


class FakeExchangeMachine(RuleBasedStateMachine):
    """Drive one FakeExchange at random and check its books after every step."""

    def __init__(self) -> None:
        super().__init__()
        self.loop = asyncio.new_event_loop()
        self.clock = FakeClock(START_MS)
        self.ex = FakeExchange(
            self.clock, bundled_market(), _rules(),  # type: ignore[arg-type]
            book_model=THIN_BOOK,
        )
        self.ex.mx = MxDeduction(enabled=True, mx_price=Decimal("2.5"))
        self.deposits: dict[str, Decimal] = defaultdict(Decimal)
        self.count = 0

    def teardown(self) -> None:
        self.loop.close()

    def run(self, coro):  # type: ignore[no-untyped-def]
        return self.loop.run_until_complete(coro)

    @initialize()
    def fund(self) -> None:
        for asset, amount in (("USDC", "500"), ("USDT", "500"), ("ADA", "300"), ("BTC", "0.01")):
            self.deposit_asset(asset, Decimal(amount))

    def deposit_asset(self, asset: str, amount: Decimal) -> None:
        self.ex.deposit(asset, amount)
        self.deposits[asset] += amount

    @rule(asset=st.sampled_from(ASSETS), amount=st.integers(1, 300))
    def deposit(self, asset: str, amount: int) -> None:
        self.deposit_asset(asset, Decimal(amount) / (100 if asset == "BTC" else 1))

    @rule(
        symbol=st.sampled_from(SYMBOLS),
        side=st.sampled_from(Side),
        kind=st.sampled_from(OrderType),
        move_bp=st.integers(-150, 150),
        value=st.integers(1, 400),
        by_quote=st.booleans(),
    )
    def place(
        self, symbol: str, side: Side, kind: OrderType, move_bp: int, value: int, by_quote: bool
    ) -> None:
        request = self.request(symbol, side, kind, move_bp, Decimal(value), by_quote)
        if request is None:
            return
        with contextlib.suppress(OrderRejected):
            self.run(self.ex.place_order(request))

    def request(
        self, symbol: str, side: Side, kind: OrderType, move_bp: int, value: Decimal,
        by_quote: bool,
    ) -> OrderRequest | None:
        rules = self.ex.rules[symbol]
        last = self.ex.last_price(symbol)
        price = (last * (1 + Decimal(move_bp) / 10_000)).quantize(rules.price_tick)
        qty = (value / price).quantize(rules.qty_step, ROUND_DOWN)
        self.count += 1
        cid = f"c{self.count}"
        if kind is OrderType.MARKET and by_quote and side is Side.BUY:
            return OrderRequest(symbol, side, kind, cid, quote_qty=value)
        if qty <= ZERO:
            return None
        if kind is OrderType.MARKET:
            return OrderRequest(symbol, side, kind, cid, quantity=qty)
        return OrderRequest(symbol, side, kind, cid, quantity=qty, price=price)

    @rule(pick=st.integers(0, 50))
    def cancel(self, pick: int) -> None:
        orders = self.run(self.ex.open_orders())
        if orders:
            order = orders[pick % len(orders)]
            self.run(self.ex.cancel_order(order.symbol, order.client_order_id))

    @rule(cid=st.sampled_from(["c1", "c2", "zzz"]))
    def cancel_maybe_unknown(self, cid: str) -> None:
        with contextlib.suppress(OrderNotFound):
            self.run(self.ex.cancel_order("BTCUSDC", cid))

    @rule(seconds=st.sampled_from([0, 30, 60, 300, 1800, 7200]))
    def advance(self, seconds: int) -> None:
        self.clock.advance(seconds)
        self.ex.sync()

    @invariant()
    def nothing_is_negative(self) -> None:
        for balance in self.run(self.ex.balances()).values():
            assert balance.free >= ZERO
            assert balance.locked >= ZERO

    @invariant()
    def locked_equals_what_open_orders_hold(self) -> None:
        held: dict[str, Decimal] = defaultdict(Decimal)
        for state in self.ex.engine.orders.values():
            if state.status.is_open:
                held[state.held_asset] += state.held
                assert state.held >= self.still_needed(state)
            else:
                assert state.held == ZERO
        for asset in ASSETS:
            assert self.ex.engine.account.locked(asset) == held[asset]

    @staticmethod
    def still_needed(state) -> Decimal:  # type: ignore[no-untyped-def]
        if not state.is_buy:
            return state.remaining_qty  # type: ignore[no-any-return]
        return state.request.price * state.remaining_qty * (1 + state.rules.maker_fee)  # type: ignore[no-any-return]

    @invariant()
    def every_asset_is_conserved(self) -> None:
        expected = defaultdict(Decimal, self.deposits)
        for fill in self.ex.all_fills():
            base, quote = self.ex.rules[fill.symbol].base, self.ex.rules[fill.symbol].quote
            sign = 1 if fill.side is Side.BUY else -1
            expected[base] += sign * fill.qty
            expected[quote] -= sign * fill.quote_qty
            expected[fill.fee_asset] -= fill.fee
        balances = self.run(self.ex.balances())
        for asset in ASSETS:
            total = balances[asset].total if asset in balances else ZERO
            assert total == expected[asset], asset

    @invariant()
    def fills_agree_with_orders_and_their_limits(self) -> None:
        fills: dict[str, list[Fill]] = defaultdict(list)
        for fill in self.ex.all_fills():
            fills[fill.client_order_id].append(fill)
        for order in self.ex.all_orders():
            mine = fills[order.client_order_id]
            assert sum((f.qty for f in mine), ZERO) == order.executed_qty
            assert sum((f.quote_qty for f in mine), ZERO) == order.cumm_quote_qty
            self.check_status(order.status, order.executed_qty, order.orig_qty)
            if order.price is not None:
                worse = (f.price > order.price if f.side is Side.BUY else f.price < order.price
                         for f in mine)
                assert not any(worse)
        ids = [f.trade_id for f in self.ex.all_fills()]
        assert len(ids) == len(set(ids))

    @staticmethod
    def check_status(status: OrderStatus, executed: Decimal, orig: Decimal) -> None:
        if status is OrderStatus.FILLED:
            assert executed == orig
        elif status in (OrderStatus.NEW, OrderStatus.CANCELED):
            assert executed == ZERO
        else:
            assert ZERO < executed < orig


FakeExchangeMachine.TestCase.settings = settings(
    max_examples=40,
    stateful_step_count=40,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
TestFakeExchangeMachine = FakeExchangeMachine.TestCase

from decimal import Decimal

import attrs
from hypothesis import given
from hypothesis import strategies as st
from tests.strategies import money, order_books, positive_money, symbol_rules

from mexcore.lots import within_band
from mexcore.policies import BalanceMonitorPolicy, PnlMonitorPolicy
from mexcore.positions import Position
from mexcore.pricing import (
    Hold,
    ProfitSell,
    RequoteAction,
    maker_buy_price,
    profit_sell_decision,
    requote_decision,
)
from mexcore.values import BookLevel, OrderBook, Side, SymbolRules

D = Decimal
BTC = SymbolRules(
    symbol="BTCUSDC", base="BTC", quote="USDC", qty_step=D("0.000001"), price_tick=D("0.01"),
    min_qty=D("0.000001"), min_notional=D(5), min_notional_market=D(5),
    bid_multiplier_up=D("0.005"), ask_multiplier_down=D("0.005"),
)
POLICY = BalanceMonitorPolicy()
PNL = PnlMonitorPolicy()


def book(bid: str | None, ask: str | None) -> OrderBook:
    bids = (BookLevel(D(bid), D(1)),) if bid else ()
    asks = (BookLevel(D(ask), D(1)),) if ask else ()
    return OrderBook("BTCUSDC", bids, asks)


def test_maker_buy_price_is_one_tick_over_the_bid_when_the_spread_is_wide() -> None:
    assert maker_buy_price(book("64999.00", "65001.00"), BTC) == D("64999.01")


def test_maker_buy_price_is_the_best_bid_when_the_spread_is_one_tick() -> None:
    assert maker_buy_price(book("64999.99", "65000.00"), BTC) == D("64999.99")


def test_maker_buy_price_without_bids_is_one_tick_under_the_ask() -> None:
    assert maker_buy_price(book(None, "65000.00"), BTC) == D("64999.99")


def test_maker_buy_price_without_asks_is_the_best_bid() -> None:
    assert maker_buy_price(book("65000.00", None), BTC) == D("65000.00")


def test_maker_buy_price_of_an_empty_book_is_none() -> None:
    assert maker_buy_price(book(None, None), BTC) is None


def test_maker_buy_price_stays_inside_the_band_of_the_reference() -> None:
    price = maker_buy_price(book("70000.00", "70010.00"), BTC, ref_price=D(65000))
    assert price == D("65325.00")


def test_maker_buy_price_of_a_crossed_book_stays_under_the_ask() -> None:
    assert maker_buy_price(book("65000.05", "65000.00"), BTC) == D("64999.99")


def test_requote_is_not_due_before_thirty_seconds() -> None:
    decision = requote_decision(0, 29_999, 0, D(100), D(101), POLICY)
    assert decision.action is RequoteAction.KEEP


def test_requote_at_thirty_seconds_with_a_new_price() -> None:
    decision = requote_decision(0, 30_000, 0, D(100), D(101), POLICY)
    assert (decision.action, decision.price) == (RequoteAction.REQUOTE, D(101))
    assert "1/3" in decision.reason


def test_requote_at_an_unchanged_price_is_skipped() -> None:
    assert requote_decision(0, 31_000, 0, D(100), D(100), POLICY).action is RequoteAction.KEEP
    assert requote_decision(0, 31_000, 0, D(100), None, POLICY).action is RequoteAction.KEEP


def test_a_requote_done_this_period_is_not_repeated() -> None:
    assert requote_decision(0, 59_000, 1, D(100), D(102), POLICY).action is RequoteAction.KEEP
    assert requote_decision(0, 60_000, 1, D(100), D(102), POLICY).action is RequoteAction.REQUOTE


def test_no_fourth_requote_then_cancel_after_the_last_period() -> None:
    assert requote_decision(0, 119_999, 3, D(100), D(99), POLICY).action is RequoteAction.KEEP
    assert requote_decision(0, 120_000, 3, D(100), D(99), POLICY).action is RequoteAction.CANCEL
    assert requote_decision(0, 120_000, 0, D(100), D(99), POLICY).action is RequoteAction.CANCEL


def test_requote_follows_the_policy_numbers() -> None:
    policy = attrs.evolve(POLICY, requote_after_s=10, max_requotes=1)
    assert requote_decision(0, 10_000, 0, D(1), D(2), policy).action is RequoteAction.REQUOTE
    assert requote_decision(0, 20_000, 1, D(1), D(2), policy).action is RequoteAction.CANCEL


def position(qty: str, cost: str) -> Position:
    return Position("BTC", "USDC", quantity=D(qty), cost_basis=D(cost))


def test_profit_sell_above_the_threshold_sells_at_the_factor_rounded_up() -> None:
    decision = profit_sell_decision(position("0.001", "60"), D(65000), D("0.0010009"), BTC,
                                    PNL.profit_threshold, PNL.sell_price_factor)
    assert isinstance(decision, ProfitSell)
    assert (decision.quantity, decision.price) == (D("0.001"), D("64935.00"))
    assert decision.unrealised == D(5)


def test_profit_sell_price_rounds_up_to_the_tick() -> None:
    decision = profit_sell_decision(position("1", "1"), D("100.01"), D(1), BTC, D(0), D("0.999"))
    assert isinstance(decision, ProfitSell)
    assert decision.price == D("99.91")  # 100.01 × 0.999 = 99.90999, up to the tick


def test_profit_sell_at_exactly_the_threshold_holds() -> None:
    decision = profit_sell_decision(position("1", "99.93"), D(100), D(1), BTC,
                                    PNL.profit_threshold, PNL.sell_price_factor)
    assert isinstance(decision, Hold)
    assert decision.unrealised == D("0.07")
    assert "threshold" in decision.reason


def test_profit_sell_just_above_the_default_threshold_sells() -> None:
    decision = profit_sell_decision(position("1", "99.92"), D(100), D(1), BTC,
                                    PNL.profit_threshold, PNL.sell_price_factor)
    assert isinstance(decision, ProfitSell)


def test_profit_sell_of_a_dust_quantity_holds_with_the_minimum_as_reason() -> None:
    decision = profit_sell_decision(position("0.00001", "0.1"), D(65000), D("0.00001"), BTC,
                                    PNL.profit_threshold, PNL.sell_price_factor)
    assert isinstance(decision, Hold)
    assert "minimum" in decision.reason


def test_profit_sell_with_nothing_held_holds() -> None:
    decision = profit_sell_decision(position("0", "0"), D(100), D(1), BTC, D(0), D(1))
    assert decision == Hold("nothing held", D(0))


def test_profit_sell_price_is_clamped_inside_the_band() -> None:
    decision = profit_sell_decision(position("1", "10"), D(100), D(1), BTC, D(0), D("0.9"))
    assert isinstance(decision, ProfitSell)
    assert decision.price == D("99.50")


@given(symbol_rules(), st.data())
def test_maker_buy_price_never_crosses_the_ask_and_stays_on_tick_and_band(
    rules: SymbolRules, data: st.DataObject
) -> None:
    the_book = data.draw(order_books(rules))
    price = maker_buy_price(the_book, rules)
    assert the_book.best_bid is not None
    assert the_book.best_ask is not None
    assert price is not None
    assert price < the_book.best_ask
    assert price % rules.price_tick == 0
    assert within_band(price, Side.BUY, (the_book.best_bid + the_book.best_ask) / 2, rules)


@given(
    symbol_rules(), positive_money("100", 6), money("0", "100000", 2),
    positive_money("100000", 4), money("0", "1", 2),
)
def test_a_profit_sell_never_sells_more_than_free_and_respects_the_rules(
    rules: SymbolRules, free: Decimal, cost: Decimal, price: Decimal, threshold: Decimal
) -> None:
    held = Position("X", "USDT", quantity=free, cost_basis=cost)
    decision = profit_sell_decision(held, price, free, rules, threshold, D("0.999"))
    if isinstance(decision, Hold):
        return
    assert decision.unrealised > threshold
    assert 0 < decision.quantity <= free
    assert decision.quantity % rules.qty_step == 0
    assert decision.price % rules.price_tick == 0
    assert decision.price >= price * D("0.999")
    assert within_band(decision.price, Side.SELL, price, rules)
    assert decision.quantity * decision.price >= rules.min_notional


@given(st.integers(0, 300_000), st.integers(0, 5), st.booleans())
def test_requote_never_exceeds_the_maximum_and_always_cancels_at_the_end(
    now_ms: int, done: int, moved: bool
) -> None:
    decision = requote_decision(0, now_ms, done, D(100), D(101) if moved else D(100), POLICY)
    if now_ms >= 120_000:
        assert decision.action is RequoteAction.CANCEL
    if decision.action is RequoteAction.REQUOTE:
        assert done < POLICY.max_requotes
        assert decision.price == D(101)

"""Numbers in the scanner's texts: no negative zero, money in cents."""

from decimal import Decimal

from mexcore.scoring import PairScore, ScoreRule
from mexcore.services.scanner import buy_text
from mexcore.values import Order, OrderStatus, OrderType, Side

D = Decimal


def test_a_reason_never_shows_a_negative_zero() -> None:
    rule = ScoreRule("bollinger", "bb_position", "<=", D(0), 2,
                     "close at or under the lower band (band position {value})")

    assert rule.explain(D("-0.0012")) == "close at or under the lower band (band position 0.00)"


def test_an_auto_buy_names_what_it_spent_and_planned_in_cents() -> None:
    order = Order("AVAXUSDT", "1", "c1", Side.BUY, OrderType.MARKET, OrderStatus.FILLED,
                  executed_qty=D("2.73"), cumm_quote_qty=D("49.8771"))

    text = buy_text(PairScore("AVAXUSDT", 3, ("RSI 39.43 low",)), order, D(50))

    assert "2.73 @ 18.27 for 49.88 of planned 50.00 USDT (FILLED)" in text

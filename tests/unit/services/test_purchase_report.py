"""The balance monitor's purchase report: placed is not bought, cents, each reason once."""

from decimal import Decimal

from mexcore.planning import PlannedBuy, PurchasePlan
from mexcore.services.balance_monitor import purchase_report
from mexcore.services.maker_orders import MakerResult
from mexcore.values import BookLevel, Order, OrderBook, OrderStatus, OrderType, Side

D = Decimal
BOOK = OrderBook("BTCUSDC", (BookLevel(D("28242.23"), D(1)),), (BookLevel(D("28245.07"), D(1)),))


def _plan(reason: str = "no hype, no dip: ×1", multiplier: str = "1") -> PurchasePlan:
    buy = PlannedBuy("BTCUSDC", D("59.99"), D("0.002124"), D("28242.24"),
                     filter_reason=reason, multiplier=D(multiplier))
    return PurchasePlan(buys=(buy,), safe_amount=D("18.0203027416"))


def _placed(status: OrderStatus) -> MakerResult:
    executed = D("0.002124") if status is OrderStatus.FILLED else D(0)
    order = Order("BTCUSDC", "1", "c1", Side.BUY, OrderType.LIMIT_MAKER, status,
                  price=D("28242.24"), orig_qty=D("0.002124"), executed_qty=executed)
    return MakerResult(order, BOOK, attempts=1)


def test_a_resting_maker_order_is_reported_as_placed_not_bought() -> None:
    text = purchase_report(_plan(), [_placed(OrderStatus.NEW)])

    assert text.startswith("Balance monitor placed 1 maker buy (60/40)")
    assert "bought" not in text


def test_a_filled_maker_order_is_reported_as_bought() -> None:
    text = purchase_report(_plan(), [_placed(OrderStatus.FILLED)])

    assert text.startswith("Balance monitor bought (60/40)")


def test_the_safe_amount_is_in_cents_of_its_currency() -> None:
    text = purchase_report(_plan(), [_placed(OrderStatus.NEW)])

    assert "safe amount 18.02 USDC" in text.splitlines()[0]


def test_a_multiplier_the_filter_reason_names_is_not_repeated() -> None:
    line = purchase_report(_plan(), [_placed(OrderStatus.NEW)]).splitlines()[1]

    assert line.count("×1") == 1


def test_a_multiplier_the_filter_reason_does_not_name_is_shown() -> None:
    line = purchase_report(_plan("rebalance", "2"), [_placed(OrderStatus.NEW)]).splitlines()[1]

    assert line.endswith("rebalance ×2")

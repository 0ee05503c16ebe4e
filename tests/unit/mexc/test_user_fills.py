from decimal import Decimal
from pathlib import Path

import attrs
import pytest
from hypothesis import given, settings
from tests.strategies import money, positive_money
from tests.unit.mexc.support import SteppingClock, StubMexc, make_exchange, reply, sample
from tests.unit.mexc.user_support import ORDER_ID, TRADE_ID, deal, order

from adapters.fake import InMemoryStore
from adapters.mexc.schemas import parse_fill
from adapters.mexc.user_fills import EARLY_KEEP_S, EARLY_KEPT, UserFills, fill_of
from adapters.sqlite import SqliteStore
from mexcore.client_ids import client_order_id
from mexcore.errors import ExchangeDataError
from mexcore.ports import Store
from mexcore.services.fills import FillSync
from mexcore.values import IntentStatus, OrderIntent, OrderType, Side

OURS = client_order_id("scanner", "FUSDUSDT", 1_750_681_723_000, side=Side.BUY, purpose="buy")
FILLED, NEW, CANCELED = 2, 1, 4


@pytest.fixture(params=["memory", "sqlite"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Store:
    return InMemoryStore() if request.param == "memory" else SqliteStore(tmp_path)


def intent(status: IntentStatus = IntentStatus.SENT, symbol: str = "FUSDUSDT") -> OrderIntent:
    return OrderIntent(client_order_id=OURS, runner="scanner", symbol=symbol, side=Side.BUY,
                       type=OrderType.LIMIT, status=status, created_ms=1_750_681_723_000,
                       quantity=Decimal(3), price=Decimal(1))


async def import_my_trades(store: Store) -> int:
    stub = StubMexc(SteppingClock())
    stub.on("GET", "/api/v3/myTrades", lambda r: reply(sample("my_trades")[:1]))
    return await FillSync(make_exchange(stub), store).sync(["FUSDUSDT"])


async def test_a_fill_on_the_stream_then_in_my_trades_is_journaled_once(store: Store) -> None:
    assert UserFills(store, SteppingClock()).on_deal(deal())
    assert await import_my_trades(store) == 0
    (fill,) = store.fills()
    assert (fill.trade_id, fill.order_id, fill.qty, fill.fee) == (
        TRADE_ID, ORDER_ID, Decimal(3), Decimal("0.0015"))


async def test_a_fill_in_my_trades_then_on_the_stream_is_journaled_once(store: Store) -> None:
    assert await import_my_trades(store) == 1
    assert not UserFills(store, SteppingClock()).on_deal(deal())
    assert len(store.fills()) == 1


def test_the_pushed_fill_equals_the_my_trades_row_of_the_same_trade() -> None:
    assert fill_of(deal()) == parse_fill(sample("my_trades")[0])


def test_a_fill_of_an_order_the_bot_did_not_place_is_journaled_and_no_intent_made(
        store: Store) -> None:
    fills = UserFills(store, SteppingClock())
    assert fills.on_deal(deal(clientOrderId="web_manual_1"))
    assert store.fills()[0].client_order_id == "web_manual_1"
    fills.on_order(order("web_manual_1", FILLED))
    assert store.intents() == []
    assert fills.foreign_orders == 1


def test_a_fill_before_its_intent_is_journaled_at_once(store: Store) -> None:
    fills = UserFills(store, SteppingClock())
    assert fills.on_deal(deal(clientOrderId=OURS))
    assert store.intent(OURS) is None
    assert [f.client_order_id for f in store.fills()] == [OURS]


def test_an_order_push_before_its_intent_is_applied_once_the_intent_exists(
        store: Store) -> None:
    fills = UserFills(store, SteppingClock())
    fills.on_order(order(OURS, FILLED))
    assert fills.waiting == (OURS,)
    store.save_intent(intent(IntentStatus.INTENDED))
    fills.settle_early()
    saved = store.intent(OURS)
    assert saved is not None
    assert (saved.status, saved.order_id) == (IntentStatus.FILLED, ORDER_ID)
    assert fills.waiting == ()


def test_an_order_push_moves_the_intent_and_records_the_exchange_order_id(
        store: Store) -> None:
    clock = SteppingClock()
    store.save_intent(intent(IntentStatus.SENT))
    fills = UserFills(store, clock)
    fills.on_order(order(OURS, NEW))
    assert store.intent(OURS) == attrs.evolve(
        intent(), status=IntentStatus.ACKNOWLEDGED, order_id=ORDER_ID, updated_ms=clock.now)
    fills.on_order(order(OURS, 5))  # partially filled, then canceled: terminal
    saved = store.intent(OURS)
    assert saved is not None
    assert saved.status is IntentStatus.CANCELLED


def test_a_late_push_does_not_reopen_an_ended_order(store: Store) -> None:
    store.save_intent(intent(IntentStatus.FILLED))
    UserFills(store, SteppingClock()).on_order(order(OURS, NEW))
    saved = store.intent(OURS)
    assert saved is not None
    assert saved.status is IntentStatus.FILLED


def test_a_push_that_contradicts_the_intent_leaves_it_as_it_is(store: Store) -> None:
    store.save_intent(intent(IntentStatus.SENT, symbol="BTCUSDC"))
    UserFills(store, SteppingClock()).on_order(order(OURS, FILLED))
    saved = store.intent(OURS)
    assert saved is not None
    assert saved.status is IntentStatus.SENT


def test_order_pushes_without_an_intent_are_kept_a_bounded_while() -> None:
    clock, store = SteppingClock(), InMemoryStore()
    fills = UserFills(store, clock)
    ids = [client_order_id("scanner", "FUSDUSDT", n, side=Side.BUY, purpose="buy")
           for n in range(EARLY_KEPT + 5)]
    for cid in ids:
        fills.on_order(order(cid, NEW))
    assert fills.waiting == tuple(ids[5:])
    clock.now += EARLY_KEEP_S * 1000 + 1
    fills.settle_early()
    assert fills.waiting == ()


@pytest.mark.parametrize(("fields", "problem"), [
    ({"tradeId": ""}, "without tradeId"), ({"price": "0"}, "must be positive"),
    ({"quantity": "0"}, "must be positive")])
def test_a_fill_that_cannot_be_journaled_once_is_an_error_naming_why(
        fields: dict[str, str], problem: str) -> None:
    with pytest.raises(ExchangeDataError, match=problem):
        fill_of(deal(**fields))


def test_a_fill_pushed_without_its_quote_amount_gets_price_times_quantity() -> None:
    fill = fill_of(deal(amount="", price="0.5", quantity="4"))
    assert fill.quote_qty == Decimal("2.0")


@settings(max_examples=60, deadline=None)
@given(price=positive_money(), qty=positive_money(), fee=money("0", "100"))
def test_a_pushed_fill_reaches_the_journal_with_its_exact_amounts(
        price: Decimal, qty: Decimal, fee: Decimal) -> None:
    store = InMemoryStore()
    UserFills(store, SteppingClock()).on_deal(
        deal(price=str(price), quantity=str(qty), amount="", feeAmount=str(fee)))
    (fill,) = store.fills()
    assert (fill.price, fill.qty, fill.fee) == (price, qty, fee)
    assert fill.quote_qty == price * qty
    assert all(isinstance(v, Decimal) for v in (fill.price, fill.qty, fill.quote_qty, fill.fee))


def test_an_ended_order_stays_ended_when_a_slower_rest_answer_writes_it_open_again(
        store: Store) -> None:
    fills = UserFills(store, SteppingClock())
    store.save_intent(intent(IntentStatus.SENT))
    fills.on_order(order(OURS, FILLED))
    # the executor records the new-order answer (NEW) after the stream said FILLED
    saved = store.intent(OURS)
    assert saved is not None
    store.save_intent(attrs.evolve(saved, status=IntentStatus.ACKNOWLEDGED))
    fills.on_deal(deal(clientOrderId=OURS))  # any later push
    saved = store.intent(OURS)
    assert saved is not None
    assert saved.status is IntentStatus.FILLED

from decimal import Decimal

import httpx
import pytest
from tests.unit.mexc.support import (
    SteppingClock,
    StubMexc,
    make_exchange,
    params_of,
    reply,
    sample,
    timeout,
)

from adapters.mexc.orders import order_params
from mexcore.errors import (
    InsufficientFunds,
    OrderNotFound,
    OrderRejected,
    OutcomeUnknown,
    SkipSymbol,
)
from mexcore.values import OrderRequest, OrderStatus, OrderType, Side

ORDER = "/api/v3/order"
CID = "mx5bae1cc272480c6c49d94f64dfe851"
LIMIT_BUY = OrderRequest("ADAUSDT", Side.BUY, OrderType.LIMIT, CID, quantity=Decimal("20.0"),
                         price=Decimal("0.3500"))


class OrderDesk:
    """Keeps orders posted to the stub; answers -2013 for the first `hidden` look-ups."""

    def __init__(self, hidden: int = 0) -> None:
        self.orders: dict[str, dict[str, object]] = {}
        self.hidden = hidden

    def post(self, request: httpx.Request) -> httpx.Response:
        p = params_of(request)
        self.orders[p["newClientOrderId"]] = {
            "symbol": p["symbol"], "orderId": f"C02__{len(self.orders) + 1}",
            "clientOrderId": p["newClientOrderId"], "price": p.get("price"),
            "origQty": p.get("quantity"), "executedQty": "0", "cummulativeQuoteQty": "0",
            "status": "NEW", "type": p["type"], "side": p["side"], "time": 1, "updateTime": None}
        return reply({"symbol": p["symbol"], "orderId": "C02__1", "orderListId": -1})

    def post_then_lose_answer(self, request: httpx.Request) -> httpx.Response:
        self.post(request)
        raise httpx.ReadTimeout("timed out", request=request)

    def get(self, request: httpx.Request) -> httpx.Response:
        order = self.orders.get(params_of(request)["origClientOrderId"])
        if order is None or self.hidden > 0:
            self.hidden -= 1
            return reply(sample("errors.order_missing"), 400)
        return reply(order)


@pytest.fixture
def stub() -> StubMexc:
    return StubMexc(SteppingClock())


def _serve(stub: StubMexc, desk: OrderDesk, *post_handlers: object) -> None:
    stub.on("POST", ORDER, *(post_handlers or (desk.post,)))  # type: ignore[arg-type]
    stub.on("GET", ORDER, desk.get)


def test_order_params_are_plain_decimals_with_the_client_id() -> None:
    assert order_params(LIMIT_BUY) == [
        ("symbol", "ADAUSDT"), ("side", "BUY"), ("type", "LIMIT"), ("quantity", "20"),
        ("price", "0.35"), ("newClientOrderId", CID)]


ONE = Decimal(1)


@pytest.mark.parametrize("request_", [
    OrderRequest("ADAUSDT", Side.BUY, OrderType.LIMIT, "bad-id!", quantity=ONE, price=ONE),
    OrderRequest("ADAUSDT", Side.BUY, OrderType.LIMIT, CID, quantity=ONE),
    OrderRequest("ADAUSDT", Side.BUY, OrderType.MARKET, CID),
    OrderRequest("ADAUSDT", Side.BUY, OrderType.MARKET, CID, quantity=ONE, quote_qty=ONE)])
async def test_malformed_orders_are_rejected_before_sending(
        stub: StubMexc, request_: OrderRequest) -> None:
    with pytest.raises(OrderRejected):
        await make_exchange(stub).place_order(request_)
    assert stub.calls("POST", ORDER) == []


async def test_place_order_queries_the_new_order_and_returns_it_in_full(stub: StubMexc) -> None:
    desk = OrderDesk()
    _serve(stub, desk)
    order = await make_exchange(stub).place_order(LIMIT_BUY)
    assert (order.client_order_id, order.status, order.price) == (
        CID, OrderStatus.NEW, Decimal("0.35"))
    assert params_of(stub.calls("GET", ORDER)[0])["origClientOrderId"] == CID


async def test_a_brief_2013_after_creation_is_waited_out(stub: StubMexc) -> None:
    desk = OrderDesk(hidden=2)
    _serve(stub, desk)
    order = await make_exchange(stub).place_order(LIMIT_BUY)
    assert order.client_order_id == CID
    assert len(stub.calls("GET", ORDER)) == 3


async def test_lost_answer_after_acceptance_returns_the_one_order_without_reposting(
        stub: StubMexc) -> None:
    desk = OrderDesk(hidden=1)
    _serve(stub, desk, desk.post_then_lose_answer)
    order = await make_exchange(stub).place_order(LIMIT_BUY)
    assert order.client_order_id == CID
    assert len(stub.calls("POST", ORDER)) == 1
    assert list(desk.orders) == [CID]


async def test_a_5xx_on_a_new_order_is_looked_up_not_reposted(stub: StubMexc) -> None:
    desk = OrderDesk()

    def accepted_then_502(request: httpx.Request) -> httpx.Response:
        desk.post(request)
        return httpx.Response(502, text="<html>Bad Gateway</html>")

    _serve(stub, desk, accepted_then_502)
    order = await make_exchange(stub).place_order(LIMIT_BUY)
    assert order.status is OrderStatus.NEW
    assert len(stub.calls("POST", ORDER)) == 1


async def test_lost_request_never_placed_raises_outcome_unknown_by_default(
        stub: StubMexc) -> None:
    desk = OrderDesk()
    _serve(stub, desk, timeout)
    with pytest.raises(OutcomeUnknown, match="look it up again"):
        await make_exchange(stub).place_order(LIMIT_BUY)
    assert len(stub.calls("POST", ORDER)) == 1
    assert len(stub.calls("GET", ORDER)) == 5


async def test_confirmed_absence_reposts_once_under_the_same_client_id_when_enabled(
        stub: StubMexc) -> None:
    desk = OrderDesk()
    _serve(stub, desk, timeout, desk.post)
    order = await make_exchange(stub, repost_when_absent=True).place_order(LIMIT_BUY)
    posts = stub.calls("POST", ORDER)
    assert len(posts) == 2
    assert {params_of(p)["newClientOrderId"] for p in posts} == {CID}
    assert order.client_order_id == CID


async def test_a_failed_lookup_after_a_lost_answer_is_outcome_unknown(stub: StubMexc) -> None:
    stub.on("POST", ORDER, timeout)
    stub.on("GET", ORDER, timeout)
    with pytest.raises(OutcomeUnknown):
        await make_exchange(stub).place_order(LIMIT_BUY)
    assert len(stub.calls("POST", ORDER)) == 1


@pytest.mark.parametrize(("error", "expected"), [
    ("oversold", InsufficientFunds), ("min_volume", OrderRejected), ("not_api", SkipSymbol)])
async def test_rejections_are_raised_as_typed_errors_without_lookup(
        stub: StubMexc, error: str, expected: type[Exception]) -> None:
    stub.on("POST", ORDER, lambda r: reply(sample(f"errors.{error}"), 400))
    with pytest.raises(expected):
        await make_exchange(stub).place_order(LIMIT_BUY)
    assert stub.calls("GET", ORDER) == []


async def test_cancel_returns_the_order_as_canceled(stub: StubMexc) -> None:
    stub.on("DELETE", ORDER, lambda r: reply(sample("cancel_ack")))
    order = await make_exchange(stub).cancel_order("PLSUSDT", CID)
    assert order.status is OrderStatus.CANCELED
    assert params_of(stub.calls("DELETE", ORDER)[0])["origClientOrderId"] == CID


async def test_cancel_with_lost_answer_looks_the_order_up(stub: StubMexc) -> None:
    canceled = {**sample("order_canceled_strings"), "clientOrderId": CID}
    stub.on("DELETE", ORDER, timeout)
    stub.on("GET", ORDER, lambda r: reply(canceled))
    order = await make_exchange(stub).cancel_order("BTCUSDT", CID)
    assert order.status is OrderStatus.CANCELED
    assert len(stub.calls("DELETE", ORDER)) == 1


async def test_cancel_of_an_unknown_order_is_order_not_found(stub: StubMexc) -> None:
    stub.on("DELETE", ORDER, lambda r: reply(sample("errors.unknown_order"), 400))
    with pytest.raises(OrderNotFound):
        await make_exchange(stub).cancel_order("ADAUSDT", CID)


async def test_open_orders_without_symbol_asks_for_all(stub: StubMexc) -> None:
    stub.on("GET", "/api/v3/openOrders", lambda r: reply(sample("open_orders")))
    (order,) = await make_exchange(stub).open_orders()
    assert order.symbol == "KASUSDT"
    assert "symbol" not in params_of(stub.calls("GET", "/api/v3/openOrders")[0])

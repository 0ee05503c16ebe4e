"""The sandbox speaks MEXC: shapes, signatures, timestamps and error bodies, over raw HTTP."""

from __future__ import annotations

from collections.abc import AsyncIterator
from decimal import Decimal
from typing import Any

import httpx
import pytest
from tests.integration.exchange_contract.harness import START_MS, TRADEABLE, bundled_market

from adapters.fake import FakeClock
from adapters.mexc.signing import signed_query
from adapters.sandbox import RunningSandbox, SandboxAccount, SandboxConfig, running_sandbox

KEY, SECRET = "apiKEY1", "apiSECRET1"


@pytest.fixture
async def served() -> AsyncIterator[tuple[RunningSandbox, httpx.AsyncClient]]:
    config = SandboxConfig(accounts=(SandboxAccount(KEY, SECRET, {"USDC": Decimal(50)}),),
                           rate_limit=False)
    async with running_sandbox(config, clock=FakeClock(START_MS), market=bundled_market()) \
            as run, httpx.AsyncClient(base_url=run.base_url) as client:
        yield run, client


def signed(params: list[tuple[str, str]], timestamp: int = START_MS,
           secret: str = SECRET) -> str:
    return signed_query(secret, [*params, ("timestamp", str(timestamp))])


async def get(client: httpx.AsyncClient, path: str, query: str = "",
              key: str | None = KEY) -> tuple[int, Any]:
    headers = {"X-MEXC-APIKEY": key} if key else {}
    response = await client.get(f"{path}?{query}", headers=headers)
    return response.status_code, response.json()


Served = tuple[RunningSandbox, httpx.AsyncClient]


async def test_account_with_a_valid_signature_lists_non_zero_balances(served: Served) -> None:
    _, client = served
    status, body = await get(client, "/api/v3/account", signed([]))
    assert status == 200
    assert body["balances"] == [{"asset": "USDC", "free": "50", "locked": "0",
                                 "available": "50"}]
    assert body["canWithdraw"] is False


@pytest.mark.parametrize(("query", "key", "code"), [
    (signed([], secret="nope"), KEY, 700002),
    (signed([], timestamp=START_MS - 6000), KEY, 700003),
    (signed([], timestamp=START_MS + 1000), KEY, 700003),
    (signed([("recvWindow", "70000")]), KEY, 700005),
    ("timestamp=1", KEY, 700004),
    (signed([]), None, 400),
    (signed([]), "unknownKey", 10072)])
async def test_bad_keys_signatures_and_timestamps_get_mexc_error_bodies(
        served: Served, query: str, key: str | None, code: int) -> None:
    _, client = served
    status, body = await get(client, "/api/v3/account", query, key)
    assert (status, body["code"]) == (400, code)
    assert body["msg"]


async def test_a_signature_in_a_form_body_is_accepted_like_hummingbot_sends_it(
        served: Served) -> None:
    _, client = served
    body = signed([("symbol", TRADEABLE), ("side", "BUY"), ("type", "MARKET"),
                   ("quoteOrderQty", "10"), ("newClientOrderId", "form1")])
    response = await client.post("/api/v3/order", content=body, headers={
        "X-MEXC-APIKEY": KEY, "Content-Type": "application/json"})
    assert response.status_code == 200
    assert set(response.json()) >= {"symbol", "orderId", "orderListId", "transactTime"}
    assert "status" not in response.json()


async def test_cancel_answer_reports_the_status_before_the_cancel(served: Served) -> None:
    run, client = served
    bid = (await run.sandbox.public.order_book(TRADEABLE, 1)).best_bid
    assert bid is not None
    place = signed([("symbol", TRADEABLE), ("side", "BUY"), ("type", "LIMIT"),
                    ("quantity", "0.001"), ("price", str(bid)), ("newClientOrderId", "c1")])
    await client.post(f"/api/v3/order?{place}", headers={"X-MEXC-APIKEY": KEY})
    cancel = signed([("symbol", TRADEABLE), ("origClientOrderId", "c1")])
    response = await client.delete(f"/api/v3/order?{cancel}", headers={"X-MEXC-APIKEY": KEY})
    _, order = await get(client, "/api/v3/order", signed(
        [("symbol", TRADEABLE), ("origClientOrderId", "c1")]))
    assert response.json()["status"] == "NEW"
    assert order["status"] == "CANCELED"


async def test_unknown_orders_answer_2013_on_query_and_2011_on_cancel(served: Served) -> None:
    _, client = served
    query = signed([("symbol", TRADEABLE), ("origClientOrderId", "none")])
    status, body = await get(client, "/api/v3/order", query)
    cancel = await client.delete(f"/api/v3/order?{query}", headers={"X-MEXC-APIKEY": KEY})
    assert (status, body) == (400, {"code": -2013, "msg": "Order does not exist."})
    assert cancel.json() == {"code": -2011, "msg": "Unknown order sent."}


@pytest.mark.parametrize(("query", "msg"), [
    (f"symbol={TRADEABLE}&interval=1h", "Invalid interval."),
    ("symbol=NOPEUSDT&interval=5m", "Invalid symbol.")])
async def test_klines_errors_are_1121(served: Served, query: str, msg: str) -> None:
    _, client = served
    assert await get(client, "/api/v3/klines", query, None) == (
        400, {"code": -1121, "msg": msg})


async def test_klines_rows_have_eight_fields_and_close_at_open_plus_interval(
        served: Served) -> None:
    _, client = served
    _, rows = await get(client, "/api/v3/klines", f"symbol={TRADEABLE}&interval=5m&limit=3",
                        None)
    assert len(rows) == 3
    assert all(len(r) == 8 and r[6] == r[0] + 300_000 for r in rows)
    assert all(isinstance(v, str) for r in rows for v in r[1:6])


async def test_ticker_change_is_a_fraction_and_count_is_null(served: Served) -> None:
    _, client = served
    _, row = await get(client, "/api/v3/ticker/24hr", f"symbol={TRADEABLE}", None)
    change = Decimal(row["priceChangePercent"])
    exact = (Decimal(row["lastPrice"]) - Decimal(row["openPrice"])) / Decimal(row["openPrice"])
    assert row["count"] is None
    assert abs(change) <= abs(exact) < abs(change) + Decimal("0.0001")


async def test_exchange_info_and_default_symbols_agree_on_api_tradeability(
        served: Served) -> None:
    _, client = served
    _, info = await get(client, "/api/v3/exchangeInfo", "", None)
    _, listed = await get(client, "/api/v3/defaultSymbols", "", None)
    allowed = {s["symbol"] for s in info["symbols"] if s["isSpotTradingAllowed"]}
    assert set(listed["data"]) == allowed
    assert "BTCUSDT" not in allowed
    assert all(s["status"] == "1" for s in info["symbols"])


async def test_trade_fee_rates_are_json_numbers(served: Served) -> None:
    _, client = served
    response = await client.get(f"/api/v3/tradeFee?{signed([('symbol', TRADEABLE)])}",
                                headers={"X-MEXC-APIKEY": KEY})
    assert b'"takerCommission":0.0005' in response.content


async def test_admin_endpoints_deposit_set_faults_and_show_state(served: Served) -> None:
    _, client = served
    await client.post("/sandbox/deposit", json={"asset": "USDT", "amount": "12.5"})
    await client.post("/sandbox/faults", json={"forbid_next": 1})
    forbidden = await client.get("/api/v3/time")
    state = (await client.get("/sandbox/state")).json()
    assert forbidden.status_code == 403
    assert "Access Denied" in forbidden.text
    assert state["balances"][KEY]["USDT"] == "12.5"


async def test_rate_limits_answer_429_with_retry_after_when_on() -> None:
    config = SandboxConfig(accounts=(SandboxAccount(KEY, SECRET),))
    async with running_sandbox(config, clock=FakeClock(START_MS), market=bundled_market()) \
            as run, httpx.AsyncClient(base_url=run.base_url) as client:
        statuses = [(await client.get("/api/v3/time")) for _ in range(25)]
    limited = [r for r in statuses if r.status_code == 429]
    assert limited
    assert int(limited[0].headers["Retry-After"]) >= 1

from decimal import Decimal

import httpx
import pytest
from tests.unit.mexc.support import (
    SteppingClock,
    StubMexc,
    make_exchange,
    params_of,
    recorded,
    reply,
    sample,
)

from adapters.mexc import check_live_account
from adapters.mexc.constants import MY_TRADES_HISTORY_MS
from mexcore.errors import SkipSymbol
from mexcore.values import OrderRequest, OrderType, Side


@pytest.fixture
def stub() -> StubMexc:
    stub = StubMexc(SteppingClock())
    stub.on("GET", "/api/v3/exchangeInfo", lambda r: reply(recorded("/api/v3/exchangeInfo")))
    stub.on("GET", "/api/v3/defaultSymbols",
            lambda r: reply(recorded("/api/v3/defaultSymbols")))
    stub.on("GET", "/api/v3/selfSymbols", lambda r: reply({"code": 0, "data": []}))
    return stub


def _trades(count: int, start_ms: int) -> list[dict[str, object]]:
    row = sample("my_trades")[0]
    return [{**row, "id": f"{i}X1", "time": start_ms + i * 1000} for i in range(count)]


def _serve_trades(stub: StubMexc, trades: list[dict[str, object]]) -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        p = params_of(request)
        low, limit = int(p["startTime"]), int(p["limit"])
        high = int(p.get("endTime", 2**62))
        rows = [t for t in trades if low <= int(str(t["time"])) <= high]
        return reply(rows[-limit:])  # the newest rows of the window, like a capped API

    stub.on("GET", "/api/v3/myTrades", handler)


async def test_rules_mark_btcusdt_not_api_tradeable_and_alts_tradeable(stub: StubMexc) -> None:
    rules = await make_exchange(stub).symbol_rules()
    assert not rules["BTCUSDT"].api_tradeable
    assert rules["PYTHUSDT"].api_tradeable


async def test_rules_respect_the_keys_own_symbol_list(stub: StubMexc) -> None:
    stub.on("GET", "/api/v3/selfSymbols", lambda r: reply({"code": 0, "data": ["PYTHUSDT"]}))
    rules = await make_exchange(stub).symbol_rules()
    assert rules["PYTHUSDT"].api_tradeable
    assert not rules["METALUSDT"].api_tradeable


async def test_rules_are_cached_for_their_ttl(stub: StubMexc) -> None:
    exchange = make_exchange(stub, rules_ttl_s=60)
    await exchange.symbol_rules()
    await exchange.symbol_rules()
    stub.clock.now += 61_000
    await exchange.symbol_rules()
    assert len(stub.calls("GET", "/api/v3/exchangeInfo")) == 2


async def test_rules_fall_back_to_exchange_info_when_symbol_lists_fail(stub: StubMexc) -> None:
    stub.on("GET", "/api/v3/defaultSymbols", lambda r: httpx.Response(404, text="gone"))
    rules = await make_exchange(stub, keys=False).symbol_rules()
    assert rules["METALUSDT"].api_tradeable
    assert not rules["BTCUSDT"].api_tradeable


async def test_order_on_a_symbol_known_not_api_tradeable_is_skipped_before_sending(
        stub: StubMexc) -> None:
    exchange = make_exchange(stub)
    await exchange.symbol_rules()
    request = OrderRequest("BTCUSDT", Side.BUY, OrderType.MARKET, "mx1", quote_qty=Decimal(6))
    with pytest.raises(SkipSymbol, match="API"):
        await exchange.place_order(request)
    assert stub.calls("POST", "/api/v3/order") == []


async def test_my_fills_pages_through_more_than_100_trades_without_gaps(stub: StubMexc) -> None:
    trades = _trades(250, stub.clock.now - 3_600_000)
    _serve_trades(stub, trades)
    fills = await make_exchange(stub).my_fills("FUSDUSDT")
    assert [f.trade_id for f in fills] == [t["id"] for t in trades]
    assert all(int(params_of(r)["limit"]) == 100 for r in stub.calls("GET", "/api/v3/myTrades"))


async def test_my_fills_asks_only_for_the_last_30_days_and_filters_by_since(
        stub: StubMexc) -> None:
    trades = _trades(5, stub.clock.now - 10_000)
    _serve_trades(stub, trades)
    since = int(str(trades[2]["time"]))
    fills = await make_exchange(stub).my_fills("FUSDUSDT", since_ms=0)
    fills_since = await make_exchange(stub).my_fills("FUSDUSDT", since_ms=since)
    first = params_of(stub.calls("GET", "/api/v3/myTrades")[0])
    assert int(first["startTime"]) >= stub.clock.now - MY_TRADES_HISTORY_MS
    assert len(fills) == 5
    assert [f.time_ms for f in fills_since] == [since, since + 1000, since + 2000]


async def test_my_fills_stops_splitting_when_mexc_ignores_the_window(stub: StubMexc) -> None:
    stub.on("GET", "/api/v3/myTrades", lambda r: reply(_trades(100, 0)))
    await make_exchange(stub).my_fills("FUSDUSDT")
    assert len(stub.calls("GET", "/api/v3/myTrades")) == 1


async def test_trade_fees_and_server_time(stub: StubMexc) -> None:
    stub.on("GET", "/api/v3/tradeFee", lambda r: reply(sample("trade_fee")))
    exchange = make_exchange(stub)
    fees = await exchange.trade_fees("MXUSDT")
    assert fees.maker == fees.taker == Decimal("0.003")
    assert await exchange.server_time_ms() == stub.clock.now


async def test_an_hour_spelt_1h_is_refused_like_mexc_does_with_a_hint(stub: StubMexc) -> None:
    with pytest.raises(SkipSymbol, match=r"Invalid interval.*60m"):
        await make_exchange(stub).candles("BTCUSDC", "1h", 10)
    assert stub.calls("GET", "/api/v3/klines") == []


async def test_live_check_lists_tradeable_symbols_and_warns_about_withdrawal(
        stub: StubMexc) -> None:
    stub.on("GET", "/api/v3/account", lambda r: reply(sample("account")))
    report = await check_live_account(make_exchange(stub), ["PYTHUSDT", "BTCUSDT", "NOPEUSDT"])
    assert report.ok
    assert report.tradeable == ("PYTHUSDT",)
    assert dict(report.not_tradeable).keys() == {"BTCUSDT", "NOPEUSDT"}
    assert report.can_withdraw is True
    assert any("WITHDRAW" in w for w in report.warnings)
    assert any("PYTHUSDT" in line for line in report.lines())


async def test_live_check_with_a_bad_secret_is_not_ok_and_says_why(stub: StubMexc) -> None:
    stub.on("GET", "/api/v3/account", lambda r: reply(sample("errors.signature"), 400))
    report = await check_live_account(make_exchange(stub), ["PYTHUSDT"])
    assert not report.ok
    assert "MEXC_API_SECRET" in report.errors[0]


async def test_live_check_without_tradeable_symbols_is_not_ok(stub: StubMexc) -> None:
    stub.on("GET", "/api/v3/account",
            lambda r: reply({**sample("account"), "canWithdraw": False}))
    report = await check_live_account(make_exchange(stub), ["BTCUSDT"])
    assert not report.ok
    assert report.warnings == ()
    assert "none of the configured symbols" in report.errors[0]

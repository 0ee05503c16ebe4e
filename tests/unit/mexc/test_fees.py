"""Fee rates: exchangeInfo's defaults read exactly (0 is 0), the account's own from tradeFee."""

from __future__ import annotations

from decimal import Decimal

import httpx
import pytest
from tests.unit.mexc.support import SteppingClock, StubMexc, make_exchange, recorded, reply

from adapters.mexc.schemas import parse_symbol_rules

SYMBOL = "PYTHUSDT"


def _row(**changes: object) -> dict[str, object]:
    rows = recorded("/api/v3/exchangeInfo")["symbols"]
    row = dict(next(r for r in rows if r["symbol"] == SYMBOL))
    row.update(changes)
    return {k: v for k, v in row.items() if v is not None}


def test_a_taker_fee_of_zero_in_exchange_info_is_zero_not_the_unknown_default() -> None:
    rules = parse_symbol_rules(_row(makerCommission="0", takerCommission="0"), None)
    assert rules.maker_fee == 0
    assert rules.taker_fee == 0


def test_a_missing_fee_in_exchange_info_is_the_cautious_default() -> None:
    rules = parse_symbol_rules(_row(makerCommission=None, takerCommission=None), None)
    assert rules.maker_fee == 0
    assert rules.taker_fee == Decimal("0.001")


@pytest.fixture
def stub() -> StubMexc:
    stub = StubMexc(SteppingClock())
    stub.on("GET", "/api/v3/tradeFee", lambda r: reply(
        {"data": {"makerCommission": 0, "takerCommission": 0.0002}, "code": 0}))
    return stub


async def test_the_accounts_fees_are_read_once_an_hour_per_symbol(stub: StubMexc) -> None:
    exchange = make_exchange(stub)
    first = await exchange.trade_fees(SYMBOL)
    await exchange.trade_fees(SYMBOL)
    stub.clock.now += 3_599_000
    await exchange.trade_fees(SYMBOL)
    stub.clock.now += 2_000
    await exchange.trade_fees(SYMBOL)
    await exchange.trade_fees("METALUSDT")
    assert (first.maker, first.taker) == (0, Decimal("0.0002"))
    assert len(stub.calls("GET", "/api/v3/tradeFee")) == 3


async def test_a_failed_fee_look_up_is_not_cached(stub: StubMexc) -> None:
    stub.on("GET", "/api/v3/tradeFee", lambda r: httpx.Response(400, json={
        "code": -1121, "msg": "Invalid symbol."}), lambda r: reply(
        {"data": {"makerCommission": 0, "takerCommission": 0}, "code": 0}))
    exchange = make_exchange(stub)
    with pytest.raises(Exception, match="Invalid symbol"):
        await exchange.trade_fees(SYMBOL)
    fees = await exchange.trade_fees(SYMBOL)
    assert fees.taker == 0

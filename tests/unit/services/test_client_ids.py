"""Client order ids are unique per decision (issue 13, item 6): side and purpose in the id."""

from __future__ import annotations

from decimal import Decimal

import attrs
import pytest
from tests.unit.services.support import NOW, World, buy_fill, flat_closes, world

from mexcore.client_ids import client_order_id, is_ours
from mexcore.errors import ClientIdReused
from mexcore.policies import BalanceMonitorPolicy, PnlMonitorPolicy
from mexcore.services.pnl_monitor import PnlMonitor
from mexcore.values import OrderRequest, OrderType, Side

D = Decimal
SYMBOLS = ("BTCUSDC", "ETHUSDC", "USDCUSDT")
CID = client_order_id("tester", "BTCUSDC", NOW, side=Side.BUY, purpose="test")


def _buy(quote: str = "20", cid: str = CID) -> OrderRequest:
    return OrderRequest("BTCUSDC", Side.BUY, OrderType.MARKET, cid, quote_qty=D(quote))


def test_a_sale_and_a_rebuy_of_one_symbol_in_one_millisecond_get_different_ids() -> None:
    sale = client_order_id("pnl_monitor", "BTCUSDC", NOW, side=Side.SELL, purpose="x")
    rebuy = client_order_id("pnl_monitor", "BTCUSDC", NOW, side=Side.BUY, purpose="x")

    assert sale != rebuy
    assert is_ours(sale)
    assert is_ours(rebuy)


def test_two_purposes_of_one_runner_side_and_millisecond_get_different_ids() -> None:
    first = client_order_id("pnl_monitor", "BTCUSDC", NOW, side=Side.BUY, purpose="after BTC")
    second = client_order_id("pnl_monitor", "BTCUSDC", NOW, side=Side.BUY, purpose="after ETH")

    assert first != second


def test_the_same_decision_gets_the_same_id_again() -> None:
    again = client_order_id("tester", "BTCUSDC", NOW, side=Side.BUY, purpose="test")

    assert again == CID


@pytest.mark.parametrize(
    "change",
    [{"quote_qty": D(21)}, {"symbol": "ETHUSDC"}, {"side": Side.SELL},
     {"type": OrderType.LIMIT, "quantity": D("0.001"), "price": D(30000), "quote_qty": None}],
)
async def test_a_known_id_with_a_different_request_is_refused_and_nothing_is_sent(
    change: dict[str, object],
) -> None:
    w = world(flat_closes(SYMBOLS), {"USDC": "1000", "ETH": "1"})
    await w.deps.executor.submit("tester", _buy(), "first")

    with pytest.raises(ClientIdReused, match=CID):
        await w.deps.executor.submit("tester", attrs.evolve(_buy(), **change), "second")

    assert len(w.exchange.sent) == 1
    [intent] = w.store.intents()
    assert (intent.reason, intent.quote_qty) == ("first", D(20))


async def test_a_known_id_with_the_same_request_resolves_the_known_order() -> None:
    w = world(flat_closes(SYMBOLS), {"USDC": "1000"})
    first = await w.deps.executor.submit("tester", _buy(), "first")

    again = await w.deps.executor.submit("tester", _buy(), "crash-safe retry")

    assert again.order_id == first.order_id
    assert len(w.exchange.sent) == 1


def _holding_btc_and_eth_in_profit() -> World:
    w = world(flat_closes(SYMBOLS), {"BTC": "0.001", "ETH": "0.01"})
    w.store.record_fills([buy_fill("BTCUSDC", "0.001", "29000", trade_id="1"),
                          buy_fill("ETHUSDC", "0.01", "1900", trade_id="2")])
    return w


async def test_two_post_sale_rebalances_in_one_millisecond_place_every_rebuy() -> None:
    w = _holding_btc_and_eth_in_profit()
    bm = BalanceMonitorPolicy()
    monitor = PnlMonitor(w.deps, PnlMonitorPolicy(), dict(bm.targets), bm.reserve)

    await monitor.tick()  # sells BTC then ETH, each followed by a 60/40 rebuy, clock unmoved

    sent = [s.request for s in w.exchange.sent]
    rebuys = [r for r in sent if r.side is Side.BUY]
    assert sorted(r.symbol for r in rebuys) == ["BTCUSDC", "BTCUSDC", "ETHUSDC", "ETHUSDC"]
    assert len({r.client_order_id for r in sent}) == len(sent) == 6
    assert {s.decided_ms for s in w.exchange.sent} == {NOW}

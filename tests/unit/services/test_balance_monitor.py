"""BalanceMonitor (SPEC §1.2, §1.8) on hand-made markets: sizes, reserve, cooldown, requotes."""

from __future__ import annotations

from decimal import Decimal

import attrs
import numpy as np
import pytest
from tests.unit.services.support import (
    NOW_MINUTE,
    World,
    buys,
    flat,
    flat_closes,
    is_maker,
    order_value,
    rising,
    world,
)

from mexcore.policies import AntiHypePolicy, BalanceMonitorPolicy
from mexcore.services.balance_monitor import BalanceMonitor
from mexcore.values import IntentStatus, OrderType, Side

D = Decimal
SYMBOLS = ("BTCUSDC", "ETHUSDC", "USDCUSDT")


def _world(usdc: str, **closes: np.ndarray) -> World:
    market = {**flat_closes(SYMBOLS), **closes}
    return world(market, {"USDC": usdc} if D(usdc) else {})


def _monitor(w: World, **changes: object) -> BalanceMonitor:
    policy = attrs.evolve(BalanceMonitorPolicy(), **changes)
    return BalanceMonitor(w.deps, policy, AntiHypePolicy())


def _dips_after_now(price: float) -> np.ndarray:
    closes = flat(price)
    closes[NOW_MINUTE:] = price * 0.999  # the next minute trades through a resting maker bid
    return closes


def _spent(w: World) -> Decimal:
    return sum((order_value(i) for i in buys(w.intents("balance_monitor"))), D(0))


async def test_balance_monitor_buys_60_40_with_limit_maker_orders_one_tick_over_the_bid() -> None:
    w = _world("52")
    books = {s: await w.exchange.order_book(s) for s in ("BTCUSDC", "ETHUSDC")}

    placed = await _monitor(w).tick()

    btc, eth = sorted(w.intents("balance_monitor"), key=lambda i: i.symbol)  # ids order a ms
    assert placed == 2
    assert all(is_maker(i) and i.side is Side.BUY for i in (btc, eth))
    assert btc.price == books["BTCUSDC"].best_bid + D("0.01")
    assert eth.price == books["ETHUSDC"].best_bid + D("0.01")
    assert D("29.9") <= order_value(btc) <= D(30)
    assert D("19.9") <= order_value(eth) <= D(20)
    assert "LIMIT_MAKER" in w.texts("balance.buy")[0]


@pytest.mark.parametrize(("usdc", "orders"), [("9.99", 0), ("10", 1)])
async def test_balance_monitor_needs_ten_dollars_of_usdc(usdc: str, orders: int) -> None:
    w = _world(usdc)

    await _monitor(w).tick()

    assert len(w.intents()) == orders


async def test_balance_monitor_spends_at_most_100_per_purchase() -> None:
    w = _world("1000")

    await _monitor(w).tick()

    assert D(99) <= _spent(w) <= D(100)


@pytest.mark.parametrize("usdc", ["10", "12.5", "52", "101.99"])
async def test_balance_monitor_leaves_two_dollars_of_usdc_after_the_purchase(usdc: str) -> None:
    w = _world(usdc, BTCUSDC=_dips_after_now(30000.0), ETHUSDC=_dips_after_now(2000.0))
    monitor = _monitor(w)

    await monitor.tick()
    w.at(60)
    await monitor.tick()

    assert D(usdc) - _spent(w) >= D(2)
    assert all(i.status is IntentStatus.FILLED for i in w.intents())
    assert D(2) <= w.free("USDC") < D("2.1") + max(D(0), D(usdc) - D(102))


async def test_balance_monitor_waits_300_seconds_between_purchases() -> None:
    w = _world("300", BTCUSDC=_dips_after_now(30000.0), ETHUSDC=_dips_after_now(2000.0))
    monitor = _monitor(w)
    decisions = []

    for second in (0, 60, 120, 299, 300, 360, 599, 600):
        w.at(second)
        await monitor.tick()
        decisions.append(len({i.created_ms for i in w.intents()}))

    assert decisions == [1, 1, 1, 1, 2, 2, 2, 3]


async def test_balance_monitor_keeps_an_unfilled_order_for_30_seconds_then_requotes_it() -> None:
    w = _world("52", BTCUSDC=rising(30000.0, 10.0, NOW_MINUTE))
    monitor = _monitor(w)
    w.at(45)
    await monitor.tick()

    w.at(74)  # a new minute, a higher bid, but only 29 s old
    await monitor.tick()
    kept = [i.price for i in buys(w.intents(), "BTCUSDC")]
    w.at(75)
    await monitor.tick()

    first, second = buys(w.intents(), "BTCUSDC")
    assert len(kept) == 1
    assert first.status is IntentStatus.CANCELLED
    assert second.status is IntentStatus.ACKNOWLEDGED
    assert second.price is not None
    assert first.price is not None
    assert second.price > first.price
    assert second.reason.startswith("requote 1/3")


async def test_balance_monitor_requotes_three_times_at_most_then_cancels() -> None:
    w = _world("52", BTCUSDC=rising(30000.0, 10.0, NOW_MINUTE))
    monitor = _monitor(w, requote_after_s=60)  # one requote a minute: each sees a new book

    for second in range(0, 301, 60):
        w.at(second)
        await monitor.tick()

    chain = buys(w.intents(), "BTCUSDC")
    assert [i.reason[:11] for i in chain[1:]] == ["requote 1/3", "requote 2/3", "requote 3/3"]
    assert all(i.status is IntentStatus.CANCELLED for i in chain)
    assert await w.exchange.open_orders("BTCUSDC") == []


async def test_balance_monitor_cancels_an_order_unfilled_after_120_seconds() -> None:
    w = _world("52")
    monitor = _monitor(w)
    await monitor.tick()

    w.at(119)
    await monitor.tick()
    open_at_119 = len(await w.exchange.open_orders())
    w.at(120)
    await monitor.tick()

    assert open_at_119 == 2
    assert await w.exchange.open_orders() == []
    assert [i.status for i in w.intents()] == [IntentStatus.CANCELLED] * 2
    assert w.free("USDC") == D(52)


async def test_a_requote_never_spends_more_than_the_order_it_replaces() -> None:
    w = _world("52", BTCUSDC=rising(30000.0, 10.0, NOW_MINUTE))
    monitor = _monitor(w)
    await monitor.tick()

    for second in (30, 60, 90):
        w.at(second)
        await monitor.tick()

    btc = buys(w.intents(), "BTCUSDC")
    assert len(btc) > 1
    assert all(order_value(r) <= order_value(btc[0]) for r in btc[1:])
    eth = buys(w.intents(), "ETHUSDC")[0]
    assert D(52) - order_value(btc[-1]) - order_value(eth) >= D(2)


@pytest.mark.parametrize(
    ("btc", "eth", "bought"),
    [
        ("0.0005", "0.0075", {"BTCUSDC", "ETHUSDC"}),  # 50 / 50: 10 points off, not more
        ("0.00049", "0.00765", {"BTCUSDC"}),  # 49 / 51: 11 points off → only the lagging
        ("0.0009", "0.0015", {"ETHUSDC"}),  # 90 / 10: ETH lags
    ],
)
async def test_balance_monitor_over_ten_points_off_buys_only_the_lagging_asset(
    btc: str, eth: str, bought: set[str]
) -> None:
    w = _world("52")
    w.exchange.deposit("BTC", btc)
    w.exchange.deposit("ETH", eth)

    await _monitor(w).tick()

    assert {i.symbol for i in w.intents()} == bought


@pytest.mark.parametrize(
    ("prices", "bought"),
    [
        ({"BTCUSDC": 100_000.0}, "ETHUSDC"),  # $8 buys 0.00008 BTC, under 0.0001
        ({"ETHUSDC": 10_000.0}, "BTCUSDC"),  # $8 buys 0.0008 ETH, under 0.001
    ],
)
async def test_balance_monitor_buys_only_one_asset_when_the_other_is_under_its_minimum(
    prices: dict[str, float], bought: str
) -> None:
    w = _world("10", **{s: flat(p) for s, p in prices.items()})

    await _monitor(w).tick()

    [intent] = w.intents()
    assert intent.symbol == bought
    assert D(7) < order_value(intent) <= D(8)


async def test_balance_monitor_tops_up_usdc_from_usdt_then_buys() -> None:
    w = _world("0")
    w.exchange.deposit("USDT", "100")

    await _monitor(w).tick()

    top_up, *purchase = w.intents("balance_monitor")
    assert (top_up.symbol, top_up.side, top_up.type) == ("USDCUSDT", Side.BUY, OrderType.MARKET)
    assert top_up.quote_qty == D(13)  # 12 (10 + the $2 reserve) plus the fee, in whole USDT
    assert purchase
    assert all(i.quote_qty is None and i.symbol.endswith("USDC") for i in purchase)
    assert D(87) <= w.free("USDT") < D("87.01")  # the budget includes the taker fee


async def test_balance_monitor_without_top_up_leaves_usdt_alone() -> None:
    w = _world("0")
    w.exchange.deposit("USDT", "100")

    await _monitor(w, top_up_from_usdt=False).tick()

    assert w.intents() == []


async def test_balance_monitor_does_not_buy_a_pumped_asset() -> None:
    pumped = rising(26000.0, 3.0, 0)  # +3 a minute: about +17 % over the last 24 h
    w = _world("52", BTCUSDC=pumped)

    await _monitor(w).tick()

    [intent] = w.intents()
    assert intent.symbol == "ETHUSDC"
    assert D("19.9") <= order_value(intent) <= D(20)  # its 40 % share, not more

"""OrdersReporter (SPEC §1.6): the open orders and the fills since the last report."""

from __future__ import annotations

from decimal import Decimal

import attrs
from tests.unit.services.support import NOW, World, buy_fill, flat_closes, world

from mexcore.policies import BotConfig
from mexcore.services.orders_reporter import OrdersReporter, orders_report
from mexcore.values import Fill, OrderRequest, OrderType, Side

D = Decimal


def _reporter(w: World) -> OrdersReporter:
    return OrdersReporter(w.exchange, w.store, w.notifier, w.clock)


async def _rest_a_bid(w: World) -> None:
    await w.exchange.place_order(OrderRequest(
        "BTCUSDC", Side.BUY, OrderType.LIMIT, "resting", quantity=D("0.001"), price=D(29000)))


async def test_report_lists_the_open_orders_and_the_journaled_fills() -> None:
    w = world(flat_closes(("BTCUSDC", "USDCUSDT")), {"USDC": "100"})
    await _rest_a_bid(w)
    w.store.record_fills([buy_fill("BTCUSDC", "0.002", "29500")])

    assert await _reporter(w).tick() == 1

    [report] = w.texts("orders")
    lines = report.splitlines()
    assert lines[0] == "Open orders: 1"
    assert lines[1].startswith("  BUY BTCUSDC 0.001 @ 29000 (LIMIT, NEW, filled 0)")
    assert lines[2] == "Fills since the last report: 1"
    assert lines[3].startswith("  BUY BTCUSDC 0.002 @ 29500 = 59")


async def test_the_report_says_how_often_it_comes() -> None:
    w = world(flat_closes(("BTCUSDC", "USDCUSDT")))

    await OrdersReporter(w.exchange, w.store, w.notifier, w.clock, every_s=1800).tick()

    [report] = w.texts("orders")
    assert report.splitlines()[0] == "Open orders: 0 (reported every 30 min)"


async def test_each_fill_is_reported_once_even_when_journaled_after_a_later_report() -> None:
    w = world(flat_closes(("BTCUSDC", "USDCUSDT")))
    reporter = _reporter(w)
    w.store.record_fills([buy_fill("BTCUSDC", "0.002", "29500")])
    await reporter.tick()

    w.at(1800)
    await reporter.tick()
    # Filled at +1000 s, imported into the journal only after the +1800 s report.
    late = attrs.evolve(buy_fill("BTCUSDC", "0.003", "29600", trade_id="2"),
                        time_ms=NOW + 1_000_000)
    w.store.record_fills([late])
    for second in (3600, 5400):
        w.at(second)
        await reporter.tick()

    counts = [t.splitlines()[1] for t in w.texts("orders")]
    assert counts == [f"Fills since the last report: {n}" for n in (1, 0, 1, 0)]
    assert "0.003 @ 29600" in w.texts("orders")[2]


def test_orders_report_runs_every_30_minutes_by_default() -> None:
    assert BotConfig().orders_reporter.interval_s == 1800


def test_a_reported_fill_shows_its_quote_in_cents_and_a_stablecoin_fee_to_a_hundredth_cent(
) -> None:
    fill = Fill("BTCUSDC", "7", "c7", Side.BUY, D("28274.13"), D("0.002124"), D("60.05425212"),
                D("0.03002712606"), fee_asset="USDC", is_maker=False, time_ms=0)

    [line] = orders_report([], [fill]).splitlines()[2:]

    assert line == "  BUY BTCUSDC 0.002124 @ 28274.13 = 60.05 USDC, fee 0.0300 USDC (taker)"

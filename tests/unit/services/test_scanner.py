"""MarketScanner (SPEC §1.1) on hand-made markets: universe, scores, reports, the auto-buy."""

from __future__ import annotations

from decimal import Decimal

import numpy as np
import pytest
from tests.unit.services.support import (
    PRICES,
    VOLUME_QUOTE,
    World,
    late_drop,
    rising,
    wiggle,
    world,
)

from adapters.fake import make_rules
from mexcore.policies import AntiHypePolicy, ScannerPolicy
from mexcore.services.scanner import MarketScanner
from mexcore.values import OrderType, Side

D = Decimal


def _drop(symbol: str, tick: float = 0.0001, drop: float = 0.03) -> np.ndarray:
    return late_drop(PRICES.get(symbol, 1.0), tick, drop)


def _scanner(w: World, policy: ScannerPolicy | None = None) -> MarketScanner:
    return MarketScanner(w.deps, policy or ScannerPolicy(), AntiHypePolicy())


def _opportunity_world(usdt: str) -> World:
    balances = {"USDT": usdt} if D(usdt) > 0 else {}
    return world({"ADAUSDT": _drop("ADAUSDT"), "DOTUSDT": wiggle(6.0, 0.001)}, balances)


async def test_scanner_buys_the_best_opportunity_at_market_by_quote_amount() -> None:
    surge = np.full(1620, 300.0)
    surge[1545:1560] = 3000.0  # the last 15m candle trades ten times the volume: +1 point
    w = world({"ADAUSDT": _drop("ADAUSDT"), "LINKUSDT": _drop("LINKUSDT", 0.001),
               "DOTUSDT": wiggle(6.0, 0.001)}, {"USDT": "100"}, volumes={"LINKUSDT": surge})
    scanner = _scanner(w)

    await scanner.tick()

    best = scanner.last_lists.buy_opportunities
    assert [p.symbol for p in best] == ["LINKUSDT", "ADAUSDT"]
    assert best[0].score > best[1].score > 2
    [intent] = w.intents("scanner")
    assert (intent.symbol, intent.side, intent.type) == ("LINKUSDT", Side.BUY, OrderType.MARKET)
    assert intent.quote_qty == D(30)
    [text] = w.texts("buy.LINKUSDT")
    assert "volume surge" in text
    assert "oversold" in text


@pytest.mark.parametrize(
    ("usdt", "spent"),
    [
        ("15", D(9)),  # under $20: 60 %
        ("19.9", D("11.94")),
        ("20", D(6)),  # from $20: 30 %
        ("100", D(30)),
        ("166", D("49.8")),
        ("200", D(50)),  # 30 % is 60: capped at $50
        ("1000", D(50)),
        ("8", D(6)),  # 60 % is 4.8: raised to the $6 minimum
        ("6", D(6)),
    ],
)
async def test_scanner_amount_is_60_percent_under_20_else_30_percent_capped_at_50(
    usdt: str, spent: Decimal
) -> None:
    w = _opportunity_world(usdt)

    await _scanner(w).tick()

    [intent] = w.intents("scanner")
    assert intent.quote_qty == spent


@pytest.mark.parametrize("usdt", ["5.99", "3", "0"])
async def test_scanner_skips_the_buy_when_six_dollars_are_unaffordable(usdt: str) -> None:
    w = _opportunity_world(usdt)

    await _scanner(w).tick()

    assert w.intents() == []
    assert w.exchange.all_orders() == []


async def test_scanner_buys_nothing_without_an_opportunity() -> None:
    w = world({"ADAUSDT": wiggle(0.4, 0.0001), "DOTUSDT": wiggle(6.0, 0.001)}, {"USDT": "100"})
    scanner = _scanner(w)

    await scanner.tick()

    assert scanner.last_lists.buy_opportunities == ()
    assert w.intents() == []


async def test_scanner_reports_every_second_cycle() -> None:
    w = _opportunity_world("0")
    scanner = _scanner(w)
    sent = []

    for minute in range(1, 7):
        await scanner.tick()
        sent.append(len(w.texts("scanner.report")))
        w.at(minute * 600)

    assert sent == [0, 1, 1, 2, 2, 3]
    assert w.texts("scanner.report")[0].startswith(
        "Scan of 2 USDT pairs, reported every 20 min: 1 opportunities")


async def test_scanner_report_interval_follows_the_configuration() -> None:
    w = _opportunity_world("0")
    scanner = _scanner(w, ScannerPolicy(report_every_cycles=3))

    for _ in range(3):
        await scanner.tick()

    [report] = w.texts("scanner.report")
    assert report.startswith("Scan of 2 USDT pairs, reported every 30 min:")


async def test_scanner_universe_drops_illiquid_non_api_leveraged_stable_excluded_pairs() -> None:
    thin = np.full(1620, 10.0)  # 10 ADA × 0.4 a minute: 5,760 USDT a day, under $10,000
    leveraged = make_rules("BTC3L", "USDT", 2, 4)
    w = world(
        {"ADAUSDT": _drop("ADAUSDT"), "BTCUSDT": _drop("BTCUSDT", 0.01),
         "BTC3LUSDT": _drop("BTC3LUSDT"), "USDCUSDT": _drop("USDCUSDT"),
         "XRPUSDT": _drop("XRPUSDT"), "SOLUSDT": _drop("SOLUSDT", 0.01),
         "ADAUSDC": _drop("ADAUSDC")},
        {"USDT": "100"}, extra_rules=[leveraged], volumes={"ADAUSDT": thin},
    )
    scanner = _scanner(w, ScannerPolicy(excluded_symbols=("XRPUSDT",)))

    await scanner.tick()

    assert [p.symbol for p in scanner.last_lists.buy_opportunities] == ["SOLUSDT"]
    assert [i.symbol for i in w.intents("scanner")] == ["SOLUSDT"]


@pytest.mark.parametrize(("quote_volume", "bought"), [(10_050, True), (9_950, False)])
async def test_scanner_liquidity_floor_is_ten_thousand_a_day(
    quote_volume: int, bought: bool
) -> None:
    unit = world({"ADAUSDT": _drop("ADAUSDT")}, volumes={"ADAUSDT": np.ones(1620)})
    per_unit = (await unit.exchange.tickers_24h())["ADAUSDT"].quote_volume
    volume = np.full(1620, quote_volume / float(per_unit))
    w = world({"ADAUSDT": _drop("ADAUSDT")}, {"USDT": "100"}, volumes={"ADAUSDT": volume})

    await _scanner(w).tick()

    assert len(w.intents("scanner")) == int(bought)


async def test_scanner_keeps_the_top_pairs_by_quote_volume() -> None:
    heavy = np.full(1620, VOLUME_QUOTE * 10 / 7.0)
    w = world({"ADAUSDT": _drop("ADAUSDT"), "LINKUSDT": _drop("LINKUSDT", 0.001)},
              {"USDT": "100"}, volumes={"LINKUSDT": heavy})
    scanner = _scanner(w, ScannerPolicy(max_pairs=1))

    await scanner.tick()

    assert [p.symbol for p in scanner.last_lists.buy_opportunities] == ["LINKUSDT"]


async def test_scanner_blocks_a_pumped_pair_and_does_not_buy_it() -> None:
    pumped = rising(0.4, 0.00004, 0)  # +0.00004 a minute: +16 % over the last 24 h
    w = world({"ADAUSDT": pumped, "DOTUSDT": wiggle(6.0, 0.001)}, {"USDT": "100"})
    scanner = _scanner(w)

    await scanner.tick()

    [blocked] = scanner.last_lists.blocked
    assert (blocked.symbol, blocked.score) == ("ADAUSDT", -10)
    assert w.intents() == []

"""The scanner's auto-buy: the anti-hype multiplier, refusals and tradeSideType (issue 13)."""

from __future__ import annotations

from decimal import Decimal

import numpy as np
import pytest
from tests.unit.services.refusing import REFUSALS, refusing, refusing_world
from tests.unit.services.support import NOW_MINUTE, World, late_drop, wiggle, world

from mexcore.errors import MexbotError
from mexcore.policies import AntiHypePolicy, ScannerPolicy
from mexcore.services.scanner import MarketScanner
from mexcore.values import TradeSide

D = Decimal
QUIET = wiggle(6.0, 0.001)  # DOTUSDT: never an opportunity


def _scanner(w: World) -> MarketScanner:
    return MarketScanner(w.deps, ScannerPolicy(), AntiHypePolicy())


def _after_a_rise(rise: float, price: float = 0.4) -> np.ndarray:
    """Closes that rise by `rise` over the last day, then drop 3 % in the last 15 minutes."""
    closes = wiggle(price, price / 4000)
    start, top = NOW_MINUTE - 1440, price * (1 + rise)
    closes[start:NOW_MINUTE - 15] = np.linspace(price, top, NOW_MINUTE - 15 - start)
    closes[NOW_MINUTE - 15:NOW_MINUTE] = top * (1 - np.linspace(0, 0.03, 15))
    closes[NOW_MINUTE:] = top * 0.97
    return closes


@pytest.mark.parametrize(("closes", "usdt", "multiplier", "spent"), [
    (late_drop(0.4, 0.0001, 0.06), "100", D(2), D(50)),  # dip: 30 × 2 = 60, capped at $50
    (late_drop(0.4, 0.0001, 0.06), "40", D(2), D(24)),  # dip: 12 × 2
    (_after_a_rise(0.10), "100", D("0.5"), D(15)),  # +6.7 % in 24 h: 30 × 0.5
    (_after_a_rise(0.10), "15", D("0.5"), D(6)),  # 9 × 0.5 = 4.5, raised to the $6 minimum
    (late_drop(0.4, 0.0001, 0.03), "100", D(1), D(30)),  # neither: as planned
], ids=["dip-capped", "dip", "damped", "damped-to-minimum", "plain"])
async def test_the_scanner_buys_the_planned_amount_times_the_anti_hype_multiplier(
    closes: np.ndarray, usdt: str, multiplier: Decimal, spent: Decimal
) -> None:
    w = world({"ADAUSDT": closes, "DOTUSDT": QUIET}, {"USDT": usdt})
    scanner = _scanner(w)

    await scanner.tick()

    [best] = scanner.last_lists.buy_opportunities
    assert best.multiplier == multiplier
    [intent] = w.intents("scanner")
    assert intent.quote_qty == spent


def _two_opportunities(trade_side: TradeSide = TradeSide.ALL) -> World:
    """ADAUSDT (6 % dip, ×2; first of equal scores) and LINKUSDT (3 % drop) are opportunities."""
    closes = {"ADAUSDT": late_drop(0.4, 0.0001, 0.06), "LINKUSDT": late_drop(7.0, 0.001, 0.03),
              "DOTUSDT": QUIET}
    return refusing_world(closes, {"USDT": "100"}, {"ADAUSDT": trade_side})


@pytest.mark.parametrize("refusal", REFUSALS, ids=lambda e: type(e).__name__)
async def test_a_refused_best_opportunity_does_not_stop_the_next_one_and_warns_once(
    refusal: MexbotError
) -> None:
    w = _two_opportunities()
    refusing(w).refuse("ADAUSDT", refusal)
    scanner = _scanner(w)

    await scanner.tick()
    w.at(600)
    await scanner.tick()

    assert [p.symbol for p in scanner.last_lists.buy_opportunities] == ["ADAUSDT", "LINKUSDT"]
    tried = sorted(i.symbol for i in w.intents("scanner"))
    assert tried == ["ADAUSDT", "ADAUSDT", "LINKUSDT", "LINKUSDT"]  # refused, then the next
    assert len(w.texts("buy.LINKUSDT")) == 2
    assert len(w.texts("warning.scanner")) == 1


async def test_the_scanner_does_not_consider_a_sell_only_symbol() -> None:
    w = _two_opportunities(TradeSide.SELL_ONLY)
    scanner = _scanner(w)

    await scanner.tick()

    assert [p.symbol for p in scanner.last_lists.buy_opportunities] == ["LINKUSDT"]
    assert [o.request.symbol for o in w.exchange.sent] == ["LINKUSDT"]

"""A run's benchmarks priced on its market: the bot, holding, and buying BTC/ETH 60/40."""

from __future__ import annotations

from decimal import Decimal

import numpy as np
from tests.unit.services.support import MINUTE_MS, T0, make_market, rules_for

from adapters.fake.store import InMemoryStore
from mexcore.values import PortfolioSnapshot
from runners.benchmark_run import RunWindow, benchmark_of, run_benchmarks
from runners.benchmarks import Benchmark

D = Decimal
TARGETS = {"BTCUSDC": D("0.6"), "ETHUSDC": D("0.4")}
RULES = rules_for(["BTCUSDC", "ETHUSDC"])
FEE = RULES["BTCUSDC"].taker_fee
WINDOW = RunWindow(T0 + MINUTE_MS, T0 + 121 * MINUTE_MS, D(800), D(880))
MIDDLE = T0 + 61 * MINUTE_MS  # prices of a time are the closes of the minutes done by then


def _closes(first: float, middle: float, last: float) -> np.ndarray:
    return np.interp(np.arange(121), [0, 60, 120], [first, middle, last])


def _benchmarks(symbols: tuple[str, ...] = ("BTCUSDT", "ETHUSDT")) -> dict[str, Benchmark]:
    closes = {"BTCUSDT": _closes(30000, 24000, 36000), "ETHUSDT": _closes(2000, 2000, 1000)}
    market = make_market({s: closes[s] for s in symbols}, rules_for(symbols))
    store = InMemoryStore()
    store.add_snapshot(PortfolioSnapshot(MIDDLE, D(760), {"USDT": D(760)}))
    start_balances = {"USDT": D(500), "BTC": D("0.01")}
    found = run_benchmarks(market, store, WINDOW, start_balances, TARGETS, RULES)
    return {b.key: b for b in found}


def test_the_bot_benchmark_is_its_own_value_from_start_through_snapshots_to_end() -> None:
    bot = _benchmarks()["bot"]
    assert (bot.start_value, bot.final_value) == (D(800), D(880))
    assert bot.drawdown == D("-0.05")


def test_holding_the_start_balances_moves_with_the_btc_price() -> None:
    hold = _benchmarks()["hold"]
    assert hold.final_value == D(860)  # 500 + 0.01 × 36000
    assert hold.total_return == D("0.075")
    assert hold.drawdown == D("-0.075")  # 740 at 24000


def test_buying_60_40_spends_all_start_funds_at_start_prices_less_the_taker_fee() -> None:
    targets = _benchmarks()["targets"]
    # 480 USDT of BTC at 30000 and 320 of ETH at 2000, less fees; BTC +20 %, ETH -50 %.
    assert targets.label == "buy BTC/ETH 60/40 and hold"
    assert targets.start_value == D(800)
    assert targets.final_value == D(736) * (1 - FEE)
    assert targets.drawdown == (D(704) * (1 - FEE) - 800) / 800


def test_without_a_price_for_a_target_there_is_no_targets_benchmark() -> None:
    found = _benchmarks(("BTCUSDT",))
    assert sorted(found) == ["bot", "hold"]


def test_without_targets_there_is_no_targets_benchmark_and_each_is_found_by_its_key() -> None:
    market = make_market({"BTCUSDT": _closes(1, 1, 1)}, rules_for(["BTCUSDT"]))
    found = run_benchmarks(market, InMemoryStore(), WINDOW, {}, {}, RULES)
    assert [b.key for b in found] == ["bot", "hold"]
    assert benchmark_of(found, "hold") is found[1]
    assert benchmark_of(found, "nope") is None


class _NoWholeSnapshots(InMemoryStore):
    """A store whose whole snapshots (every asset's value) must not be read."""

    def snapshots(self, since_ms: int | None = None) -> list[PortfolioSnapshot]:
        raise AssertionError("the benchmarks need only the totals: use snapshot_totals")


def test_the_benchmarks_read_only_the_snapshot_totals() -> None:
    market = make_market({"BTCUSDT": _closes(30000, 24000, 36000)}, rules_for(["BTCUSDT"]))
    store = _NoWholeSnapshots()
    store.add_snapshot(PortfolioSnapshot(MIDDLE, D(760), {"USDT": D(760)}))

    found = run_benchmarks(market, store, WINDOW, {"USDT": D(800)}, {}, RULES)

    assert [v for _, v in benchmark_of(found, "bot").series] == [D(800), D(760), D(880)]

"""What `mexbot status` and `mexbot trades` render from a journal."""

from __future__ import annotations

import asyncio
from decimal import Decimal

from adapters.fake.store import InMemoryStore
from mexcore.money import ZERO
from mexcore.panel import PortfolioView, RunnerStatus
from mexcore.policies import BotConfig
from mexcore.values import Fill, Side
from runners.journal_panel import JournalPanel, journal_positions
from runners.status_command import StatusReport, price_text, render_status
from runners.trades_command import CSV_HEADER, trades_csv, trades_table

NOW = 1_764_547_200_000  # 2025-12-01 00:00 UTC


def _fill(fee_asset: str = "USDC", time_ms: int = NOW) -> Fill:
    return Fill("PEPEUSDC", "t1", "o1", Side.BUY, Decimal("0.0000123456"), Decimal("1000000"),
                Decimal("12.3456"), Decimal("0.5"), fee_asset=fee_asset, is_maker=True,
                time_ms=time_ms, client_order_id="c1")


def _report(*runners: RunnerStatus) -> StatusReport:
    store = InMemoryStore()
    store.record_fills([_fill()])
    panel = JournalPanel(store, BotConfig(), {}, "", "")
    return StatusReport("paper", "/s", NOW, runners, [], PortfolioView((), ZERO), None,
                        asyncio.run(panel.pnl()))


def test_a_runner_that_never_ran_says_so() -> None:
    assert "  scanner: never ran" in render_status(_report(RunnerStatus("scanner")))


def test_a_runner_whose_next_tick_passed_is_marked_overdue() -> None:
    late = RunnerStatus("scanner", ticks=3, last_tick_ms=NOW - 120_000, next_tick_ms=NOW - 60_000)
    assert "(overdue: is the bot running?)" in render_status(_report(late))


def test_a_runner_on_time_is_not_marked_overdue() -> None:
    fine = RunnerStatus("scanner", ticks=3, last_tick_ms=NOW - 1000, next_tick_ms=NOW + 60_000)
    assert "overdue" not in render_status(_report(fine))


def test_status_without_a_snapshot_says_there_is_none() -> None:
    assert "balances: no portfolio snapshot in the journal yet" in render_status(_report())


def test_a_cheap_coins_average_cost_keeps_its_significant_digits() -> None:
    assert "at average cost 0.0000128456" in render_status(_report())


def test_prices_have_six_significant_digits_and_at_least_cents() -> None:
    assert [price_text(Decimal(v)) for v in ("61061.3333", "2", "0.000012345678", "0")] == [
        "61061.33", "2.00", "0.0000123457", "0.00"]


def test_a_fee_in_a_third_asset_makes_the_position_unknown_not_wrong() -> None:
    assert journal_positions([_fill("MX")]) == {"PEPEUSDC": None}


def test_trades_csv_has_the_header_and_exact_amounts() -> None:
    lines = trades_csv([_fill()], {"c1": "scanner"}).splitlines()
    assert lines[0] == ",".join(CSV_HEADER)
    assert lines[1].split(",")[2:7] == ["PEPEUSDC", "BUY", "0.0000123456", "1000000", "12.3456"]
    assert lines[1].split(",")[10] == "scanner"


def test_trades_table_of_no_fills_says_so() -> None:
    assert trades_table([], {}) == "no fills in the journal for this period\n"


def test_status_names_the_log_file_to_read_next() -> None:
    assert "log file: /s/mexbot.log" in render_status(_report())

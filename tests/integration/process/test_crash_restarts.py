"""Issue 7: SIGKILL the bot 50 times at random moments, restart it on the same state_dir.

One crash run (module fixture) against one `mexbot sandbox`; each test checks one promise of
SPEC §4 ("a crash or a lost response never duplicates an order or loses a fill") or §1.10
(cooldowns) on its outcome.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from tests.integration.process.checks import (
    balances_after,
    cooldown_problems,
    duplicate_problems,
    journaled_fill_problems,
    missing_fill_problems,
    purchases,
)
from tests.integration.process.conftest import SPEED
from tests.integration.process.crash_run import (
    CRASH_SECTIONS,
    SANDBOX_TABLE,
    CrashLoop,
    CrashRun,
    start_balances,
)
from tests.integration.process.harness import SandboxProcess

pytestmark = pytest.mark.slow  # about two minutes: 50 lives of 1-4 s each

KILLS = 50
SEED = 20240607
TICK_SLACK_MS = 1000  # a tick's start to its first order, when a crash hid the start


@pytest.fixture(scope="module")
def crashed(tmp_path_factory: pytest.TempPathFactory) -> CrashRun:
    """Kill and restart the bot KILLS times against a fresh sandbox; read the outcome."""
    workdir = tmp_path_factory.mktemp("crash")
    sandbox = SandboxProcess(workdir / "sandbox", SPEED, SANDBOX_TABLE)
    try:
        run = CrashLoop(workdir, sandbox, SEED).run(KILLS)
    finally:
        sandbox.close()
    print(_summary(run, workdir), file=sys.stderr)
    return run


def _summary(run: CrashRun, workdir: Path) -> str:
    kinds = {how: sum(life.how == how for life in run.lives) for how in
             ("start-up", "after order", "later", "no order")}
    return (f"crash run in {workdir}: {len(run.lives)} kills in {run.seconds:.0f} s, {kinds}, "
            f"{sum(life.in_flight for life in run.lives)} with an order in flight; "
            f"{len(run.intents)} intents, {len(run.orders)} orders, {len(run.fills)} fills")


def test_the_bot_was_killed_often_while_orders_were_placed(crashed: CrashRun) -> None:
    assert len(crashed.lives) >= KILLS
    assert sum(life.in_flight for life in crashed.lives) >= KILLS // 5
    assert len(crashed.orders) >= KILLS // 5


def test_every_start_reconciles_and_the_last_one_stops_cleanly(crashed: CrashRun) -> None:
    assert [life.number for life in crashed.lives if life.unreconciled] == []
    assert "\nreconciliation: reconciled" in crashed.final_stderr
    assert crashed.final_exit == 0, crashed.final_stderr
    assert "stopped cleanly" in crashed.final_stderr


def test_no_intent_leads_to_a_second_order(crashed: CrashRun) -> None:
    assert duplicate_problems(crashed.orders, crashed.intents) == []


def test_every_journaled_fill_is_an_exchange_fill_journaled_once(crashed: CrashRun) -> None:
    assert journaled_fill_problems(crashed.journal_fills, crashed.fills) == []


def test_every_exchange_fill_is_journaled_after_a_reconciling_start(crashed: CrashRun) -> None:
    assert missing_fill_problems(crashed.journal_fills, crashed.fills) == []


def test_the_balances_are_the_start_moved_by_the_journaled_fills(crashed: CrashRun) -> None:
    assert crashed.balances == balances_after(start_balances(), crashed.journal_fills)


@pytest.mark.parametrize(("runner", "order_type"), [
    ("balance_monitor", "LIMIT_MAKER"), ("balancer_5050", "MARKET")])
def test_cooldowns_hold_across_restarts(crashed: CrashRun, runner: str, order_type: str) -> None:
    cooldown_ms = int(CRASH_SECTIONS[runner]["cooldown_s"]) * 1000
    life_of = {life.number: (life.started_ms, life.ended_ms) for life in crashed.lives}
    times = [(_life(life_of, i.created_ms), i.created_ms) for i in crashed.intents
             if i.runner == runner and i.type == order_type]
    ticks = purchases(times, cooldown_ms // 2)
    starts = crashed.cooldown_starts.get(runner, set())
    assert len(ticks) >= 2
    assert cooldown_problems(runner, ticks, starts, cooldown_ms, TICK_SLACK_MS) == []


def _life(lives: dict[int, tuple[int, int]], time_ms: int) -> int:
    return next((n for n, (start, end) in lives.items() if start <= time_ms <= end), -1)

"""Issue 5: `mexbot run` in live mode trades against `mexbot sandbox`, two real processes.

The bot runs every runner at second-scale intervals on a market replayed at 60× until it has
placed a few orders (or half a minute passed), then gets SIGTERM. Every order the sandbox
holds for the account must be valid under its symbol's rules.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import pytest
from tests.integration.process.checks import PLACED, duplicate_problems, order_problems
from tests.integration.process.conftest import StartSandbox
from tests.integration.process.harness import BotProcess, bot_config, wait_until
from tests.integration.process.journal import Journal
from tests.integration.process.sandbox_reader import SandboxReader

TRADING_S = 30.0
ENOUGH_ORDERS = 5

EVERY_RUNNER_FAST: dict[str, dict[str, Any]] = {
    "scanner": {"interval_s": 2, "max_pairs": 10},
    "balance_monitor": {"interval_s": 1, "cooldown_s": 3, "requote_after_s": 2},
    "pnl_monitor": {"interval_s": 1, "summary_interval_s": 5},
    "alts_monitor": {"interval_s": 1},
    "balancer_5050": {"interval_s": 1, "cooldown_s": 2},
    "portfolio_rebalance": {"interval_s": 2, "allow_negative_pnl": True},
    "orders_reporter": {"interval_s": 5},
}


pytestmark = pytest.mark.slow  # two processes for about 20 s


def _placed(journal: Journal) -> int:
    return sum(status in PLACED for status in journal.statuses().values())


def test_the_bot_in_live_mode_places_only_valid_orders_on_the_sandbox_and_stops_cleanly(
    tmp_path: Path, start_sandbox: StartSandbox, reader_of: Any
) -> None:
    sandbox = start_sandbox({})  # MEXC's rate limits enforced, the default account
    config = tmp_path / "mexbot.toml"
    config.write_text(bot_config(sandbox.url, tmp_path / "state", EVERY_RUNNER_FAST))
    journal = Journal(tmp_path / "state")
    bot = BotProcess(config, tmp_path / "bot", "bot")
    try:
        bot.wait_reconciled()
        end = time.monotonic() + TRADING_S
        wait_until("orders", lambda: _placed(journal) >= ENOUGH_ORDERS
                   or time.monotonic() > end, bot.alive)
        code = bot.stop()
    finally:
        bot.close()

    reader: SandboxReader = reader_of(sandbox)
    rules = reader.rules()
    orders = reader.orders(sorted(rules))
    problems = [p for o in orders for p in order_problems(
        o, rules[o.symbol], reader.candle_range(o.symbol, o.time_ms))]
    assert code == 0, bot.stderr()
    assert "stopped cleanly" in bot.stderr()
    assert orders, bot.stderr()
    assert problems == []
    assert duplicate_problems(orders, journal.intents()) == []

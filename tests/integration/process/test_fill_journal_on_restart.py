"""No fill is lost across a restart, even on a market no runner watches (SPEC §4).

The balance monitor buys USDC with USDT (USDCUSDT) when USDC runs short; the PnL and alts
monitors only sync the fills of their own symbols, so the journal gets a USDCUSDT fill only
from reconciliation at the next start.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tests.integration.process.checks import fill_problems
from tests.integration.process.conftest import StartSandbox
from tests.integration.process.harness import (
    API_KEY,
    API_SECRET,
    CALM_SECTIONS,
    BotProcess,
    bot_config,
    calm_start,
    wait_until,
)
from tests.integration.process.journal import Journal

SHORT_OF_USDC: dict[str, Any] = {"accounts": [{
    "api_key": API_KEY, "api_secret": API_SECRET, "balances": {"USDT": "1000", "USDC": "5"}}]}
ONLY_THE_BALANCE_MONITOR: dict[str, dict[str, Any]] = {
    **CALM_SECTIONS, "balance_monitor": {"interval_s": 1, "cooldown_s": 60}}


def test_a_top_up_fill_is_journaled_by_the_next_start(
    tmp_path: Path, start_sandbox: StartSandbox, reader_of: Any
) -> None:
    sandbox = start_sandbox(SHORT_OF_USDC)
    config, calm = tmp_path / "mexbot.toml", tmp_path / "calm.toml"
    config.write_text(bot_config(sandbox.url, tmp_path / "state", ONLY_THE_BALANCE_MONITOR))
    calm.write_text(bot_config(sandbox.url, tmp_path / "state", CALM_SECTIONS))
    journal = Journal(tmp_path / "state")
    bot = BotProcess(config, tmp_path, "bot")
    try:
        wait_until("a filled top-up", lambda: any(
            i.symbol == "USDCUSDT" and i.status == "filled" for i in journal.intents()),
            bot.alive)
        assert bot.stop() == 0, bot.stderr()
    finally:
        bot.close()
    reader = reader_of(sandbox)
    reader.cancel_open_orders()

    calm_start(calm, tmp_path)

    top_ups = reader.fills(["USDCUSDT"])
    assert top_ups
    assert fill_problems([f for f in journal.fills() if f.symbol == "USDCUSDT"], top_ups) == []

"""`mexbot status` reads the bot through a panel over its journal: the same facts, no network."""

import pytest
from tests.unit.services.support import World, buy_fill, flat_closes, world

from mexcore.policies import BotConfig
from runners.bot import build_loops
from runners.journal_panel import JournalPanel, ReadOnlyPanelError
from runners.panel import ServicePanel
from runners.status_command import read_status, render_status

SYMBOLS = ["BTCUSDC", "ETHUSDC", "USDCUSDT", "ADAUSDT"]


async def _ran(balances: dict[str, str | int]) -> tuple[ServicePanel, JournalPanel, World]:
    w = world(flat_closes(SYMBOLS), balances)
    config = BotConfig()
    loops = build_loops(config, w.deps)
    w.store.record_fills([buy_fill("BTCUSDC", "0.001", "29000")])
    (snapshots,) = [loop for loop in loops if loop.name == "snapshots"]
    await snapshots.tick_once()
    runners = {loop.name: loop.interval_s for loop in loops}
    return (ServicePanel(w.deps, config, loops, ""),
            JournalPanel(w.store, config, runners, "", "mexbot test"), w)



async def test_the_journal_panel_shows_the_holdings_the_running_panel_shows() -> None:
    live, journal, _ = await _ran({"USDT": 100, "BTC": "0.001", "USDC": 5})

    running, read = await live.portfolio(), await journal.portfolio()

    assert read.holdings == running.holdings
    assert read.total_usdt == running.total_usdt
    assert read.vs_holding == running.vs_holding


async def test_the_journal_panel_values_positions_at_the_last_snapshots_prices() -> None:
    live, journal, _ = await _ran({"USDT": 100, "BTC": "0.001"})

    running, read = (await live.pnl()).assets, (await journal.pnl()).assets

    assert [(a.symbol, a.realised, a.unrealised) for a in read] == [
        (a.symbol, a.realised, a.unrealised) for a in running]
    assert read[0].unrealised != 0  # bought at 29000, the market is elsewhere


async def test_the_journal_panel_lists_every_runner_with_its_pause_flag() -> None:
    live, journal, _ = await _ran({"USDT": 100})
    await live.pause("scanner")

    statuses = {s.name: s for s in await journal.statuses()}

    assert statuses["scanner"].paused
    assert statuses["snapshots"].ticks == 1
    assert not statuses["balance_monitor"].paused


@pytest.mark.parametrize("command", ["pause", "resume", "rebalance"])
async def test_a_journal_panel_refuses_commands(command: str) -> None:
    _, journal, _ = await _ran({"USDT": 100})

    with pytest.raises(ReadOnlyPanelError):
        await getattr(journal, command)()


async def test_status_shows_quantities_weights_and_the_bot_against_holding() -> None:
    _, journal, w = await _ran({"USDT": 100, "BTC": "0.001"})

    text = render_status(await read_status(journal, "paper", "/s", w.clock.now_ms()))

    assert "  BTC: 0.001 = " in text
    assert "target 60.0 %" in text
    assert "holding the start +0.0 %" in text
    assert "unrealised" in text
    assert "no price" not in text

"""The bot is compared with holding what it held when it started, not when first looked at."""

from decimal import Decimal

from tests.unit.services.support import World, flat_closes, world

from mexcore.policies import BotConfig
from runners.bot import build_loops
from runners.loop import RunnerLoop
from runners.panel import ServicePanel

SYMBOLS = ["BTCUSDC", "ETHUSDC", "USDCUSDT", "ADAUSDT"]


def _bot(balances: dict[str, str | int]) -> tuple[ServicePanel, list[RunnerLoop], World]:
    w = world(flat_closes(SYMBOLS), balances)
    config = BotConfig()
    loops = build_loops(config, w.deps)
    return ServicePanel(w.deps, config, loops, ""), loops, w


async def _tick_snapshots(loops: list[RunnerLoop]) -> None:
    (snapshots,) = [loop for loop in loops if loop.name == "snapshots"]
    await snapshots.tick_once()


async def test_a_panel_opened_after_a_change_still_compares_with_the_run_start() -> None:
    _, loops, w = _bot({"USDT": 100})
    await _tick_snapshots(loops)
    w.exchange.deposit("USDT", 25)
    panel = ServicePanel(w.deps, BotConfig(), loops, "")

    view = await panel.portfolio()

    assert view.vs_holding is not None
    assert view.vs_holding.start_value == Decimal(100)
    assert view.vs_holding.since_ms == w.store.snapshots()[0].time_ms


async def test_buying_the_targets_at_the_start_pays_the_taker_fee() -> None:
    panel, loops, w = _bot({"USDT": 100})
    await _tick_snapshots(loops)
    fee = w.exchange.rules["BTCUSDC"].taker_fee
    assert fee > 0

    view = await panel.portfolio()

    assert view.vs_holding is not None
    assert view.vs_holding.targets_now == Decimal(100) * (1 - fee)  # flat prices: only the fee

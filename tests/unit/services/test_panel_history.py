"""The panel's value history stays bounded: older snapshots thinned, the last two days whole."""

from decimal import Decimal

from tests.unit.services.support import flat_closes, world

from mexcore.policies import BotConfig
from mexcore.values import PortfolioSnapshot
from runners.bot import build_loops
from runners.panel import ServicePanel

QUARTER_MS = 15 * 60_000  # the bot snapshots every 15 minutes
DAY_MS = 86_400_000
BOUND = 1 + 2 * 360 + 2 * 96 + 1  # the first, a low and a high per stretch, two days whole


def _panel_with(values: list[Decimal]) -> ServicePanel:
    w = world(flat_closes(["BTCUSDC", "USDCUSDT"]), {"USDT": 100})
    for n, value in enumerate(values):
        w.deps.store.add_snapshot(PortfolioSnapshot(n * QUARTER_MS, value, {"USDT": value}))
    config = BotConfig()
    return ServicePanel(w.deps, config, build_loops(config, w.deps), "")


def _year() -> list[Decimal]:
    values = [Decimal(600 + n % 97) for n in range(365 * 96)]
    values[1000], values[20_000] = Decimal(5000), Decimal(1)  # a spike and a crash, long ago
    return values


async def test_a_year_of_snapshots_is_handed_out_as_at_most_the_bound() -> None:
    history = await _panel_with(_year()).portfolio_snapshots()

    assert len(history) <= BOUND


async def test_the_thinned_history_keeps_the_first_the_extremes_and_the_last_two_days() -> None:
    values = _year()

    history = await _panel_with(values).portfolio_snapshots()

    assert history[0].time_ms == 0
    totals = [s.total_value for s in history]
    assert (max(totals), min(totals)) == (Decimal(5000), Decimal(1))
    last = (len(values) - 1) * QUARTER_MS
    recent = [s.time_ms for s in history if s.time_ms >= last - 2 * DAY_MS]
    assert recent == list(range(last - 2 * DAY_MS, last + 1, QUARTER_MS))
    assert [s.time_ms for s in history] == sorted({s.time_ms for s in history})


async def test_a_short_history_is_handed_out_whole() -> None:
    values = [Decimal(600 + n) for n in range(900)]

    history = await _panel_with(values).portfolio_snapshots()

    assert [s.total_value for s in history] == values

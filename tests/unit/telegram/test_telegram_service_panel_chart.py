"""The ServicePanel's BTC candles, what /chart shows before the portfolio has a history."""

from tests.unit.services.support import NOW, flat_closes, world

from mexcore.policies import BotConfig
from runners.bot import build_loops
from runners.panel import ServicePanel

HOUR_MS = 3_600_000


def _panel(symbols: list[str]) -> ServicePanel:
    w = world(flat_closes(symbols), {"USDT": 100})
    config = BotConfig()
    return ServicePanel(w.deps, config, build_loops(config, w.deps), "mode = \"sim\"")


async def test_btc_history_is_hourly_candles_of_btcusdc_when_btcusdt_is_not_listed() -> None:
    history = await _panel(["BTCUSDC", "ETHUSDC"]).btc_price_history()

    assert history.symbol == "BTCUSDC"
    assert 0 < len(history.candles) <= 24
    assert history.candles[-1].open_time_ms <= NOW
    assert {b.open_time_ms - a.open_time_ms
            for a, b in zip(history.candles, history.candles[1:], strict=False)} <= {HOUR_MS}


async def test_btc_history_is_empty_without_a_btc_market() -> None:
    history = await _panel(["ETHUSDC", "ADAUSDT"]).btc_price_history()

    assert history.candles == ()

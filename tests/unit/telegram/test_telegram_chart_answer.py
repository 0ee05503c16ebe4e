"""/chart's picture and caption for every length of history, and when the exchange fails."""

from __future__ import annotations

import pytest

from adapters.fake.clock import FakeClock
from adapters.telegram.chart import render_price_chart
from adapters.telegram.chart_answer import ChartAnswer
from adapters.telegram.demo import demo_panel
from adapters.telegram.panel import PortfolioView, PriceHistory, StaticControlPanel

PNG = b"\x89PNG\r\n\x1a\n"
NOW = 1_714_000_000_000


class _NoBalances(StaticControlPanel):
    async def portfolio(self) -> PortfolioView:
        raise ConnectionError("MEXC unreachable")


class _NoExchange(_NoBalances):
    async def btc_price_history(self) -> PriceHistory:
        raise ConnectionError("MEXC unreachable")


def _answer(panel: StaticControlPanel) -> ChartAnswer:
    return ChartAnswer(panel, FakeClock(NOW), timeout_s=1)


async def test_one_snapshot_without_the_value_now_still_charts_the_snapshot() -> None:
    panel = _NoExchange(snapshots=demo_panel(NOW).snapshots[:1])

    png, caption = await _answer(panel).picture()

    assert png.startswith(PNG)
    assert caption.startswith("Portfolio value since start (1 snapshot)")


async def test_no_snapshot_and_no_exchange_is_an_error_not_an_empty_picture() -> None:
    with pytest.raises(LookupError, match="no portfolio history"):
        await _answer(_NoExchange()).picture()


async def test_btc_price_caption_leaves_out_the_value_now_when_it_is_unknown() -> None:
    panel = _NoBalances()
    panel.btc_history = demo_panel(NOW).btc_history

    png, caption = await _answer(panel).picture()

    assert png.startswith(PNG)
    assert caption == "No portfolio history yet: BTCUSDT price, last 24 candles"


def test_price_chart_is_a_png_whatever_the_candle_order_and_needs_a_candle() -> None:
    candles = demo_panel(NOW).btc_history.candles

    assert render_price_chart("BTCUSDT", candles) == render_price_chart(
        "BTCUSDT", tuple(reversed(candles))
    )
    with pytest.raises(ValueError, match="no candles of BTCUSDT"):
        render_price_chart("BTCUSDT", ())

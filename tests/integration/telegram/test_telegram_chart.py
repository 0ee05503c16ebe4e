"""/chart always answers with a picture: the portfolio, its value since start, or BTC's price."""

from __future__ import annotations

from tests.integration.telegram.support import CHAT

from adapters.telegram.bot import App
from adapters.telegram.fake_server import FakeTelegramServer, RecordedCall
from adapters.telegram.panel import PriceHistory, StaticControlPanel

PNG = b"\x89PNG\r\n\x1a\n"


async def _chart(server: FakeTelegramServer) -> RecordedCall:
    server.send_text(CHAT, "/chart")
    (photo,) = await server.wait_for("sendPhoto")
    return photo


async def test_chart_with_history_shows_the_portfolio_and_says_how_much(
    server: FakeTelegramServer, bot: App
) -> None:
    photo = await _chart(server)

    assert photo.files["photo"].startswith(PNG)
    assert photo.text == "Portfolio value, 48 snapshots"


async def test_chart_without_snapshots_sends_the_btc_price_and_says_so(
    server: FakeTelegramServer, bot: App, panel: StaticControlPanel
) -> None:
    panel.snapshots.clear()

    photo = await _chart(server)

    assert photo.files["photo"].startswith(PNG)
    assert photo.text.startswith("No portfolio history yet: BTCUSDT price, last 24 candles")
    assert "portfolio now ≈ 600.00 USDT" in photo.text
    assert server.calls_to("sendMessage") == []


async def test_chart_with_one_snapshot_sends_the_value_since_start_and_says_so(
    server: FakeTelegramServer, bot: App, panel: StaticControlPanel
) -> None:
    del panel.snapshots[1:]

    photo = await _chart(server)

    assert photo.files["photo"].startswith(PNG)
    assert photo.text.startswith("Portfolio value since start (1 snapshot and now)")


async def test_chart_without_snapshots_or_candles_still_sends_the_value_now(
    server: FakeTelegramServer, bot: App, panel: StaticControlPanel
) -> None:
    panel.snapshots.clear()
    panel.btc_history = PriceHistory("BTCUSDT", ())

    photo = await _chart(server)

    assert photo.files["photo"].startswith(PNG)
    assert photo.text == "No portfolio history yet: the value now, 600.00 USDT"


async def test_a_fallback_chart_survives_429_and_arrives_once(
    server: FakeTelegramServer, bot: App, panel: StaticControlPanel
) -> None:
    panel.snapshots.clear()
    server.fail_next(429, retry_after=2, method="sendPhoto", count=2)

    photo = await _chart(server)

    assert photo.text.startswith("No portfolio history yet: BTCUSDT price")
    assert server.errors_served == 2

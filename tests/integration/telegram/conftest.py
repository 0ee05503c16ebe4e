"""A fake Bot API server on loopback, a demo panel, and the bot or notifier pointed at it."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from telegram import Bot
from tests.integration.telegram.support import CHAT, GROUP, OTHER_CHAT, START_MS

from adapters.fake.clock import FakeClock
from adapters.telegram.bot import App, build_application, start_bot, stop_bot
from adapters.telegram.demo import demo_panel
from adapters.telegram.fake_server import FakeTelegramServer
from adapters.telegram.notifier import TelegramNotifier
from adapters.telegram.outbox import OutboxLimits
from adapters.telegram.panel import StaticControlPanel


@pytest.fixture(autouse=True)
def _timedelta_periods(monkeypatch: pytest.MonkeyPatch) -> None:
    """Opt in to python-telegram-bot's coming timedelta periods (else it warns on RetryAfter)."""
    monkeypatch.setenv("PTB_TIMEDELTA", "1")


@pytest.fixture
async def server() -> AsyncIterator[FakeTelegramServer]:
    """Serve the fake Bot API on an ephemeral 127.0.0.1 port."""
    fake = FakeTelegramServer()
    await fake.start()
    yield fake
    await fake.stop()


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(START_MS)


@pytest.fixture
def panel(clock: FakeClock) -> StaticControlPanel:
    return demo_panel(clock.now_ms())


@pytest.fixture
async def bot(
    server: FakeTelegramServer, panel: StaticControlPanel, clock: FakeClock
) -> AsyncIterator[App]:
    """Run the command bot (allowed: CHAT and GROUP) polling the fake server."""
    app = build_application(server.token, server.base_url, [CHAT, GROUP], panel, clock)
    await start_bot(app, poll_timeout_s=1)
    yield app
    await stop_bot(app)


@pytest.fixture
async def notifier(server: FakeTelegramServer, clock: FakeClock) -> AsyncIterator[TelegramNotifier]:
    """A started notifier for CHAT and OTHER_CHAT with the default limits and a fake clock."""
    sender = TelegramNotifier(
        Bot(server.token, base_url=server.base_url), [CHAT, OTHER_CHAT], clock, OutboxLimits(),
        owns_bot=True,
    )  # fmt: skip
    await sender.start()
    yield sender
    await sender.stop(timeout_s=0.5)

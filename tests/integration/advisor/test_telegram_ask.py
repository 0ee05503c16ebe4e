"""`/ask` through the fake Bot API: the fake advisor answers from the panel, allowed chats only."""

from __future__ import annotations

from collections.abc import AsyncIterator
from decimal import Decimal

import pytest
from tests.integration.telegram.support import CHAT, OTHER_CHAT, START_MS, ask

from adapters.fake.advisor import FakeAdvisor
from adapters.fake.clock import FakeClock
from adapters.telegram.bot import App, BotSettings, build_application, start_bot, stop_bot
from adapters.telegram.demo import demo_panel
from adapters.telegram.fake_server import FakeTelegramServer
from adapters.telegram.markup import plain_text
from mexcore.advising import SafeAdvisor
from mexcore.advisor import AdvisorPolicy

POLICY = AdvisorPolicy(enabled=True, timeout_s=Decimal("0.5"))


@pytest.fixture(autouse=True)
def _timedelta_periods(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PTB_TIMEDELTA", "1")


@pytest.fixture
async def server() -> AsyncIterator[FakeTelegramServer]:
    fake = FakeTelegramServer()
    await fake.start()
    yield fake
    await fake.stop()


@pytest.fixture
def advisor() -> FakeAdvisor:
    return FakeAdvisor()


@pytest.fixture
async def bot(server: FakeTelegramServer, advisor: FakeAdvisor) -> AsyncIterator[App]:
    clock = FakeClock(START_MS)
    settings = BotSettings(advisor=SafeAdvisor(advisor, POLICY))
    app = build_application(server.token, server.base_url, [CHAT], demo_panel(clock.now_ms()),
                            clock, settings)
    await start_bot(app, poll_timeout_s=1)
    yield app
    await stop_bot(app)


async def test_ask_answers_from_the_panel_as_escaped_text(
    server: FakeTelegramServer, bot: App, advisor: FakeAdvisor
) -> None:
    reply = await ask(server, "/ask how is <b>BTC</b> & co doing?")

    text = plain_text(reply.text)
    assert 'You asked "how is <b>BTC</b> & co doing?"' in text
    assert "The portfolio is worth" in text
    assert "&lt;b&gt;" in reply.text  # the answer is shown as text, not as markup
    assert '"question": "how is <b>BTC</b> & co doing?"' in advisor.prompts[0][1]["content"]


async def test_a_second_question_at_once_is_rate_limited(
    server: FakeTelegramServer, bot: App, advisor: FakeAdvisor
) -> None:
    await ask(server, "/ask first?")
    second = await ask(server, "/ask second?")

    assert "One question every 30 s" in plain_text(second.text)
    assert len(advisor.prompts) == 1


async def test_a_stranger_cannot_ask(
    server: FakeTelegramServer, bot: App, advisor: FakeAdvisor
) -> None:
    server.send_text(OTHER_CHAT, "/ask what do I hold?")
    await ask(server, "/version")

    assert [c.chat_id for c in server.calls_to("sendMessage")] == [CHAT]
    assert advisor.prompts == []


async def test_without_an_advisor_ask_says_it_is_off(server: FakeTelegramServer) -> None:
    clock = FakeClock(START_MS)
    app = build_application(server.token, server.base_url, [CHAT], demo_panel(clock.now_ms()),
                            clock)
    await start_bot(app, poll_timeout_s=1)
    try:
        reply = await ask(server, "/ask anything?")
    finally:
        await stop_bot(app)

    assert "The AI advisor is off" in plain_text(reply.text)

"""Every command through the fake Bot API: real updates in, real Bot API calls out."""

from __future__ import annotations

import asyncio

import pytest
from tests.integration.telegram.support import CHAT, GROUP, OTHER_CHAT, ask, settings_for

from adapters.fake.clock import FakeClock
from adapters.telegram.bot import App, BotSettings, build_application, start_bot, stop_bot
from adapters.telegram.commands import COMMANDS
from adapters.telegram.fake_server import FakeTelegramServer
from adapters.telegram.markup import plain_text, split_html
from adapters.telegram.panel import OrdersView, PnlView, StaticControlPanel
from adapters.telegram.views import format_config


@pytest.mark.parametrize(
    ("command", "expected"),
    [
        ("/start", "mexbot commands"),
        ("/help", "/rebalance — restore the target allocation"),
        ("/status", "alts_monitor ▶️ running"),
        ("/portfolio", "Total ≈ 600.00 USDT"),
        ("/pnl", "BTC 0.0031 @ 61250.5 · realised +1.25 · unrealised +0.84"),
        ("/autobuy", "BTC_USDC score 3 — close under the lower band; volume ×2.4 & rising"),
        ("/orders", "BUY LIMIT_MAKER BTCUSDC 0.0002 @ 61400"),
        ("/config", "[telegram]"),
        ("/version", "mexbot 0.1.0 (demo)"),
        ("/pause nope", "Unknown runner “nope”"),
        ("/resume a b", "Usage: /resume [RUNNER]"),
        ("/sell", "Usage: /sell ASSET"),
        ("/sell XYZ", "Nothing to sell in “XYZ”"),
        ("/frobnicate", "Send /help"),
        ("hello", "Send /help"),
    ],
)
async def test_command_answers_with_its_content(
    server: FakeTelegramServer, bot: App, command: str, expected: str
) -> None:
    reply = await ask(server, command)

    assert reply.chat_id == CHAT
    assert expected in plain_text(reply.text)


async def test_help_lists_every_command_one_line_each(server: FakeTelegramServer, bot: App) -> None:
    reply = await ask(server, "/help")

    lines = plain_text(reply.text).splitlines()
    assert [line.split(" ")[0] for line in lines[1:]] == [f"/{name}" for name, _ in COMMANDS]


async def test_start_publishes_the_command_menu(server: FakeTelegramServer, bot: App) -> None:
    (call,) = server.calls_to("setMyCommands")

    assert [c["command"] for c in call.json("commands")] == [name for name, _ in COMMANDS]


async def test_pause_all_then_resume_one_changes_the_panel(
    server: FakeTelegramServer, bot: App, panel: StaticControlPanel
) -> None:
    paused = await ask(server, "/pause")
    resumed = await ask(server, "/resume scanner")

    assert "Paused: scanner, balance_monitor" in plain_text(paused.text)
    assert "Resumed: scanner." in plain_text(resumed.text)
    assert [s.name for s in await panel.statuses() if s.paused] == [
        "balance_monitor", "pnl_monitor", "alts_monitor", "balancer_5050",
    ]  # fmt: skip


async def test_chart_answers_with_a_png(server: FakeTelegramServer, bot: App) -> None:
    server.send_text(CHAT, "/chart")

    (photo,) = await server.wait_for("sendPhoto")
    assert photo.files["photo"].startswith(b"\x89PNG\r\n\x1a\n")
    assert photo.chat_id == CHAT


async def test_a_stranger_gets_no_answer(server: FakeTelegramServer, bot: App) -> None:
    server.send_text(OTHER_CHAT, "/status")
    await ask(server, "/version")

    assert [c.chat_id for c in server.calls_to("sendMessage")] == [CHAT]


async def test_only_allowed_users_of_an_allowed_group_get_answers(
    server: FakeTelegramServer, panel: StaticControlPanel, clock: FakeClock
) -> None:
    app = build_application(
        server.token, server.base_url, [GROUP], panel, clock, settings_for({CHAT})
    )
    await start_bot(app, poll_timeout_s=1)
    try:
        server.send_text(GROUP, "/pause", user_id=OTHER_CHAT)
        reply = await ask(server, "/version", chat_id=GROUP)
    finally:
        await stop_bot(app)

    assert reply.chat_id == GROUP
    assert len(server.calls_to("sendMessage")) == 1
    assert not any(s.paused for s in await panel.statuses())


async def test_a_long_answer_is_split_into_valid_messages(
    server: FakeTelegramServer, bot: App, panel: StaticControlPanel
) -> None:
    panel.config = "\n".join(f"key_{i} = \"<value> & more_{i}\"" for i in range(600))

    expected = split_html(format_config(panel.config))

    server.send_text(CHAT, "/config")

    calls = await server.wait_for("sendMessage", len(expected))
    assert len(expected) > 1
    assert all(len(c.text) <= 4096 for c in calls)
    assert "key_599" in plain_text(calls[-1].text)


class _BrokenPanel(StaticControlPanel):
    async def pnl(self) -> PnlView:
        raise RuntimeError("database is locked")

    async def orders(self) -> OrdersView:
        await asyncio.Event().wait()
        raise AssertionError("unreachable")


async def test_a_failing_or_slow_panel_gets_a_short_answer(
    server: FakeTelegramServer, clock: FakeClock
) -> None:
    settings = BotSettings(panel_timeout_s=0.05)
    app = build_application(server.token, server.base_url, [CHAT], _BrokenPanel(), clock, settings)
    await start_bot(app, poll_timeout_s=1)
    try:
        failed = await ask(server, "/pnl")
        slow = await ask(server, "/orders")
    finally:
        await stop_bot(app)

    assert failed.text == "Something went wrong; see the logs."
    assert slow.text == "The bot did not answer in time; try again."

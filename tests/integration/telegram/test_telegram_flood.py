"""Flood control on the command path: replies, edits and button answers survive 429 answers."""

from __future__ import annotations

import asyncio

from tests.integration.telegram.support import CHAT, GROUP, ask

from adapters.fake.clock import FakeClock
from adapters.telegram.bot import App
from adapters.telegram.fake_server import FakeTelegramServer
from adapters.telegram.markup import plain_text
from adapters.telegram.panel import StaticControlPanel

COMMANDS = {
    "/version": "mexbot 0.1.0 (demo)",
    "/status": "Runners",
    "/portfolio": "Portfolio",
    "/pnl": "PnL (average cost)",
    "/orders": "Open orders",
    "/resume": "▶️ Resumed",
}


async def _settle(server: FakeTelegramServer) -> None:
    """Give a late (duplicate) call time to arrive before counting."""
    await asyncio.sleep(0.2)


def _answered(server: FakeTelegramServer, chat_id: int) -> list[str]:
    """Return which COMMANDS answer each sendMessage to `chat_id` starts with, in order."""
    calls = [c for c in server.calls_to("sendMessage") if c.chat_id == chat_id]
    starts = [plain_text(c.text) for c in calls]
    return [next((a for a in COMMANDS.values() if s.startswith(a)), s[:40]) for s in starts]


async def test_every_reply_arrives_once_and_in_order_after_429s_on_the_first_calls(
    server: FakeTelegramServer, bot: App
) -> None:
    server.fail_next(429, retry_after=2, count=3)

    for command in COMMANDS:
        server.send_text(CHAT, command)
    await server.wait_for("sendMessage", len(COMMANDS))
    await _settle(server)

    assert server.errors_served == 3
    assert _answered(server, CHAT) == list(COMMANDS.values())


async def test_replies_to_two_chats_keep_each_chats_order_through_flood_control(
    server: FakeTelegramServer, bot: App
) -> None:
    server.fail_next(429, retry_after=1, count=4)

    for command in COMMANDS:
        server.send_text(CHAT, command)
        server.send_text(GROUP, command, user_id=CHAT)
    await server.wait_for("sendMessage", 2 * len(COMMANDS))
    await _settle(server)

    assert _answered(server, CHAT) == list(COMMANDS.values())
    assert _answered(server, GROUP) == list(COMMANDS.values())


async def test_a_reply_is_resent_only_after_retry_after(
    server: FakeTelegramServer, bot: App, clock: FakeClock
) -> None:
    server.fail_next(429, retry_after=5, method="sendMessage")
    start_ms = clock.now_ms()

    reply = await ask(server, "/version")

    assert "mexbot 0.1.0 (demo)" in reply.text
    assert clock.now_ms() - start_ms >= 5000


async def test_a_long_reply_split_in_parts_survives_429_on_its_later_parts(
    server: FakeTelegramServer, bot: App, panel: StaticControlPanel
) -> None:
    panel.config = "\n".join(f"key_{i} = {i}" for i in range(900))
    server.send_text(CHAT, "/config")
    first = (await server.wait_for("sendMessage"))[0]
    server.fail_next(429, retry_after=1, method="sendMessage", count=2)

    await server.wait_until(lambda: "key_899" in server.calls[-1].text)
    await _settle(server)

    text = "\n".join(plain_text(c.text) for c in server.calls_to("sendMessage"))
    assert "key_0 = 0" in plain_text(first.text)
    assert [line for line in text.splitlines() if line.startswith("key_")] == [
        f"key_{i} = {i}" for i in range(900)
    ]


async def test_confirm_survives_429_on_the_button_answer_and_both_edits(
    server: FakeTelegramServer, bot: App, panel: StaticControlPanel
) -> None:
    prompt = await ask(server, "/sell BTC")
    server.fail_next(429, retry_after=1, method="answerCallbackQuery", count=2)
    server.fail_next(429, retry_after=1, method="editMessageText", count=3)

    server.press(prompt, "✅ Confirm")
    edits = await server.wait_for("editMessageText", 2)
    await _settle(server)

    assert panel.sold == ["BTC"]
    assert len(server.calls_to("answerCallbackQuery")) == 1
    assert [plain_text(e.text) for e in server.calls_to("editMessageText")] == [
        "Working on it: sell BTC…", plain_text(edits[-1].text),
    ]  # fmt: skip
    assert "Sold 0.0031 BTC" in plain_text(edits[-1].text)


async def test_cancel_survives_429_on_its_edit(
    server: FakeTelegramServer, bot: App, panel: StaticControlPanel
) -> None:
    prompt = await ask(server, "/sell BTC")
    server.fail_next(429, retry_after=1, method="editMessageText")

    server.press(prompt, "✖ Cancel")
    (edit,) = await server.wait_for("editMessageText")
    await _settle(server)

    assert "Cancelled: sell BTC" in edit.text
    assert len(server.calls_to("editMessageText")) == 1
    assert panel.sold == []


async def test_the_confirmation_prompt_survives_429_with_its_buttons(
    server: FakeTelegramServer, bot: App
) -> None:
    server.fail_next(429, retry_after=1, method="sendMessage")

    prompt = await ask(server, "/rebalance")

    buttons = prompt.json("reply_markup")["inline_keyboard"][0]
    assert [b["text"] for b in buttons] == ["✅ Confirm", "✖ Cancel"]
    assert server.errors_served == 1

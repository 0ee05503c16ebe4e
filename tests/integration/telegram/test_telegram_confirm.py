"""/sell and /rebalance: inline-keyboard confirmation that works once and expires."""

from __future__ import annotations

from tests.integration.telegram.support import CHAT, OTHER_CHAT, ask

from adapters.fake.clock import FakeClock
from adapters.telegram.bot import App
from adapters.telegram.fake_server import FakeTelegramServer
from adapters.telegram.markup import plain_text
from adapters.telegram.panel import StaticControlPanel


async def test_sell_asks_first_and_sells_after_confirm(
    server: FakeTelegramServer, bot: App, panel: StaticControlPanel
) -> None:
    prompt = await ask(server, "/sell btc")
    assert panel.sold == []

    server.press(prompt, "✅ Confirm")

    edits = await server.wait_for("editMessageText", 2)
    assert panel.sold == ["BTC"]
    assert "Sold 0.0031 BTC" in plain_text(edits[-1].text)
    assert edits[-1].json("message_id") == prompt.result["message_id"]


async def test_prompt_shows_the_amount_and_the_expiry(server: FakeTelegramServer, bot: App) -> None:
    prompt = await ask(server, "/sell ETH")

    assert "Sell all free ETH (0.052 ≈ 158.60 USDT) now?" in plain_text(prompt.text)
    assert "Expires in 60 s." in plain_text(prompt.text)


async def test_cancel_does_nothing(
    server: FakeTelegramServer, bot: App, panel: StaticControlPanel
) -> None:
    prompt = await ask(server, "/sell BTC")

    server.press(prompt, "✖ Cancel")

    (edit,) = await server.wait_for("editMessageText")
    assert "Cancelled: sell BTC" in edit.text
    assert panel.sold == []


async def test_a_press_after_expiry_does_nothing(
    server: FakeTelegramServer, bot: App, panel: StaticControlPanel, clock: FakeClock
) -> None:
    prompt = await ask(server, "/sell BTC")
    clock.advance(61)

    server.press(prompt, "✅ Confirm")

    (answer,) = await server.wait_for("answerCallbackQuery")
    assert "expired" in answer.params["text"]
    assert panel.sold == []
    assert server.calls_to("editMessageText") == []


async def test_pressing_confirm_twice_sells_once(
    server: FakeTelegramServer, bot: App, panel: StaticControlPanel
) -> None:
    prompt = await ask(server, "/sell BTC")

    server.press(prompt, "✅ Confirm")
    server.press(prompt, "✅ Confirm")

    answers = await server.wait_for("answerCallbackQuery", 2)
    await server.wait_for("editMessageText", 2)
    assert panel.sold == ["BTC"]
    assert sum("already used" in a.params.get("text", "") for a in answers) == 1


async def test_rebalance_runs_after_confirm(
    server: FakeTelegramServer, bot: App, panel: StaticControlPanel
) -> None:
    prompt = await ask(server, "/rebalance")
    assert "BTC 31.7% → 60.0%" in plain_text(prompt.text)

    server.press(prompt, "✅ Confirm")

    edits = await server.wait_for("editMessageText", 2)
    assert panel.rebalances == 1
    assert "Rebalance done" in edits[-1].text


async def test_a_stranger_pressing_the_button_does_nothing(
    server: FakeTelegramServer, bot: App, panel: StaticControlPanel
) -> None:
    prompt = await ask(server, "/sell BTC")

    server.press(prompt, "✅ Confirm", user_id=OTHER_CHAT)
    await ask(server, "/version")

    assert panel.sold == []
    assert server.calls_to("answerCallbackQuery") == []
    assert {c.chat_id for c in server.calls_to("sendMessage")} == {CHAT}

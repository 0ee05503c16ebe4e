"""An `explain.<topic>` message is a reply to the message of `<topic>` it explains."""

from __future__ import annotations

import pytest
from telegram import Bot, ReplyParameters
from telegram.error import BadRequest
from tests.integration.telegram.support import CHAT, OTHER_CHAT

from adapters.fake.clock import FakeClock
from adapters.telegram.fake_server import FakeTelegramServer, RecordedCall
from adapters.telegram.markup import plain_text
from adapters.telegram.notifier import TelegramNotifier
from adapters.telegram.outbox import OutboxLimits
from mexcore.ports import Level


def sent_to(server: FakeTelegramServer, chat_id: int) -> list[RecordedCall]:
    return [c for c in server.calls_to("sendMessage") if c.chat_id == chat_id]


def message_id(call: RecordedCall) -> int:
    return int(call.result["message_id"])


async def test_a_buy_report_s_explanation_replies_to_the_report_in_each_chat(
    server: FakeTelegramServer, notifier: TelegramNotifier
) -> None:
    await notifier.send("buy.SOLUSDT", "Bought 0.2 SOL for 30 USDT", Level.ALERT)
    await notifier.send("explain.buy.SOLUSDT", "RSI was oversold.")

    assert await notifier.flush(timeout_s=10)
    for chat in (CHAT, OTHER_CHAT):
        report, explanation = sent_to(server, chat)
        assert explanation.reply_to == message_id(report)
        assert report.reply_to is None
        assert explanation.result["reply_to_message"]["message_id"] == message_id(report)


async def test_an_explanation_whose_report_was_throttled_is_a_plain_message(
    server: FakeTelegramServer, notifier: TelegramNotifier
) -> None:
    await notifier.send("pnl.summary", "day one")
    assert await notifier.flush(timeout_s=10)

    await notifier.send("pnl.summary", "day one again")  # throttled: within 600 s
    await notifier.send("explain.pnl.summary", "A quiet day.")

    assert await notifier.flush(timeout_s=10)
    _, explanation = sent_to(server, CHAT)
    assert plain_text(explanation.text).endswith("A quiet day.")
    assert explanation.reply_to is None


async def test_an_explanation_whose_report_telegram_refused_is_a_plain_message(
    server: FakeTelegramServer, notifier: TelegramNotifier
) -> None:
    server.fail_next(400, method="sendMessage", count=2)

    await notifier.send("sale.BTCUSDC", "Sold 0.001 BTC", Level.ALERT)
    await notifier.send("explain.sale.BTCUSDC", "Take profit reached.")

    assert await notifier.flush(timeout_s=10)
    assert [c.reply_to for c in server.calls_to("sendMessage")] == [None, None]


async def test_an_explanation_of_a_report_split_in_parts_replies_to_the_first_part(
    server: FakeTelegramServer, notifier: TelegramNotifier
) -> None:
    lines = [f"{i:04d} ETH_USDT bought at 3000.12" for i in range(300)]
    await notifier.send("buy.ETHUSDT", "\n".join(lines), Level.ALERT)
    await notifier.send("explain.buy.ETHUSDT", "MACD turned up.")

    assert await notifier.flush(timeout_s=10)
    *parts, explanation = sent_to(server, CHAT)
    assert len(parts) > 1
    assert explanation.reply_to == message_id(parts[0])


async def test_the_notifier_remembers_only_the_latest_topics(
    server: FakeTelegramServer, clock: FakeClock
) -> None:
    bot = Bot(server.token, base_url=server.base_url)
    limits = OutboxLimits(per_chat_interval_s=0, max_reply_topics=2)
    notifier = TelegramNotifier(bot, [CHAT], clock, limits, owns_bot=True)
    await notifier.start()
    for symbol in ("A", "B", "C"):
        await notifier.send(f"buy.{symbol}USDT", f"Bought {symbol}", Level.ALERT)
    assert await notifier.flush(timeout_s=10)

    await notifier.send("explain.buy.AUSDT", "Why A.")
    await notifier.send("explain.buy.CUSDT", "Why C.")
    await notifier.stop(timeout_s=10)

    reports, explanations = sent_to(server, CHAT)[:3], sent_to(server, CHAT)[3:]
    assert [e.reply_to for e in explanations] == [None, message_id(reports[2])]


async def test_the_fake_refuses_a_reply_to_a_message_that_is_not_in_the_chat(
    server: FakeTelegramServer,
) -> None:
    bot = Bot(server.token, base_url=server.base_url)
    async with bot:
        sent = await bot.send_message(CHAT, "report")
        with pytest.raises(BadRequest, match="replied not found"):
            await bot.send_message(
                OTHER_CHAT, "why", reply_parameters=ReplyParameters(sent.message_id)
            )
        lenient = ReplyParameters(999_999, allow_sending_without_reply=True)
        plain = await bot.send_message(CHAT, "why", reply_parameters=lenient)
        reply = await bot.send_message(CHAT, "why", reply_to_message_id=sent.message_id)

    assert plain.reply_to_message is None
    assert reply.reply_to_message is not None
    assert reply.reply_to_message.message_id == sent.message_id
    assert [c.reply_to for c in server.calls_to("sendMessage")] == [None, None, sent.message_id]

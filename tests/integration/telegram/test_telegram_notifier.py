"""TelegramNotifier against the fake Bot API: delivery, splitting, 429, outage, throttling."""

from __future__ import annotations

from telegram import Bot
from tests.integration.telegram.support import CHAT, OTHER_CHAT

from adapters.fake.clock import FakeClock
from adapters.telegram.fake_server import FakeTelegramServer
from adapters.telegram.markup import plain_text
from adapters.telegram.notifier import TelegramNotifier
from adapters.telegram.outbox import OutboxLimits
from mexcore.ports import Level


async def test_a_message_reaches_every_chat_with_symbols_intact(
    server: FakeTelegramServer, notifier: TelegramNotifier
) -> None:
    await notifier.send("scanner", "Bought BTC_USDC <x> & co at +1.5%", Level.ALERT)

    calls = await server.wait_for("sendMessage", 2)
    assert {c.chat_id for c in calls} == {CHAT, OTHER_CHAT}
    assert all("Bought BTC_USDC <x> & co at +1.5%" in plain_text(c.text) for c in calls)


async def test_a_long_message_is_split_on_lines_into_valid_chunks(
    server: FakeTelegramServer, notifier: TelegramNotifier
) -> None:
    lines = [f"{i:04d} ETH_USDT < 3 & > 1 <b>" for i in range(500)]

    await notifier.send("report", "\n".join(lines), Level.ALERT)

    assert await notifier.flush(timeout_s=10)
    texts = [plain_text(c.text) for c in server.calls_to("sendMessage") if c.chat_id == CHAT]
    assert len(texts) > 1
    received = "\n".join(texts).splitlines()[1:]
    assert received == lines


async def test_flood_control_waits_retry_after_then_delivers(
    server: FakeTelegramServer, notifier: TelegramNotifier, clock: FakeClock
) -> None:
    server.fail_next(429, retry_after=7, method="sendMessage")
    start_ms = clock.now_ms()

    await notifier.send("pnl", "sold ETH", Level.ALERT)

    assert await notifier.flush(timeout_s=10)
    assert server.errors_served == 1
    assert len(server.calls_to("sendMessage")) == 2
    assert clock.now_ms() - start_ms >= 7000


async def test_during_an_outage_send_only_queues_and_recovery_delivers_in_order(
    server: FakeTelegramServer, notifier: TelegramNotifier
) -> None:
    server.outage = True
    await notifier.send("runner", "first", Level.ERROR)
    await server.wait_until(lambda: server.errors_served >= 3)

    for i in range(20):
        await notifier.send("orders", f"fill {i}", Level.ALERT)

    assert server.calls_to("sendMessage") == []
    assert len(notifier.outbox) >= 41
    server.outage = False
    assert await notifier.flush(timeout_s=10)
    texts = [plain_text(c.text) for c in server.calls_to("sendMessage") if c.chat_id == CHAT]
    assert [t.splitlines()[1] for t in texts] == ["first"] + [f"fill {i}" for i in range(20)]


async def test_info_reports_are_throttled_per_topic_and_alerts_are_not(
    server: FakeTelegramServer, notifier: TelegramNotifier, clock: FakeClock
) -> None:
    await notifier.send("summary", "one")
    await notifier.send("summary", "two")
    await notifier.send("other", "three")
    await notifier.send("summary", "alert", Level.ALERT)
    clock.advance(600)
    await notifier.send("summary", "four")

    assert await notifier.flush(timeout_s=10)
    texts = [plain_text(c.text) for c in server.calls_to("sendMessage") if c.chat_id == CHAT]
    assert sorted(t.splitlines()[1] for t in texts) == ["alert", "four", "one", "three"]


async def test_a_burst_of_errors_collapses_into_one_message_with_a_count(
    server: FakeTelegramServer, clock: FakeClock
) -> None:
    bot = Bot(server.token, base_url=server.base_url)
    notifier = TelegramNotifier(bot, [CHAT], clock, OutboxLimits(), owns_bot=True)
    for i in range(10):
        await notifier.send("scanner", f"timeout {i}", Level.ERROR)

    await notifier.start()
    await notifier.stop(timeout_s=10)

    (call,) = server.calls_to("sendMessage")
    assert "timeout 9" in call.text
    assert "×10 errors in a burst" in plain_text(call.text)


async def test_a_picture_goes_to_every_chat(
    server: FakeTelegramServer, notifier: TelegramNotifier
) -> None:
    await notifier.send_picture("chart", b"\x89PNG fake", "Portfolio <7 days> & more")

    calls = await server.wait_for("sendPhoto", 2)
    assert all(c.files["photo"] == b"\x89PNG fake" for c in calls)
    assert all("Portfolio <7 days> & more" in plain_text(c.text) for c in calls)


async def test_stop_during_an_outage_returns_and_keeps_the_messages(
    server: FakeTelegramServer, clock: FakeClock
) -> None:
    server.outage = True
    bot = Bot(server.token, base_url=server.base_url)
    notifier = TelegramNotifier(bot, [CHAT], clock, OutboxLimits(), owns_bot=True)
    await notifier.start()
    await notifier.send("runner", "lost?", Level.ERROR)

    await notifier.stop(timeout_s=0.05)

    assert len(notifier.outbox) == 1
    assert server.calls_to("sendMessage") == []


async def test_a_message_telegram_refuses_is_dropped_and_the_rest_go_on(
    server: FakeTelegramServer, notifier: TelegramNotifier
) -> None:
    server.fail_next(400, method="sendMessage")

    await notifier.send("a", "refused", Level.ALERT)
    await notifier.send("b", "delivered", Level.ALERT)

    assert await notifier.flush(timeout_s=10)
    assert len(server.calls_to("sendMessage")) == 3

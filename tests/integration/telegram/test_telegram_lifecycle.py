"""The bot, the notifier and a runner in one asyncio loop on the real clock, as mexbot runs."""

from __future__ import annotations

import asyncio

from telegram import Bot
from tests.integration.telegram.support import CHAT, ask

from adapters.fake.clock import SystemClock
from adapters.telegram.bot import build_application, start_bot, stop_bot
from adapters.telegram.fake_server import FakeTelegramServer
from adapters.telegram.markup import plain_text
from adapters.telegram.notifier import TelegramNotifier
from adapters.telegram.outbox import OutboxLimits
from adapters.telegram.panel import StaticControlPanel
from mexcore.ports import Level

FAST = OutboxLimits(
    per_chat_interval_s=0.001, global_per_second=1000, backoff_initial_s=0.001, backoff_max_s=0.01
)


async def _runner(notifier: TelegramNotifier, ticks: list[int], stop: asyncio.Event) -> None:
    while not stop.is_set():
        ticks.append(len(ticks))
        if len(ticks) <= 20:
            await notifier.send("runner", f"tick {len(ticks)}", Level.ALERT)
        await asyncio.sleep(0.001)


async def test_runner_bot_and_notifier_share_one_loop_through_an_outage(
    server: FakeTelegramServer, panel: StaticControlPanel
) -> None:
    clock = SystemClock()
    bot = Bot(server.token, base_url=server.base_url)
    notifier = TelegramNotifier(bot, [CHAT], clock, FAST, owns_bot=True)
    app = build_application(server.token, server.base_url, [CHAT], panel, clock)
    await notifier.start()
    await start_bot(app, poll_timeout_s=1)
    reply = await ask(server, "/version")
    ticks: list[int] = []
    stop = asyncio.Event()
    server.outage = True
    server.outage_exempt = {"getUpdates"}
    runner = asyncio.create_task(_runner(notifier, ticks, stop))

    await server.wait_until(lambda: server.errors_served >= 5)
    ticks_during_outage = len(ticks)
    server.outage = False
    await server.wait_until(lambda: len(server.calls_to("sendMessage")) > 3)
    stop.set()
    await runner
    await stop_bot(app)
    await notifier.stop(timeout_s=10)

    assert ticks_during_outage > 0
    assert "mexbot 0.1.0 (demo)" in reply.text
    delivered = [plain_text(c.text) for c in server.calls_to("sendMessage") if "tick" in c.text]
    assert len(delivered) == min(20, len(ticks))

"""`mexbot sim` with a bot token: notifications go to Telegram and every command answers."""

from __future__ import annotations

import argparse
import asyncio
import re
from decimal import Decimal
from pathlib import Path

import pytest
from tests.integration.telegram.support import CHAT

from adapters.telegram.fake_server import FakeTelegramServer
from adapters.telegram.markup import plain_text
from runners.sim_command import sim_command

COMMANDS = [
    ("/status", "Runners"),
    ("/portfolio", "Total ≈"),
    ("/pnl", "PnL"),
    ("/autobuy", "Balance monitor: last plan"),
    ("/orders", "Recent fills"),
    ("/config", "[balance_monitor]"),
    ("/version", "(sim mode)"),
    ("/help", "mexbot commands"),
]


@pytest.fixture
def sim_args(tmp_path: Path, server: FakeTelegramServer,
             monkeypatch: pytest.MonkeyPatch) -> argparse.Namespace:
    config = tmp_path / "mexbot.toml"
    config.write_text(f'[telegram]\nbase_url = "{server.base_url}"\nsummary_min_interval_s = 1\n')
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", server.token)
    monkeypatch.setenv("TELEGRAM_CHAT_IDS", str(CHAT))
    return argparse.Namespace(config=config, days=Decimal("0.25"), seed=None, data=None,
                              speed=Decimal(2400), quiet=True, every_tick=False)


async def test_sim_sends_notifications_and_answers_every_command(
    server: FakeTelegramServer, sim_args: argparse.Namespace
) -> None:
    run = asyncio.create_task(sim_command(sim_args))
    await server.wait_for("deleteWebhook", timeout_s=20)
    for command, _ in COMMANDS:
        server.send_text(CHAT, command)
    await server.wait_until(lambda: all(expected in _texts(server) for _, expected in COMMANDS),
                            timeout_s=30)

    assert await asyncio.wait_for(run, timeout=60) == 0
    assert "pnl.summary" in _texts(server)  # notifications went to Telegram, not the console


async def test_pause_from_telegram_is_answered_in_the_running_sim(
    server: FakeTelegramServer, sim_args: argparse.Namespace
) -> None:
    run = asyncio.create_task(sim_command(sim_args))
    await server.wait_for("deleteWebhook", timeout_s=20)
    server.send_text(CHAT, "/pause")
    await server.wait_until(lambda: "Paused" in _texts(server) or "paused" in _texts(server),
                            timeout_s=30)

    assert await asyncio.wait_for(run, timeout=60) == 0


def _texts(server: FakeTelegramServer) -> str:
    return "\n".join(plain_text(c.text) for c in server.calls_to("sendMessage")
                     if c.chat_id == CHAT)


async def test_chart_and_a_confirmed_sale_work_in_the_running_sim(
    server: FakeTelegramServer, sim_args: argparse.Namespace
) -> None:
    run = asyncio.create_task(sim_command(sim_args))
    await server.wait_for("deleteWebhook", timeout_s=20)
    await server.wait_until(lambda: "BUY" in _texts(server) and "ADA" in _texts(server),
                            timeout_s=30)  # the 50/50 balancer bought alts
    server.send_text(CHAT, "/chart")
    await server.wait_for("sendPhoto", timeout_s=20)
    server.send_text(CHAT, "/sell ADA")
    await server.wait_until(lambda: "Sell all free ADA" in _texts(server), timeout_s=20)
    prompt = next(c for c in server.calls_to("sendMessage")
                  if "Sell all free ADA" in plain_text(c.text))
    server.press(prompt, "✅ Confirm")
    await server.wait_until(lambda: any("Sold" in plain_text(c.text) and "ADA" in plain_text(c.text)
                                        for c in server.calls_to("editMessageText")),
                            timeout_s=20)

    assert await asyncio.wait_for(run, timeout=60) == 0


async def test_status_in_the_sim_shows_times_relative_to_the_simulated_clock(
    server: FakeTelegramServer, sim_args: argparse.Namespace
) -> None:
    run = asyncio.create_task(sim_command(sim_args))
    await server.wait_for("deleteWebhook", timeout_s=20)
    await server.wait_until(lambda: "pnl.summary" in _texts(server), timeout_s=30)
    server.send_text(CHAT, "/status")
    await server.wait_until(lambda: "last tick" in _texts(server), timeout_s=30)
    await asyncio.wait_for(run, timeout=60)

    ticks = re.findall(r"last tick (\d+) (s|min|h) ago \((\d\d):", _texts(server))
    assert ticks
    for size, unit, _ in ticks:  # the simulated clock's minutes, not years of wall time
        assert unit != "h" or int(size) < 24, ticks

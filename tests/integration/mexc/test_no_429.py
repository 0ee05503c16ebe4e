"""A burst of runner ticks and Telegram commands, a restart and the same burst: no 429.

The bot is wired by the container, as `mexbot run` wires it; only its HTTP client talks to
an in-process MEXC that counts weight like MEXC and answers 429 over budget.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

import httpx
import pytest
from dependency_injector import providers
from tests.integration.mexc.budget import TICKERS, BudgetMexc

from mexcore.config import load_config
from mexcore.services.market import MarketView
from runners.container import make_container
from runners.settings import Secrets

RUNNERS = 5  # balance monitor, PnL monitor, alts monitor, snapshots, scanner: one tick each
COMMANDS = 6  # /balance /pnl /status /positions /chart /orders typed in a row


async def _one_process(mode: str, state_dir: Path, server: BudgetMexc) -> None:
    container = make_container(load_config({"mode": mode, "state_dir": str(state_dir)}))
    client = httpx.AsyncClient(transport=server.transport())
    container.http_client.override(providers.Object(client))
    container.secrets.override(providers.Object(Secrets("mx0KEY", "SECRET")))
    try:
        exchange = container.deps().exchange
        await asyncio.gather(*(MarketView.load(exchange) for _ in range(RUNNERS + COMMANDS)))
    finally:
        await client.aclose()
        container.store().close()


@pytest.mark.parametrize("mode", ["paper", "live"])
async def test_a_burst_of_ticks_and_commands_then_a_restart_earns_no_429(
        mode: str, tmp_path: Path) -> None:
    server = BudgetMexc()
    await _one_process(mode, tmp_path, server)
    await _one_process(mode, tmp_path, server)  # restarted at once, same state directory
    assert server.throttled == 0
    assert server.requests[TICKERS] == 2

"""An order never placed is resolved, also when the bot restarts more often than the grace.

The grace (how long MEXC may not yet show an order it created) is `[mexc]
unknown_order_grace_s`; the crash run sets it short, as the sandbox has no such window.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from tests.unit.services.support import NOW, World, flat_closes, world

from adapters.fake import Faults
from mexcore.client_ids import client_order_id
from mexcore.config import load_config
from mexcore.errors import ConfigError, RetryLater
from mexcore.services.deps import ServiceDeps
from mexcore.services.reconcile import Reconciler
from mexcore.values import IntentStatus, OrderIntent, OrderRequest, OrderType, Side
from runners.container import make_container

D = Decimal


def _buy() -> OrderRequest:
    cid = client_order_id("tester", "BTCUSDC", NOW, side=Side.BUY, purpose="restarts")
    return OrderRequest("BTCUSDC", Side.BUY, OrderType.MARKET, cid, quote_qty=D(20))


def _only(w: World) -> OrderIntent:
    [intent] = w.intents("tester")
    return intent


async def test_an_order_never_placed_is_resolved_although_the_bot_restarts_every_20_s() -> None:
    w = world(flat_closes(("BTCUSDC", "USDCUSDT")), {"USDC": "100"})
    w.exchange.faults = Faults(fail_next=1)  # the request fails before it reaches the engine
    with pytest.raises(RetryLater):
        await w.deps.executor.submit("tester", _buy(), "test")

    for start_s in range(20, 400, 20):  # a start: reconcile, then a few ticks' follow-ups
        w.at(start_s)
        await Reconciler(w.exchange, w.store, w.notifier, w.clock).reconcile()
        for tick_s in (1, 6, 12):
            w.at(start_s + tick_s)
            await w.deps.executor.follow_up("tester")

    assert _only(w).status is IntentStatus.REJECTED
    assert "never placed" in _only(w).reason


async def test_a_shorter_configured_grace_gives_up_a_never_placed_order_sooner() -> None:
    w = world(flat_closes(("BTCUSDC", "USDCUSDT")), {"USDC": "100"})
    deps = ServiceDeps.build(w.exchange, w.store, w.notifier, w.clock, unknown_grace_s=10)
    w.exchange.faults = Faults(fail_next=1)
    with pytest.raises(RetryLater):
        await deps.executor.submit("tester", _buy(), "test")

    for seconds in (1, 6, 16):  # three look-ups find nothing; 16 s > the 10 s grace
        w.at(seconds)
        await deps.executor.follow_up("tester")

    assert _only(w).status is IntentStatus.REJECTED


def test_the_grace_is_read_from_the_mexc_section() -> None:
    config = load_config({"mexc": {"unknown_order_grace_s": 5}})

    assert config.mexc.unknown_order_grace_s == 5
    with pytest.raises(ConfigError, match="unknown_order_grace_s"):
        load_config({"mexc": {"unknown_order_grace_s": 0}})


def test_the_mexc_adapter_settings_accept_the_core_grace_key(tmp_path: Path) -> None:
    config = load_config({"mode": "live", "state_dir": str(tmp_path),
                          "mexc": {"unknown_order_grace_s": 7, "timeout_s": 3}})

    settings = make_container(config).mexc_settings()

    assert settings.timeout_s == 3

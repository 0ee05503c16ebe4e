"""Issue 14: every order decision, refusal, fill and cancel is a line in the log file."""

from __future__ import annotations

import logging
from decimal import Decimal
from pathlib import Path

import pytest
from tests.logging_support import restore_root_logger  # noqa: F401 (an autouse fixture)
from tests.unit.services.support import NOW, flat_closes, world

from mexcore.client_ids import client_order_id
from mexcore.errors import MexbotError
from mexcore.services.fills import FillSync
from mexcore.values import Fill, OrderRequest, OrderType, Side
from runners.logs import FILE_NAME, configure_logging

SYMBOL = "ADAUSDC"




def _fill(n: int) -> Fill:
    return Fill(SYMBOL, f"{n}X1", f"o{n}", Side.BUY, Decimal("0.4"), Decimal(5), Decimal(2),
                Decimal(0), fee_asset="USDC", is_maker=True, time_ms=NOW - 1000 * n)


async def test_a_synced_fill_is_logged_with_its_side_quantity_and_price(tmp_path: Path) -> None:
    w = world(flat_closes([SYMBOL]))
    w.exchange.engine.fills.extend([_fill(1), _fill(2)])
    configure_logging("WARNING", tmp_path)
    added = await FillSync(w.exchange, w.store).sync([SYMBOL])
    await FillSync(w.exchange, w.store).sync([SYMBOL])  # nothing new: no second line
    for handler in logging.getLogger().handlers:
        handler.flush()
    lines = [line for line in (tmp_path / FILE_NAME).read_text().splitlines()
             if "journaled" in line]
    assert added == 2
    assert len(lines) == 1
    assert "ADAUSDC: 2 new fill(s) journaled: BUY 5 @ 0.4" in lines[0]


async def test_a_cancel_is_logged_with_the_orders_final_status(tmp_path: Path) -> None:
    w = world(flat_closes(["BTCUSDC"]), {"USDC": "1000"})
    cid = client_order_id("tester", "BTCUSDC", NOW, side=Side.BUY, purpose="test")
    request = OrderRequest("BTCUSDC", Side.BUY, OrderType.LIMIT_MAKER, cid,
                           quantity=Decimal("0.001"), price=Decimal("20000"))
    await w.deps.executor.submit("tester", request, "test")
    configure_logging("WARNING", tmp_path)
    order = await w.deps.executor.cancel("BTCUSDC", cid)
    for handler in logging.getLogger().handlers:
        handler.flush()
    assert order.status == "CANCELED"
    assert f"cancel {cid} BTCUSDC: CANCELED" in (tmp_path / FILE_NAME).read_text()


async def test_a_decision_is_logged_with_its_runner_amounts_and_reason(tmp_path: Path) -> None:
    w = world(flat_closes(["BTCUSDC"]), {"USDC": "1000"})
    cid = client_order_id("tester", "BTCUSDC", NOW, side=Side.BUY, purpose="test")
    request = OrderRequest("BTCUSDC", Side.BUY, OrderType.LIMIT_MAKER, cid,
                           quantity=Decimal("0.001"), price=Decimal("20000"))
    configure_logging("WARNING", tmp_path)
    await w.deps.executor.submit("tester", request, "60/40 target, BTC 10% below")
    for handler in logging.getLogger().handlers:
        handler.flush()
    assert (f"tester decides {cid}: BUY LIMIT_MAKER 0.001 BTCUSDC @ 20000 "
            "(60/40 target, BTC 10% below)") in (tmp_path / FILE_NAME).read_text()


async def test_a_refused_order_is_logged_with_the_exchanges_reason(tmp_path: Path) -> None:
    w = world(flat_closes(["BTCUSDC"]), {"USDC": "1000"})
    cid = client_order_id("tester", "BTCUSDC", NOW, side=Side.BUY, purpose="test")
    request = OrderRequest("BTCUSDC", Side.BUY, OrderType.LIMIT_MAKER, cid,
                           quantity=Decimal("1000"), price=Decimal("20000"))  # 20 M USDC
    configure_logging("WARNING", tmp_path)
    with pytest.raises(MexbotError):
        await w.deps.executor.submit("tester", request, "test")
    for handler in logging.getLogger().handlers:
        handler.flush()
    assert f"order {cid} BUY BTCUSDC refused: " in (tmp_path / FILE_NAME).read_text()

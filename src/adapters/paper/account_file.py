"""The paper account on disk: balances, orders, fills and id sequences, as exact JSON text.

Written whole (temporary file, fsync, rename) after every change, so a restarted paper run
finds the account it left: its balances, its resting orders and the next order and trade ids.
"""

from __future__ import annotations

import json
import os
from decimal import Decimal
from pathlib import Path
from typing import Any

from adapters.fake.market import MINUTE_MS
from adapters.fake.orders import OrderState
from adapters.paper.engine import LiveBookEngine
from adapters.sqlite import rows
from mexcore.errors import StopForHuman
from mexcore.values import OrderRequest, OrderStatus, OrderType, Side, SymbolRules

FILE_NAME = "paper-account.json"
VERSION = 1
KEEP_MS = 30 * 24 * 3600 * 1000  # closed orders and fills older than this are not kept
_RULES = ("qty_step", "price_tick", "maker_fee", "taker_fee")


class PaperAccountError(StopForHuman):
    """The paper account file cannot be read: a person must look (or remove it to start over)."""


def save(path: Path, engine: LiveBookEngine, now_ms: int) -> None:
    """Write the engine's account to `path` atomically."""
    order_id, trade_id = engine.next_ids()
    account = engine.account
    data = {
        "version": VERSION, "next_order_id": order_id, "next_trade_id": trade_id,
        "balances": {a: [str(account.free(a)), str(account.locked(a))]
                     for a in account.balances()},
        "orders": [_order(s, engine) for s in engine.orders.values()
                   if s.status.is_open or s.update_time_ms >= now_ms - KEEP_MS],
        "fills": [rows.fill_row(f) for f in engine.fills if f.time_ms >= now_ms - KEEP_MS],
    }
    temporary = path.with_suffix(".tmp")
    with temporary.open("w", encoding="utf-8") as f:
        json.dump(data, f)
        f.flush()
        os.fsync(f.fileno())
    os.replace(temporary, path)


def load(path: Path, engine: LiveBookEngine) -> None:
    """Put the account saved at `path` into a new engine."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        if data.get("version") != VERSION:
            raise ValueError(f"version {data.get('version')!r}, this mexbot knows {VERSION}")
        for asset, (free, locked) in data["balances"].items():
            _put_balance(engine, asset, Decimal(free), Decimal(locked))
        for saved in data["orders"]:
            engine.restore_order(_state(saved, engine))
        engine.fills.extend(rows.fill_of(tuple(r)) for r in data["fills"])
        engine.start_ids_at(data["next_order_id"], data["next_trade_id"])
    except (OSError, ValueError, KeyError, TypeError) as e:
        raise PaperAccountError(
            f"paper account {path}: unreadable ({e}); restore it or remove the paper state_dir "
            "to start a new paper account") from e


def _put_balance(engine: LiveBookEngine, asset: str, free: Decimal, locked: Decimal) -> None:
    if free + locked:
        engine.account.credit(asset, free + locked)
    if locked:
        engine.account.lock(asset, locked)


def _text(value: Decimal | None) -> str | None:
    return None if value is None else str(value)


def _decimal(text: str | None) -> Decimal | None:
    return None if text is None else Decimal(text)


def _order(state: OrderState, engine: LiveBookEngine) -> dict[str, Any]:
    r, rules = state.request, state.rules
    return {
        "symbol": r.symbol, "side": r.side.value, "type": r.type.value,
        "client_order_id": r.client_order_id, "quantity": _text(r.quantity),
        "quote_qty": _text(r.quote_qty), "price": _text(r.price),
        "base": rules.base, "quote": rules.quote,
        **{k: str(getattr(rules, k)) for k in _RULES},
        "order_id": state.order_id, "time_ms": state.time_ms, "status": state.status.value,
        "executed_qty": str(state.executed_qty), "cumm_quote_qty": str(state.cumm_quote_qty),
        "held": str(state.held), "update_time_ms": state.update_time_ms,
        "checked_until_ms": engine.market.minute_open_ms(state.first_minute),
    }


def _state(saved: dict[str, Any], engine: LiveBookEngine) -> OrderState:
    request = OrderRequest(
        saved["symbol"], Side(saved["side"]), OrderType(saved["type"]),
        saved["client_order_id"], quantity=_decimal(saved["quantity"]),
        quote_qty=_decimal(saved["quote_qty"]), price=_decimal(saved["price"]))
    rules = SymbolRules(
        saved["symbol"], saved["base"], saved["quote"], qty_step=Decimal(saved["qty_step"]),
        price_tick=Decimal(saved["price_tick"]), maker_fee=Decimal(saved["maker_fee"]),
        taker_fee=Decimal(saved["taker_fee"]))
    first = max(0, (saved["checked_until_ms"] - engine.market.start_ms) // MINUTE_MS)
    return OrderState(
        request, rules, saved["order_id"], saved["time_ms"], OrderStatus(saved["status"]),
        executed_qty=Decimal(saved["executed_qty"]),
        cumm_quote_qty=Decimal(saved["cumm_quote_qty"]), held=Decimal(saved["held"]),
        update_time_ms=saved["update_time_ms"], first_minute=first)

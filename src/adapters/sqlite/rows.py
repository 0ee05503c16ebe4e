"""Value objects to SQLite rows and back; every Decimal travels as its exact text."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

from mexcore.values import (
    Fill,
    IntentStatus,
    OrderIntent,
    OrderType,
    PortfolioSnapshot,
    Side,
)

FILL_COLUMNS = (
    "symbol, trade_id, order_id, side, price, qty, quote_qty, fee, fee_asset, is_maker, time_ms,"
    " client_order_id"
)
INTENT_COLUMNS = (
    "client_order_id, runner, symbol, side, type, status, created_ms, quantity, quote_qty, price,"
    " order_id, updated_ms, reason"
)
SNAPSHOT_COLUMNS = "time_ms, total_value, asset_values"


def _text(value: Decimal | None) -> str | None:
    return None if value is None else str(value)


def _decimal(text: str | None) -> Decimal | None:
    return None if text is None else Decimal(text)


def fill_row(fill: Fill) -> tuple[Any, ...]:
    """Return the row of a fill, in FILL_COLUMNS order."""
    return (
        fill.symbol, fill.trade_id, fill.order_id, fill.side.value, str(fill.price),
        str(fill.qty), str(fill.quote_qty), str(fill.fee), fill.fee_asset, int(fill.is_maker),
        fill.time_ms, fill.client_order_id,
    )


def fill_of(row: tuple[Any, ...]) -> Fill:
    """Return the fill of a row in FILL_COLUMNS order."""
    symbol, trade_id, order_id, side, price, qty, quote_qty, fee, asset, maker, time_ms, cid = row
    return Fill(
        symbol, trade_id, order_id, Side(side), Decimal(price), Decimal(qty), Decimal(quote_qty),
        Decimal(fee), fee_asset=asset, is_maker=bool(maker), time_ms=time_ms,
        client_order_id=cid,
    )


def intent_row(intent: OrderIntent) -> tuple[Any, ...]:
    """Return the row of an intent, in INTENT_COLUMNS order."""
    return (
        intent.client_order_id, intent.runner, intent.symbol, intent.side.value,
        intent.type.value, intent.status.value, intent.created_ms, _text(intent.quantity),
        _text(intent.quote_qty), _text(intent.price), intent.order_id, intent.updated_ms,
        intent.reason,
    )


def intent_of(row: tuple[Any, ...]) -> OrderIntent:
    """Return the intent of a row in INTENT_COLUMNS order."""
    cid, runner, symbol, side, type_, status, created, qty, quote_qty, price, oid, upd, why = row
    return OrderIntent(
        cid, runner, symbol, Side(side), OrderType(type_), IntentStatus(status), created,
        quantity=_decimal(qty), quote_qty=_decimal(quote_qty), price=_decimal(price),
        order_id=oid, updated_ms=upd, reason=why,
    )


def snapshot_row(snapshot: PortfolioSnapshot) -> tuple[Any, ...]:
    """Return the row of a snapshot; the asset values are a JSON object of decimal strings."""
    values = json.dumps({k: str(v) for k, v in snapshot.values.items()}, sort_keys=True)
    return (snapshot.time_ms, str(snapshot.total_value), values)


def snapshot_of(row: tuple[Any, ...]) -> PortfolioSnapshot:
    """Return the snapshot of a row in SNAPSHOT_COLUMNS order."""
    time_ms, total, values = row
    return PortfolioSnapshot(time_ms, Decimal(total), json.loads(values))

"""Deterministic client order ids: the same decision always maps to the same id."""

from __future__ import annotations

import hashlib

from mexcore.values import Side

PREFIX = "mx"
MAX_LENGTH = 32


def client_order_id(
    runner: str, symbol: str, decided_ms: int, attempt: int = 0, *, side: Side, purpose: str
) -> str:
    """Return `mx` + 30 hex digits of a hash of who decided what, when, why, on which attempt.

    A retry of the same decision reuses the id, so the exchange rejects a second order.
    `side` and `purpose` tell apart two decisions of one runner on one symbol in the same
    millisecond (a profit sale and the rebuy that follows it; the rebuys after two sales).

    >>> client_order_id("scanner", "ADAUSDT", 1_700_000_000_000, side=Side.BUY, purpose="buy")
    'mxf34abe40e25e56b09e24e68965d9bd'
    """
    key = f"{runner}|{symbol}|{side.value}|{decided_ms}|{attempt}|{purpose}"
    digest = hashlib.sha256(key.encode()).hexdigest()
    return PREFIX + digest[: MAX_LENGTH - len(PREFIX)]


def is_ours(client_id: str) -> bool:
    """Tell whether an order id was made by `client_order_id`."""
    return client_id.startswith(PREFIX) and client_id.isalnum() and len(client_id) <= MAX_LENGTH

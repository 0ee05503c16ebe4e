"""What the whole-bot state machine checks beyond single orders: now in the test kit
(adapters.fake.testing.chains and .audit); the bot's reserves are the default here."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal

from tests.unit.services.support import RESERVES

from adapters.fake.testing import chains as _chains
from adapters.fake.testing.audit import AuditedExchange, AuditedExecutor, ClientIdLedger
from adapters.fake.testing.chains import (
    TRANSIENT,
    UNRESOLVED,
    UnresolvedWatch,
    chains,
    maker_lifetime_ms,
    overbought_chains,
    overdue_makers,
)

__all__ = [
    "TRANSIENT",
    "UNRESOLVED",
    "AuditedExecutor",
    "ClientIdLedger",
    "UnresolvedWatch",
    "broken_requote_reserves",
    "chains",
    "maker_lifetime_ms",
    "overbought_chains",
    "overdue_makers",
]


def broken_requote_reserves(
    exchange: AuditedExchange, reserves: Mapping[str, Decimal] = RESERVES
) -> list[str]:
    """Return each USDC requote of a reserve-keeping runner that left less than its reserve."""
    return _chains.broken_requote_reserves(exchange, reserves)

"""The test kit: property-test your services against the fake exchange (needs hypothesis).

- markets (`adapters.fake.testing.markets`): `market_from_closes`, `market_from_ohlcv`,
  `bundled_market`, `market_from_folder` build a `MarketData` for the fake exchange;
- strategies (`adapters.fake.testing.strategies`): hypothesis strategies for money,
  `symbol_rules`, `order_books`, `fills`, `price_paths` by regime (trend, chop, pump, dump,
  gap), whole `markets`, `balances` and `fault_plans` (the exchange's `Faults`);
- `AuditedExchange` records every order request (`sent`: a `SentOrder` each, with the free
  quote and base balances before and after) and every cancel; `make_world` wires one with a
  fake clock, a store, a recording notifier and `ServiceDeps` into a `FakeWorld`;
- invariant checks (`adapters.fake.testing.invariants`), each returning its problems:
  `rule_breaks`, `broken_reserves`, `client_ids_sent_twice`, `placed_while_paused`,
  `negative_balances`, `unmanaged_orders`, `overdue_orders`; `ClientIdLedger` catches one
  client id for two requests;
- `ServicesMachine`: a hypothesis `RuleBasedStateMachine` running your services with those
  invariants on; rules advance time, deposit, pause/resume and inject faults;
- pytest fixtures (plugin `mexbot`): `mexbot_market`, `mexbot_balances`, `mexbot_world`.

Example (a test file)::

    from decimal import Decimal
    from adapters.fake.testing import MACHINE_SETTINGS, ServicesMachine
    from my_strategy import RsiDip  # your service: `name`, `quiet`, `async tick() -> int`

    class RsiDipMachine(ServicesMachine):
        RESERVES = {"rsi_dip": Decimal(20)}  # free USDC each decision must leave
        MAX_REST_S = 3600                    # no order rests longer than an hour

        def make_services(self, deps):
            return [(RsiDip(deps, symbol="BTCUSDC"), 60)]  # (service, interval_s)

    TestRsiDip = RsiDipMachine.TestCase
    TestRsiDip.settings = MACHINE_SETTINGS  # 10 runs of 15 steps
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from mexcore.lazy import lazy_attributes

if TYPE_CHECKING:
    from adapters.fake.testing.audit import (
        AuditedExchange,
        AuditedExecutor,
        ClientIdLedger,
        SentOrder,
        is_requote,
        request_value,
    )
    from adapters.fake.testing.machine import MACHINE_SETTINGS, ServicesMachine
    from adapters.fake.testing.markets import (
        bundled_market,
        market_from_closes,
        market_from_folder,
        market_from_ohlcv,
    )
    from adapters.fake.testing.world import FakeWorld, make_world

# Loaded on first use, so that the pytest plugin (a submodule) stays light at start-up.
_HOMES = {
    "AuditedExchange": "audit", "AuditedExecutor": "audit", "ClientIdLedger": "audit",
    "SentOrder": "audit", "is_requote": "audit", "request_value": "audit",
    "MACHINE_SETTINGS": "machine", "ServicesMachine": "machine",
    "bundled_market": "markets", "market_from_closes": "markets",
    "market_from_folder": "markets", "market_from_ohlcv": "markets",
    "FakeWorld": "world", "make_world": "world",
}

__all__ = [
    "MACHINE_SETTINGS",
    "AuditedExchange",
    "AuditedExecutor",
    "ClientIdLedger",
    "FakeWorld",
    "SentOrder",
    "ServicesMachine",
    "bundled_market",
    "is_requote",
    "make_world",
    "market_from_closes",
    "market_from_folder",
    "market_from_ohlcv",
    "request_value",
]


__getattr__ = lazy_attributes(__name__, _HOMES)

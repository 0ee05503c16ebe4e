"""A fake world for one bot: an audited exchange on a fake clock, a store, a notifier, the deps."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import cast

import attrs

from adapters.fake.clock import FakeClock
from adapters.fake.faults import Faults
from adapters.fake.market import MINUTE_MS, MarketData
from adapters.fake.notifier import RecordingNotifier
from adapters.fake.rules import default_rules
from adapters.fake.store import InMemoryStore
from adapters.fake.testing.audit import AuditedExchange, AuditedExecutor, ClientIdLedger
from adapters.fake.testing.markets import bundled_market
from mexcore.ports import Store
from mexcore.services.deps import ServiceDeps
from mexcore.services.execution import OrderExecutor
from mexcore.values import OrderIntent, SymbolRules

DAY_MS = 86_400_000


@attrs.define
class FakeWorld:
    """One bot's fakes, wired: clock, audited exchange, store, notifier, deps, client-id ledger.

    `deps` is what services are built from; its executor notes every request in `ids`.
    """

    clock: FakeClock
    exchange: AuditedExchange
    store: Store
    notifier: RecordingNotifier
    deps: ServiceDeps
    ids: ClientIdLedger

    def free(self, asset: str) -> Decimal:
        """Return the free balance of `asset` on the exchange now."""
        self.exchange.sync()
        return self.exchange.engine.account.free(asset)

    def intents(self, runner: str | None = None) -> list[OrderIntent]:
        """Return the journaled intents (of one runner), oldest first."""
        return [i for i in self.store.intents() if runner is None or i.runner == runner]

    def texts(self, topic: str) -> list[str]:
        """Return the notifications sent on `topic`."""
        return self.notifier.texts(topic)


def default_start_ms(market: MarketData) -> int:
    """Return when a world over `market` starts: a day in (half-way into a shorter market)."""
    warmup_minutes = min(DAY_MS // MINUTE_MS, market.minutes // 2)
    return market.start_ms + warmup_minutes * MINUTE_MS


def make_world(
    market: MarketData | None = None,
    balances: Mapping[str, Decimal | int | str] | None = None,
    *,
    rules: Mapping[str, SymbolRules] | None = None,
    now_ms: int | None = None,
    faults: Faults | None = None,
    store: Store | None = None,
) -> FakeWorld:
    """Wire an audited FakeExchange over `market` (default: the bundled one) with `balances`.

    The clock starts at `now_ms` (default: `default_start_ms(market)`); `faults` (default:
    none) make the exchange hostile; `store` defaults to an InMemoryStore.
    """
    market = bundled_market() if market is None else market
    rules = default_rules() if rules is None else rules
    clock = FakeClock(default_start_ms(market) if now_ms is None else now_ms)
    exchange = AuditedExchange(clock, market, rules, faults)
    for asset, amount in (balances or {}).items():
        exchange.deposit(asset, amount)
    store = InMemoryStore() if store is None else store
    exchange.store = store
    notifier, ids = RecordingNotifier(), ClientIdLedger()
    deps = ServiceDeps.build(exchange, store, notifier, clock)
    # The audited executor delegates everything to the real one (it only notes requests).
    audited = cast(OrderExecutor, AuditedExecutor(deps.executor, ids))
    return FakeWorld(clock, exchange, store, notifier, attrs.evolve(deps, executor=audited), ids)

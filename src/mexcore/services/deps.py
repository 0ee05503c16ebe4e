"""What every service is built from: the four ports plus the shared executor and funds ledger."""

from __future__ import annotations

import attrs

from mexcore.ports import Clock, Exchange, Notifier, Store
from mexcore.services.execution import OrderExecutor
from mexcore.services.funds import FundsLedger
from mexcore.state import PauseFlags


@attrs.frozen
class ServiceDeps:
    """The shared collaborators of the services of one bot."""

    exchange: Exchange
    store: Store
    notifier: Notifier
    clock: Clock
    executor: OrderExecutor
    funds: FundsLedger

    @classmethod
    def build(
        cls, exchange: Exchange, store: Store, notifier: Notifier, clock: Clock
    ) -> ServiceDeps:
        """Wire an executor (honouring the Store's pause flags) and a funds ledger."""
        pauses = PauseFlags(store)
        executor = OrderExecutor(exchange, store, clock, pauses.is_paused)
        return cls(exchange, store, notifier, clock, executor, FundsLedger())

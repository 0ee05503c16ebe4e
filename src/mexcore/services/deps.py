"""What every service is built from: the four ports plus the shared executor and funds ledger."""

from __future__ import annotations

import attrs

from mexcore.advising import ExplainingNotifier, SafeAdvisor
from mexcore.ports import Clock, Exchange, Notifier, Store
from mexcore.services.execution import OrderExecutor
from mexcore.services.funds import FundsLedger
from mexcore.services.pending import NOT_PLACED_AFTER_S
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
    advisor: SafeAdvisor | None = None  # the optional AI advisor (issue 20); None: off

    @classmethod
    def build(
        cls, exchange: Exchange, store: Store, notifier: Notifier, clock: Clock,
        unknown_grace_s: int = NOT_PLACED_AFTER_S, advisor: SafeAdvisor | None = None,
    ) -> ServiceDeps:
        """Wire an executor (honouring the Store's pause flags) and a funds ledger.

        `unknown_grace_s`: how long an order the exchange never shows may still appear
        (`[mexc] unknown_order_grace_s`); after it, and three look-ups, it was never placed.
        `advisor`: the AI advisor when `[advisor] enabled` (None: the bot never consults one).
        """
        pauses = PauseFlags(store)
        executor = OrderExecutor(exchange, store, clock, pauses.is_paused, unknown_grace_s)
        if advisor is not None:  # sales and the daily summary get the advisor's paragraph
            notifier = ExplainingNotifier(notifier, advisor, clock)
        return cls(exchange, store, notifier, clock, executor, FundsLedger(), advisor)

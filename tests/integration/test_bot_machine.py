"""The whole bot as a hypothesis state machine: every runner over random stretches of real candles.

`BotMachine` is the test kit's `ServicesMachine` (adapters.fake.testing.machine) running the
loops of `runners.bot.build_loops`. Its steps move simulated time (ticking each loop when
due, like `runners.schedule`, or through `run_simulated` itself with quiet ticks skipped and
every promise verified), pause and resume runners, deposit money and inject one-shot faults.
After every step the orders the exchange saw must keep the risk rules of SPEC §1.10:
reserves, caps, cooldowns, the exchange's rules, unique client order ids, nothing while
paused, no negative balance, no order resting unmanaged, and no runner tick that failed.

The exchange is adversarial (FAULT_RATES, seeded per example): resting orders fill between any
two calls, post-only orders that would take come back cancelled, look-ups fail after a lost
answer, prices move between two reads of one tick, and calls fail or lose their answers. So
the machine also checks (adapters.fake.testing.chains): no decision, an order and its
requotes, executes more than it planned; reserves hold after every requote too; no maker order
outlives `requote_after_s × (max_requotes + 1)` plus one tick; no intent stays SENT or UNKNOWN
for more than UNRESOLVED_TICKS ticks of its runner; no client id names two requests; and no
tick fails except by a transient exchange error.
"""

from __future__ import annotations

import itertools
import os
from collections import Counter
from decimal import Decimal

from hypothesis import HealthCheck, Phase, settings
from hypothesis import strategies as st
from hypothesis.stateful import invariant, rule
from tests.integration.bot_audit import (
    broken_requote_reserves,
    maker_lifetime_ms,
    overbought_chains,
    overdue_makers,
)
from tests.unit.services.support import RESERVES, is_requote, request_value

from adapters.fake import Faults
from adapters.fake.testing.machine import ServicesMachine
from adapters.sqlite import SqliteStore
from mexcore.policies import BotConfig
from mexcore.ports import Store
from mexcore.services.deps import ServiceDeps
from mexcore.values import IntentStatus, Side
from runners.bot import build_loops
from runners.loop import RunnerLoop
from runners.schedule import run_simulated

D = Decimal
SYMBOLS = ("BTCUSDC", "ETHUSDC", "USDCUSDT", "BTCUSDT", "ETHUSDT", "ADAUSDT", "ADAUSDC",
           "DOTUSDT", "DOTUSDC", "LINKUSDC", "AVAXUSDC", "SOLUSDT", "MATICUSDC")
CAPS = {"balance_monitor": D(100), "balancer_5050": D(100), "scanner": D(50)}
COOLDOWNS_MS = {"balance_monitor": 300_000, "balancer_5050": 60_000}
DEPOSITS = {"USDT": "300", "USDC": "300", "BTC": "0.005", "ETH": "0.05", "ADA": "300"}
#: Rejections that break no rule: a maker order that would have taken ("try again
#: differently"), and an order an injected failure stopped before it reached the exchange.
HARMLESS = ("would immediately match", "never placed: not found")
#: How hostile the exchange is (probabilities per call; tune here). Off while verifying quiet
#: promises: a fill or an error inside a promised-quiet tick is the market's move, not the bot's.
FAULT_RATES: dict[str, float | int] = {
    "error_rate": 0.002, "lost_answer_rate": 0.03, "lookups_fail_after_lost": 2,
    "fill_rate": 0.03, "post_only_cancel_rate": 0.5, "price_move_rate": 0.1,
    "price_move_ticks": 3,
}
CONFIG = BotConfig()
RUNNING_MODE = CONFIG.mode  # the journal records who wrote it (item 2)


class BotMachine(ServicesMachine):
    """Every runner of `runners.bot.build_loops`, on the fakes, over a random market path."""

    SYMBOLS = SYMBOLS
    DEPOSITS = DEPOSITS
    START_ASSETS = ("USDT", "USDC")
    FAULT_RATES = FAULT_RATES
    RESERVES = RESERVES
    UNRESOLVED_TICKS = 5  # ticks of its runner within which a SENT or UNKNOWN intent resolves

    def make_store(self) -> Store:
        return SqliteStore.temporary()  # a real journal: it records who wrote it

    def make_loops(self, deps: ServiceDeps) -> list[RunnerLoop]:
        return build_loops(CONFIG, deps)

    @rule(seconds=st.integers(900, 6 * 3600))
    def advance_verifying_quiet_promises(self, seconds: int) -> None:
        # A restart: every loop ticks now; a tick that acts while promised quiet raises.
        exchange, clock = self.world.exchange, self.world.clock
        end_ms = clock.now_ms() + seconds * 1000
        errors = [loop.errors for loop in self.loops]
        live, exchange.faults = exchange.faults, Faults(seed=self.faults.seed)
        try:
            self.aio.run_until_complete(
                run_simulated(self.loops, clock, end_ms, watch=exchange, verify=True))
        finally:
            exchange.faults = live
        self.bad_ticks += [f"{loop.name} failed while verifying" for loop, before
                           in zip(self.loops, errors, strict=True) if loop.errors > before]
        self.queue = [(clock.now_ms(), i) for i in range(len(self.loops))]

    # --- the bot's own invariants (the kit's are inherited) ----------------------------------

    @invariant()
    def no_cap_is_exceeded(self) -> None:
        totals: Counter[tuple[str, int]] = Counter()
        for order in self.world.exchange.sent:
            cap = CAPS.get(order.runner)
            if cap is None or order.request.side is not Side.BUY:
                continue
            assert request_value(order.request) <= cap, order
            if not is_requote(order) and order.request.symbol != "USDCUSDT":
                totals[(order.runner, order.decided_ms)] += request_value(order.request)
        assert all(total <= CAPS[runner] for (runner, _), total in totals.items()), totals

    @invariant()
    def no_cooldown_is_skipped(self) -> None:
        for runner, cooldown_ms in COOLDOWNS_MS.items():
            times = sorted({i.created_ms for i in self.world.store.intents()
                            if i.runner == runner and i.symbol != "USDCUSDT"
                            and not i.reason.startswith("requote")
                            and i.status is not IntentStatus.REJECTED})
            gaps = [b - a for a, b in itertools.pairwise(times)]
            assert all(gap >= cooldown_ms for gap in gaps), (runner, gaps)

    @invariant()
    def every_rejection_is_harmless(self) -> None:
        for intent in self.world.store.intents([IntentStatus.REJECTED]):
            assert any(h in intent.reason for h in HARMLESS), intent

    @invariant()
    def no_decision_executes_more_than_planned(self) -> None:
        problems = overbought_chains(self.world.exchange)
        assert problems == [], problems

    @invariant()
    def no_requote_breaks_a_reserve(self) -> None:
        broken = broken_requote_reserves(self.world.exchange)
        assert broken == [], broken

    @invariant()
    def no_maker_order_outlives_its_requotes(self) -> None:
        overdue = overdue_makers(self.world.exchange, maker_lifetime_ms(CONFIG), self.ticks)
        assert overdue == [], overdue

    @invariant()
    def the_journal_is_of_the_running_mode(self) -> None:
        store = self.world.store
        assert isinstance(store, SqliteStore)
        on_disk = SqliteStore(store.path.parent)  # opened without a mode: claims nothing
        try:
            assert on_disk.mode == RUNNING_MODE, on_disk.mode
        finally:
            on_disk.close()


#: Shrinking a failure of this machine takes minutes: only when asked (MEXBOT_SHRINK=1).
PHASES = tuple(p for p in Phase if p is not Phase.shrink or os.environ.get("MEXBOT_SHRINK"))
BotMachine.TestCase.settings = settings(
    max_examples=10, stateful_step_count=15, deadline=None, phases=PHASES,
    suppress_health_check=[HealthCheck.too_slow],
)
TestBotMachine = BotMachine.TestCase

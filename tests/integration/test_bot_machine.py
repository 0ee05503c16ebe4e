"""The whole bot as a hypothesis state machine: every runner over random stretches of real candles.

Steps move simulated time (ticking each loop when due, like `runners.schedule`, or through
`run_simulated` itself with quiet ticks skipped and every promise verified), pause and resume
runners, and deposit money. After every step the orders the exchange saw must keep the
risk rules of SPEC §1.10: reserves, caps, cooldowns, the exchange's rules, unique client order
ids, nothing while paused, no negative balance, and no runner tick that failed.

The exchange is adversarial (FAULT_RATES, seeded per example): resting orders fill between any
two calls, post-only orders that would take come back cancelled, look-ups fail after a lost
answer, prices move between two reads of one tick, and calls fail or lose their answers. So
the machine also checks (tests/integration/bot_audit.py): no decision, an order and its
requotes, executes more than it planned; reserves hold after every requote too; no maker order
outlives `requote_after_s × (max_requotes + 1)` plus one tick; no intent stays SENT or UNKNOWN
for more than UNRESOLVED_TICKS ticks of its runner; no client id names two requests; and no
tick fails except by a transient exchange error.
"""

from __future__ import annotations

import asyncio
import functools
import heapq
import itertools
import os
from collections import Counter
from decimal import Decimal

import attrs
from hypothesis import HealthCheck, Phase, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule
from tests.integration.bot_audit import (
    TRANSIENT,
    AuditedExecutor,
    ClientIdLedger,
    UnresolvedWatch,
    broken_requote_reserves,
    maker_lifetime_ms,
    overbought_chains,
    overdue_makers,
)
from tests.unit.services.support import (
    AuditedExchange,
    SentOrder,
    broken_reserves,
    is_requote,
    request_value,
)

from adapters.fake import (
    FakeClock,
    Faults,
    MarketData,
    RecordingNotifier,
    default_rules,
    load_market_data,
)
from adapters.sqlite import SqliteStore
from mexcore.policies import BotConfig
from mexcore.services.deps import ServiceDeps
from mexcore.state import PauseFlags
from mexcore.values import IntentStatus, OrderType, Side, SymbolRules
from runners.bot import build_loops
from runners.loop import RunnerLoop
from runners.schedule import run_simulated

D = Decimal
DAY_MS = 86_400_000
SYMBOLS = ("BTCUSDC", "ETHUSDC", "USDCUSDT", "BTCUSDT", "ETHUSDT", "ADAUSDT", "ADAUSDC",
           "DOTUSDT", "DOTUSDC", "LINKUSDC", "AVAXUSDC", "SOLUSDT", "MATICUSDC")
RUNNERS = ("pnl_monitor", "alts_monitor", "balance_monitor", "balancer_5050", "scanner",
           "portfolio_rebalance")
CAPS = {"balance_monitor": D(100), "balancer_5050": D(100), "scanner": D(50)}
COOLDOWNS_MS = {"balance_monitor": 300_000, "balancer_5050": 60_000}
DEPOSITS = {"USDT": "300", "USDC": "300", "BTC": "0.005", "ETH": "0.05", "ADA": "300"}
#: Rejections that break no rule: a maker order that would have taken ("try again
#: differently"), and an order an injected failure stopped before it reached the exchange.
HARMLESS = ("would immediately match", "never placed: not found")
#: How hostile the exchange is (probabilities per call; tune here). Off while verifying quiet
#: promises: a fill or an error inside a promised-quiet tick is the market's move, not the bot's.
FAULT_RATES: dict[str, float] = {
    "error_rate": 0.002, "lost_answer_rate": 0.03, "lookups_fail_after_lost": 2,
    "fill_rate": 0.03, "post_only_cancel_rate": 0.5, "price_move_rate": 0.1,
    "price_move_ticks": 3,
}
#: Ticks of its runner within which a SENT or UNKNOWN intent must be resolved.
UNRESOLVED_TICKS = 5
CONFIG = BotConfig()
RUNNING_MODE = CONFIG.mode  # the journal records who wrote it (item 2)


@functools.cache
def bundled() -> MarketData:
    """Load the real candles of the machine's symbols once per test session."""
    return load_market_data(symbols=SYMBOLS)


def amounts(asset: str) -> st.SearchStrategy[Decimal]:
    """Draw a deposit of `asset`, up to a typical holding, with the asset's precision."""
    top = D(DEPOSITS[asset])
    return st.decimals(min_value=top / 100, max_value=top, places=-top.as_tuple().exponent + 2,
                       allow_nan=False, allow_infinity=False)


def rule_problems(order: SentOrder, rules: SymbolRules) -> list[str]:
    """Return how an order breaks its symbol's rules (step, tick, minimums, band)."""
    r, problems = order.request, []
    if r.quantity is not None and (r.quantity % rules.qty_step or r.quantity < rules.min_qty):
        problems.append(f"quantity {r.quantity} off step {rules.qty_step} or under the minimum")
    if r.price is not None and r.price % rules.price_tick:
        problems.append(f"price {r.price} off tick {rules.price_tick}")
    market = r.type is OrderType.MARKET
    minimum = rules.min_notional_market if market else rules.min_notional
    value = request_value(r) if r.price or r.quote_qty else (r.quantity or D(0)) * order.last_price
    if value < minimum:
        problems.append(f"value {value} under the minimum {minimum}")
    band = rules.bid_multiplier_up if r.side is Side.BUY else rules.ask_multiplier_down
    if r.price is not None and band is not None and not market:
        limit = order.last_price * (1 + band if r.side is Side.BUY else 1 - band)
        if (r.price > limit) if r.side is Side.BUY else (r.price < limit):
            problems.append(f"price {r.price} outside the band around {order.last_price}")
    return problems


class BotMachine(RuleBasedStateMachine):
    """Every runner of `runners.bot.build_loops`, on the fakes, over a random market path."""

    def __init__(self) -> None:
        super().__init__()
        self.aio = asyncio.new_event_loop()
        self.loops: list[RunnerLoop] = []

    def teardown(self) -> None:
        self.aio.close()
        if hasattr(self, "store"):
            self.store.close()

    @initialize(hours=st.integers(0, 5 * 24), usdt=amounts("USDT"), usdc=amounts("USDC"),
                seed=st.integers(0, 2**16))
    def start(self, hours: int, usdt: Decimal, usdc: Decimal, seed: int) -> None:
        market = bundled()
        self.clock = FakeClock(market.start_ms + DAY_MS + hours * 3_600_000)
        self.faults = Faults(seed=seed, **FAULT_RATES)  # type: ignore[arg-type]
        self.exchange = AuditedExchange(self.clock, market, default_rules(), self.faults)
        self.store = SqliteStore.temporary()  # a real journal: it records who wrote it
        self.exchange.store = self.store
        self.exchange.deposit("USDT", usdt)
        self.exchange.deposit("USDC", usdc)
        deps = ServiceDeps.build(self.exchange, self.store, RecordingNotifier(), self.clock)
        self.ids = ClientIdLedger()
        deps = attrs.evolve(deps, executor=AuditedExecutor(deps.executor, self.ids))
        self.loops = build_loops(CONFIG, deps)
        self.queue = [(self.clock.now_ms(), i) for i in range(len(self.loops))]
        self.pauses = PauseFlags(self.store)
        self.ticks: dict[str, list[int]] = {}  # each runner's ticks that completed
        self.bad_ticks: list[str] = []
        self.unresolved = UnresolvedWatch(UNRESOLVED_TICKS)

    @rule(seconds=st.integers(30, 900))
    def advance(self, seconds: int) -> None:
        self.aio.run_until_complete(self._run_until(self.clock.now_ms() + seconds * 1000))

    @rule(seconds=st.integers(900, 4 * 3600))
    def advance_long(self, seconds: int) -> None:
        self.advance(seconds)

    @rule(seconds=st.integers(900, 6 * 3600))
    def advance_verifying_quiet_promises(self, seconds: int) -> None:
        # A restart: every loop ticks now; a tick that acts while promised quiet raises.
        end_ms = self.clock.now_ms() + seconds * 1000
        errors = [loop.errors for loop in self.loops]
        self.exchange.faults = Faults(seed=self.faults.seed)
        try:
            self.aio.run_until_complete(
                run_simulated(self.loops, self.clock, end_ms, watch=self.exchange, verify=True))
        finally:
            self.exchange.faults = self.faults
        self.bad_ticks += [f"{loop.name} failed while verifying" for loop, before
                           in zip(self.loops, errors, strict=True) if loop.errors > before]
        self.queue = [(self.clock.now_ms(), i) for i in range(len(self.loops))]

    async def _run_until(self, end_ms: int) -> None:
        while self.queue and self.queue[0][0] < end_ms:
            due, index = heapq.heappop(self.queue)
            if due > self.clock.now_ms():
                self.clock.advance_to(due)
            report = await self.loops[index].tick_once()
            self._note(report.runner, report.started_ms, report.error)
            heapq.heappush(self.queue, (max(report.next_ms, due + 1), index))
        self.clock.advance_to(max(end_ms, self.clock.now_ms()))

    def _note(self, runner: str, started_ms: int, error: str | None) -> None:
        if error is None:
            self.ticks.setdefault(runner, []).append(started_ms)
        elif error.split(":", 1)[0] not in TRANSIENT:
            self.bad_ticks.append(f"{runner} at {started_ms}: {error}")

    @rule(runner=st.sampled_from((None, *RUNNERS)), paused=st.booleans())
    def pause_or_resume(self, runner: str | None, paused: bool) -> None:
        if paused:
            self.pauses.pause(runner)
        else:
            self.pauses.resume(runner)

    @rule(data=st.data(), asset=st.sampled_from(sorted(DEPOSITS)))
    def deposit(self, data: st.DataObject, asset: str) -> None:
        self.exchange.deposit(asset, data.draw(amounts(asset)))

    # --- invariants --------------------------------------------------------------------------

    @invariant()
    def no_reserve_is_broken(self) -> None:
        broken = broken_reserves(self.exchange.sent)
        assert broken == [], broken

    @invariant()
    def no_cap_is_exceeded(self) -> None:
        totals: Counter[tuple[str, int]] = Counter()
        for order in self.exchange.sent:
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
            times = sorted({i.created_ms for i in self.store.intents()
                            if i.runner == runner and i.symbol != "USDCUSDT"
                            and not i.reason.startswith("requote")
                            and i.status is not IntentStatus.REJECTED})
            gaps = [b - a for a, b in itertools.pairwise(times)]
            assert all(gap >= cooldown_ms for gap in gaps), (runner, gaps)

    @invariant()
    def every_order_keeps_the_exchange_rules(self) -> None:
        for order in self.exchange.sent:
            assert rule_problems(order, self.exchange.rules[order.request.symbol]) == []
        for intent in self.store.intents([IntentStatus.REJECTED]):
            assert any(h in intent.reason for h in HARMLESS), intent

    @invariant()
    def no_client_order_id_is_sent_twice(self) -> None:
        ids = Counter(o.request.client_order_id for o in self.exchange.sent)
        assert all(n == 1 for n in ids.values()), ids.most_common(3)

    @invariant()
    def nothing_is_placed_while_paused(self) -> None:
        assert not any(o.paused for o in self.exchange.sent)

    @invariant()
    def no_balance_is_negative(self) -> None:
        for balance in self.exchange.engine.account.balances().values():
            assert balance.free >= 0
            assert balance.locked >= 0

    @invariant()
    def no_runner_tick_failed(self) -> None:
        assert self.bad_ticks == [], self.bad_ticks

    @invariant()
    def no_decision_executes_more_than_planned(self) -> None:
        problems = overbought_chains(self.exchange)
        assert problems == [], problems

    @invariant()
    def no_requote_breaks_a_reserve(self) -> None:
        broken = broken_requote_reserves(self.exchange)
        assert broken == [], broken

    @invariant()
    def no_maker_order_outlives_its_requotes(self) -> None:
        overdue = overdue_makers(self.exchange, maker_lifetime_ms(CONFIG), self.ticks)
        assert overdue == [], overdue

    @invariant()
    def every_unresolved_intent_is_resolved_within_a_few_ticks(self) -> None:
        late = self.unresolved.late(self.store.intents(), self.ticks, self.pauses.is_paused)
        assert late == [], late

    @invariant()
    def no_client_order_id_names_two_requests(self) -> None:
        assert self.ids.reused == [], self.ids.reused

    @invariant()
    def the_journal_is_of_the_running_mode(self) -> None:
        on_disk = SqliteStore(self.store.path.parent)  # opened without a mode: claims nothing
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

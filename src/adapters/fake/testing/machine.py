"""`ServicesMachine`: a hypothesis state machine running your services against the fake exchange.

Subclass it, say which services to run (`make_services(deps)`), and hypothesis drives them
over a random stretch of the bundled candles (or your `make_market()`): rules advance time
(ticking each service when due, like the runner), deposit money, pause and resume runners and
inject one-shot faults, on an exchange that is hostile throughout (`FAULT_RATES`). After every
step the invariants check: every order keeps its symbol's rules, reserves hold, no client id is
sent twice or names two requests, nothing is placed while paused, no balance is negative, no
order rests unmanaged, no intent stays unresolved, and no tick fails but for a transient
exchange error.
"""

from __future__ import annotations

import asyncio
import heapq
from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import ClassVar

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule

from adapters.fake.faults import Faults
from adapters.fake.market import MarketData
from adapters.fake.rules import default_rules
from adapters.fake.store import InMemoryStore
from adapters.fake.testing import invariants as check
from adapters.fake.testing.chains import TRANSIENT, UnresolvedWatch
from adapters.fake.testing.markets import bundled_market
from adapters.fake.testing.world import FakeWorld, default_start_ms, make_world
from mexcore.ports import Service, Store
from mexcore.services.deps import ServiceDeps
from mexcore.state import PauseFlags
from mexcore.values import SymbolRules
from runners import loop as _loop

RunnerLoop = _loop.RunnerLoop
HOUR_MS = 3_600_000
#: The default hostility: probabilities per call (see adapters.fake.faults.Faults).
FAULT_RATES: Mapping[str, float | int] = {
    "error_rate": 0.002, "lost_answer_rate": 0.03, "lookups_fail_after_lost": 2,
    "fill_rate": 0.03, "post_only_cancel_rate": 0.5, "price_move_rate": 0.1,
    "price_move_ticks": 3,
}
ONE_SHOT_FAULTS = ("fail_next", "lose_next_answers", "fill_next", "move_next")
#: A machine's usual budget (hypothesis's default, 100 runs of 50 steps, takes minutes):
#: `TestMine = MyMachine.TestCase; TestMine.settings = MACHINE_SETTINGS`.
MACHINE_SETTINGS = settings(max_examples=10, stateful_step_count=15, deadline=None,
                            suppress_health_check=[HealthCheck.too_slow])


def deposit_amounts(top: str | Decimal) -> st.SearchStrategy[Decimal]:
    """Draw a deposit from top/100 to `top`, two decimals finer than `top` is written."""
    high = Decimal(top)
    exponent = high.as_tuple().exponent
    assert isinstance(exponent, int)
    return st.decimals(min_value=high / 100, max_value=high, places=-exponent + 2,
                       allow_nan=False, allow_infinity=False)


class ServicesMachine(RuleBasedStateMachine):
    """Your services on the fakes, over a random market path, with the kit's invariants on.

    Override `make_services` (or `make_loops`); tune with the class attributes below.
    """

    SYMBOLS: ClassVar[tuple[str, ...] | None] = ("BTCUSDC", "ETHUSDC", "USDCUSDT", "BTCUSDT",
                                                 "ETHUSDT")
    DEPOSITS: ClassVar[Mapping[str, str]] = {"USDT": "300", "USDC": "300"}
    START_ASSETS: ClassVar[tuple[str, ...]] = ("USDT", "USDC")
    FAULT_RATES: ClassVar[Mapping[str, float | int]] = FAULT_RATES
    INTERVAL_S: ClassVar[float] = 60
    RESERVES: ClassVar[Mapping[str, Decimal]] = {}
    RESERVE_QUOTE: ClassVar[str] = "USDC"
    MAX_REST_S: ClassVar[int | None] = None
    UNRESOLVED_TICKS: ClassVar[int] = 5
    MAX_START_HOURS: ClassVar[int] = 5 * 24

    def __init__(self) -> None:
        super().__init__()
        self.loops: list[_loop.RunnerLoop] = []

    # --- hooks -------------------------------------------------------------------------------

    def make_services(
        self, deps: ServiceDeps
    ) -> Sequence[Service | tuple[Service, float]]:
        """Return the services to run (each a Service, or a (service, interval_s) pair)."""
        raise NotImplementedError("override make_services(deps) to return your services")

    def make_loops(self, deps: ServiceDeps) -> list[_loop.RunnerLoop]:
        """Wrap each service in a crash-only RunnerLoop, as the bot's runner does."""
        loops = []
        for item in self.make_services(deps):
            service, interval_s = item if isinstance(item, tuple) else (item, self.INTERVAL_S)
            loops.append(RunnerLoop(service, interval_s, deps.clock, deps.notifier,
                                    follow_up=deps.executor.follow_up))
        return loops

    def make_market(self) -> MarketData:
        """Return the market to trade on (default: the bundled candles of SYMBOLS)."""
        return bundled_market(self.SYMBOLS)

    def make_rules(self) -> Mapping[str, SymbolRules]:
        """Return the exchange's symbol rules (default: the fake exchange's)."""
        return default_rules()

    def make_faults(self, seed: int) -> Faults:
        """Return the exchange's standing faults (default: FAULT_RATES, seeded per example)."""
        return Faults(seed=seed, **self.FAULT_RATES)  # type: ignore[arg-type]

    def make_store(self) -> Store:
        """Return the bot's store (default: an InMemoryStore)."""
        return InMemoryStore()

    # --- rules -------------------------------------------------------------------------------

    @initialize(seed=st.integers(0, 2**16), data=st.data())
    def start(self, seed: int, data: st.DataObject) -> None:
        self.aio = asyncio.new_event_loop()  # closed by teardown
        market = self.make_market()
        first_ms = default_start_ms(market)
        room_h = min(self.MAX_START_HOURS, max(0, (market.end_ms - first_ms) // HOUR_MS))
        start_ms = first_ms + data.draw(st.integers(0, room_h), label="hours") * HOUR_MS
        self.faults = self.make_faults(seed)
        self.world: FakeWorld = make_world(market, rules=self.make_rules(), now_ms=start_ms,
                                           faults=self.faults, store=self.make_store())
        for asset in self.START_ASSETS:
            self.world.exchange.deposit(asset, data.draw(deposit_amounts(self.DEPOSITS[asset])))
        self.loops = self.make_loops(self.world.deps)
        self.queue = [(start_ms, i) for i in range(len(self.loops))]
        self.pauses = PauseFlags(self.world.store)
        self.ticks: dict[str, list[int]] = {}  # each runner's ticks that completed
        self.bad_ticks: list[str] = []
        self.unresolved = UnresolvedWatch(self.UNRESOLVED_TICKS)

    @rule(seconds=st.integers(30, 900))
    def advance(self, seconds: int) -> None:
        end_ms = self.world.clock.now_ms() + seconds * 1000
        self.aio.run_until_complete(self.run_until(end_ms))

    @rule(seconds=st.integers(900, 4 * 3600))
    def advance_long(self, seconds: int) -> None:
        self.advance(seconds)

    @rule(data=st.data(), paused=st.booleans())
    def pause_or_resume(self, data: st.DataObject, paused: bool) -> None:
        names = sorted({loop.name for loop in self.loops})
        runner = data.draw(st.sampled_from([None, *names]), label="runner")
        (self.pauses.pause if paused else self.pauses.resume)(runner)

    @rule(data=st.data())
    def deposit(self, data: st.DataObject) -> None:
        asset = data.draw(st.sampled_from(sorted(self.DEPOSITS)), label="asset")
        self.world.exchange.deposit(asset, data.draw(deposit_amounts(self.DEPOSITS[asset])))

    @rule(kind=st.sampled_from(ONE_SHOT_FAULTS), count=st.integers(1, 2))
    def inject_fault(self, kind: str, count: int) -> None:
        faults = self.world.exchange.faults
        setattr(faults, kind, getattr(faults, kind) + count)

    async def run_until(self, end_ms: int) -> None:
        """Tick each loop when due, earliest first, until `end_ms`; note each tick's outcome."""
        clock = self.world.clock
        while self.queue and self.queue[0][0] < end_ms:
            due, index = heapq.heappop(self.queue)
            if due > clock.now_ms():
                clock.advance_to(due)
            report = await self.loops[index].tick_once()
            self.note_tick(report.runner, report.started_ms, report.error)
            heapq.heappush(self.queue, (max(report.next_ms, due + 1), index))
        clock.advance_to(max(end_ms, clock.now_ms()))

    def note_tick(self, runner: str, started_ms: int, error: str | None) -> None:
        """Remember a completed tick, or a failed one (unless the failure was transient)."""
        if error is None:
            self.ticks.setdefault(runner, []).append(started_ms)
        elif error.split(":", 1)[0] not in TRANSIENT:
            self.bad_ticks.append(f"{runner} at {started_ms}: {error}")

    def teardown(self) -> None:
        if hasattr(self, "aio"):
            self.aio.close()
        store = getattr(getattr(self, "world", None), "store", None)
        if store is not None and hasattr(store, "close"):
            store.close()

    # --- invariants --------------------------------------------------------------------------

    @invariant()
    def every_order_keeps_the_symbol_rules(self) -> None:
        problems = check.rule_breaks(self.world.exchange)
        assert problems == [], problems

    @invariant()
    def no_reserve_is_broken(self) -> None:
        sent = self.world.exchange.sent
        problems = check.broken_reserves(sent, self.RESERVES, self.RESERVE_QUOTE)
        assert problems == [], problems

    @invariant()
    def no_client_order_id_is_sent_twice(self) -> None:
        problems = check.client_ids_sent_twice(self.world.exchange.sent)
        assert problems == [], problems

    @invariant()
    def no_client_order_id_names_two_requests(self) -> None:
        assert self.world.ids.reused == [], self.world.ids.reused

    @invariant()
    def nothing_is_placed_while_paused(self) -> None:
        problems = check.placed_while_paused(self.world.exchange.sent)
        assert problems == [], problems

    @invariant()
    def no_balance_is_negative(self) -> None:
        problems = check.negative_balances(self.world.exchange)
        assert problems == [], problems

    @invariant()
    def no_order_rests_unmanaged(self) -> None:
        problems = check.unmanaged_orders(self.world.exchange, self.world.store)
        assert problems == [], problems
        if self.MAX_REST_S is not None:
            overdue = check.overdue_orders(self.world.exchange, self.MAX_REST_S * 1000,
                                           self.ticks)
            assert overdue == [], overdue

    @invariant()
    def every_unresolved_intent_is_resolved_within_a_few_ticks(self) -> None:
        late = self.unresolved.late(self.world.store.intents(), self.ticks,
                                    self.pauses.is_paused)
        assert late == [], late

    @invariant()
    def no_tick_failed(self) -> None:
        assert self.bad_ticks == [], self.bad_ticks

"""The whole bot as a hypothesis state machine: every runner over random stretches of real candles.

Steps move simulated time (ticking each loop when due, like `runners.schedule`, or through
`run_simulated` itself with quiet ticks skipped and every promise verified), pause and resume
runners, and deposit money. After every step the orders the exchange saw must keep the
risk rules of SPEC §1.10: reserves, caps, cooldowns, the exchange's rules, unique client order
ids, nothing while paused, no negative balance, and no runner tick that failed.
"""

from __future__ import annotations

import asyncio
import functools
import heapq
import itertools
from collections import Counter
from decimal import Decimal

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule
from tests.unit.services.support import (
    AuditedExchange,
    SentOrder,
    broken_reserves,
    is_requote,
    request_value,
)

from adapters.fake import FakeClock, MarketData, RecordingNotifier, default_rules, load_market_data
from adapters.fake.store import InMemoryStore
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
#: Rejections that only mean "try again differently" (a maker order that would have taken).
HARMLESS = ("would immediately match",)


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

    @initialize(hours=st.integers(0, 5 * 24), usdt=amounts("USDT"), usdc=amounts("USDC"))
    def start(self, hours: int, usdt: Decimal, usdc: Decimal) -> None:
        market = bundled()
        self.clock = FakeClock(market.start_ms + DAY_MS + hours * 3_600_000)
        self.exchange = AuditedExchange(self.clock, market, default_rules())
        self.store = InMemoryStore()
        self.exchange.store = self.store
        self.exchange.deposit("USDT", usdt)
        self.exchange.deposit("USDC", usdc)
        deps = ServiceDeps.build(self.exchange, self.store, RecordingNotifier(), self.clock)
        self.loops = build_loops(BotConfig(), deps)
        self.queue = [(self.clock.now_ms(), i) for i in range(len(self.loops))]
        self.pauses = PauseFlags(self.store)

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
        self.aio.run_until_complete(
            run_simulated(self.loops, self.clock, end_ms, watch=self.exchange, verify=True))
        self.queue = [(self.clock.now_ms(), i) for i in range(len(self.loops))]

    async def _run_until(self, end_ms: int) -> None:
        while self.queue and self.queue[0][0] < end_ms:
            due, index = heapq.heappop(self.queue)
            if due > self.clock.now_ms():
                self.clock.advance_to(due)
            report = await self.loops[index].tick_once()
            heapq.heappush(self.queue, (max(report.next_ms, due + 1), index))
        self.clock.advance_to(max(end_ms, self.clock.now_ms()))

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
        assert broken_reserves(self.exchange.sent) == []

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
        assert [(loop.name, loop.errors) for loop in self.loops if loop.errors] == []


BotMachine.TestCase.settings = settings(
    max_examples=10, stateful_step_count=15, deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
TestBotMachine = BotMachine.TestCase

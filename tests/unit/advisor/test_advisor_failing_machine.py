"""Stateful: with the advisor failing in every way, the scanner sends the orders it sends without.

Two identical worlds run in lockstep, one without an advisor and one whose advisor (veto_buys
on, on_failure = no_opinion) is silent, raises or hangs past its deadline, switching at random.
After every step both exchanges must have received the very same order requests.
"""

from __future__ import annotations

import asyncio
from decimal import Decimal

import attrs
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule
from tests.unit.advisor.test_scanner_veto import two_opportunities
from tests.unit.services.support import MINUTE_MS, MINUTES, T0, World

from adapters.fake.advisor import Failure, FakeAdvisor
from adapters.fake.testing.machine import deposit_amounts
from mexcore.advisor import AdvisorPolicy
from mexcore.policies import AntiHypePolicy, ScannerPolicy
from mexcore.services.scanner import MarketScanner
from mexcore.services.scanner_advice import SafeAdvisor

FAILING = AdvisorPolicy(enabled=True, veto_buys=True, timeout_s=Decimal("0.01"))
LAST_MS = T0 + (MINUTES - 2) * MINUTE_MS  # leave the market's last candles alone


def _requests(w: World) -> list[tuple[object, ...]]:
    return [(s.request.symbol, s.request.side, s.request.type, s.request.quantity,
             s.request.quote_qty, s.request.price, s.decided_ms) for s in w.exchange.sent]


class AdvisorFailingMachine(RuleBasedStateMachine):
    @initialize(usdt=deposit_amounts("200"), failure=st.sampled_from(list(Failure)))
    def start(self, usdt: Decimal, failure: Failure) -> None:
        self.aio = asyncio.new_event_loop()
        self.off, self.on = two_opportunities(), two_opportunities()
        for w in (self.off, self.on):
            w.exchange.deposit("USDT", usdt)
        self.fake = FakeAdvisor(failure=failure)
        self.safe = SafeAdvisor(self.fake, FAILING)
        self.scanners = [
            MarketScanner(self.off.deps, ScannerPolicy(), AntiHypePolicy()),
            MarketScanner(attrs.evolve(self.on.deps, advisor=self.safe), ScannerPolicy(),
                          AntiHypePolicy()),
        ]

    @rule(failure=st.sampled_from(list(Failure)))
    def fail_another_way(self, failure: Failure) -> None:
        self.fake.failure = failure

    @rule(seconds=st.integers(30, 300))
    def advance_and_tick(self, seconds: int) -> None:
        to_ms = min(self.off.clock.now_ms() + seconds * 1000, LAST_MS)
        for w, scanner in zip((self.off, self.on), self.scanners, strict=True):
            w.clock.advance_to(max(to_ms, w.clock.now_ms()))
            self.aio.run_until_complete(scanner.tick())

    @rule(usdt=deposit_amounts("100"))
    def deposit(self, usdt: Decimal) -> None:
        for w in (self.off, self.on):
            w.exchange.deposit("USDT", usdt)

    @invariant()
    def both_worlds_sent_the_same_orders(self) -> None:
        assert _requests(self.on) == _requests(self.off)

    def teardown(self) -> None:
        if hasattr(self, "aio"):
            self.aio.run_until_complete(self.safe.drain())
            self.aio.close()


TestAdvisorFailing = AdvisorFailingMachine.TestCase
TestAdvisorFailing.settings = settings(max_examples=8, stateful_step_count=8, deadline=None,
                                       suppress_health_check=[HealthCheck.too_slow])


def test_the_machine_actually_buys_so_the_comparison_is_not_empty() -> None:
    machine = AdvisorFailingMachine()
    machine.start(usdt=Decimal("100"), failure=Failure.HANG)
    machine.advance_and_tick(60)
    machine.both_worlds_sent_the_same_orders()
    try:
        assert len(machine.off.exchange.sent) >= 1
    finally:
        machine.teardown()

"""The ServicesMachine base runs a user's service against the hostile fake and catches what a
careless one does: spending into its reserve, one client id for two requests."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import ClassVar

import pytest
from hypothesis import HealthCheck, Phase, settings
from hypothesis.stateful import run_state_machine_as_test

from adapters.fake.testing import ServicesMachine
from mexcore.client_ids import client_order_id
from mexcore.quiet import Quiet
from mexcore.services.deps import ServiceDeps
from mexcore.values import OrderRequest, OrderType, Side

D = Decimal
SYMBOL = "BTCUSDC"
RESERVE = D(20)
FAST = settings(max_examples=8, stateful_step_count=8, deadline=None, derandomize=True,
                phases=[Phase.generate], report_multiple_bugs=False,
                suppress_health_check=[HealthCheck.too_slow])


class DipBuyer:
    """Buy 6 USDC of BTC at market when the last hour closed lower than the one before."""

    name = "dip_buyer"

    def __init__(self, deps: ServiceDeps, keep: Decimal = RESERVE, fixed_id: str = "") -> None:
        self.deps, self.keep, self.fixed_id = deps, keep, fixed_id
        self.quiet: Quiet | None = None
        self.spend = D(6)

    async def tick(self) -> int:
        candles = await self.deps.exchange.candles(SYMBOL, "60m", 3)
        if len(candles) < 3 or candles[-2].close >= candles[-3].close:
            return 0
        balances = await self.deps.exchange.balances()
        free = balances["USDC"].free if "USDC" in balances else D(0)
        if free - self.spend < self.keep:
            return 0
        now = self.deps.clock.now_ms()
        cid = self.fixed_id or client_order_id(self.name, SYMBOL, now, side=Side.BUY,
                                               purpose="dip")
        request = OrderRequest(SYMBOL, Side.BUY, OrderType.MARKET, cid, quote_qty=self.spend)
        self.spend += D(1) if self.fixed_id else D(0)
        await self.deps.executor.submit(self.name, request, "dip")
        return 1


class DipMachine(ServicesMachine):
    SYMBOLS = (SYMBOL,)
    RESERVES: ClassVar = {"dip_buyer": RESERVE}

    def make_services(self, deps: ServiceDeps) -> Sequence[tuple[DipBuyer, float]]:
        return [(DipBuyer(deps), 300)]


class CarelessDipMachine(DipMachine):
    def make_services(self, deps: ServiceDeps) -> Sequence[tuple[DipBuyer, float]]:
        return [(DipBuyer(deps, keep=D(0)), 300)]


class ReusingDipMachine(DipMachine):
    def make_services(self, deps: ServiceDeps) -> Sequence[tuple[DipBuyer, float]]:
        return [(DipBuyer(deps, fixed_id="mxdip"), 300)]


class CountingDipMachine(DipMachine):
    sent: ClassVar[list[int]] = []  # orders that reached the exchange, per example

    def teardown(self) -> None:
        if hasattr(self, "world"):
            self.sent.append(len(self.world.exchange.sent))
        super().teardown()


def test_a_service_that_keeps_its_reserve_passes_every_invariant() -> None:
    run_state_machine_as_test(CountingDipMachine, settings=settings(FAST, max_examples=12))

    assert sum(CountingDipMachine.sent) > 0  # the machine drove it to trade


def test_a_service_that_spends_into_its_reserve_is_caught() -> None:
    with pytest.raises(AssertionError, match="dip_buyer at"):
        run_state_machine_as_test(CarelessDipMachine, settings=settings(FAST, max_examples=30))


def test_a_service_that_reuses_a_client_id_for_another_request_is_caught() -> None:
    with pytest.raises(AssertionError, match="mxdip was"):
        run_state_machine_as_test(ReusingDipMachine, settings=settings(FAST, max_examples=30))


def test_a_machine_without_services_says_what_to_override() -> None:
    with pytest.raises(NotImplementedError, match="make_services"):
        ServicesMachine().make_services(None)  # type: ignore[arg-type]

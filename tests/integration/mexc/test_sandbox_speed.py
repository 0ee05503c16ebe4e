"""A sandbox replaying faster than real time still serves a client on its own real clock."""

from __future__ import annotations

from decimal import Decimal

import httpx
from tests.integration.exchange_contract.harness import START_MS, TRADEABLE, bundled_market

from adapters.mexc import Credentials, MexcExchange, MexcSettings
from adapters.sandbox import ReplayClock, SandboxAccount, SandboxConfig, running_sandbox
from mexcore.values import OrderRequest, OrderStatus, OrderType, Side


class Timer:
    """A controllable timer for the replay clock (seconds)."""

    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


async def test_orders_and_fills_work_while_the_market_runs_sixty_times_faster() -> None:
    timer = Timer()
    clock = ReplayClock(START_MS, speed=60, timer=timer)
    config = SandboxConfig(accounts=(SandboxAccount("k", "s", {"USDC": Decimal(100)}),),
                           rate_limit=False)
    async with running_sandbox(config, clock=clock, market=bundled_market()) as run, \
            httpx.AsyncClient() as client:
        mexc = MexcExchange(client, MexcSettings(base_url=run.base_url), Credentials("k", "s"))
        await mexc.balances()
        timer.now += 10  # ten real seconds: ten market minutes

        request = OrderRequest(TRADEABLE, Side.BUY, OrderType.MARKET, "fast1",
                               quote_qty=Decimal(20))
        order = await mexc.place_order(request)
        fills = await mexc.my_fills(TRADEABLE, since_ms=START_MS)

    assert order.status is OrderStatus.FILLED
    assert [f.client_order_id for f in fills] == ["fast1"]
    assert fills[0].time_ms >= START_MS + 600_000


async def test_a_client_that_restarts_resyncs_once_and_goes_on() -> None:
    timer = Timer()
    clock = ReplayClock(START_MS, speed=60, timer=timer)
    config = SandboxConfig(accounts=(SandboxAccount("k", "s"),), rate_limit=False)
    async with running_sandbox(config, clock=clock, market=bundled_market()) as run, \
            httpx.AsyncClient() as client:
        first = MexcExchange(client, MexcSettings(base_url=run.base_url), Credentials("k", "s"))
        await first.balances()
        timer.now += 60
        second = MexcExchange(client, MexcSettings(base_url=run.base_url),
                              Credentials("k", "s"))
        balances = await second.balances()
        again = await second.balances()
    assert balances == again == {}

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


class SlowTimer(Timer):
    """A timer on which every reading of the replay clock costs `step_s` real seconds."""

    def __init__(self, step_s: float) -> None:
        super().__init__()
        self.step_s = step_s

    def __call__(self) -> float:
        self.now += self.step_s
        return self.now


async def test_a_client_slowed_between_its_time_sync_and_its_request_is_still_served() -> None:
    # 0.2 real seconds between reading the server time and signing (a paced start, as after
    # a crash): 12 s of a 60x replay, more than the 5 s recvWindow of replayed time.
    clock = ReplayClock(START_MS, speed=60, timer=SlowTimer(0.2))
    config = SandboxConfig(accounts=(SandboxAccount("k", "s", {"USDC": Decimal(100)}),),
                           rate_limit=False)
    async with running_sandbox(config, clock=clock, market=bundled_market()) as run, \
            httpx.AsyncClient() as client:
        mexc = MexcExchange(client, MexcSettings(base_url=run.base_url), Credentials("k", "s"))
        balances = await mexc.balances()

    assert balances["USDC"].free == Decimal(100)

"""Faults through the sandbox: what MexcExchange does when MEXC misbehaves over real HTTP."""

from __future__ import annotations

import argparse
import asyncio
import logging
from decimal import Decimal
from pathlib import Path

import httpx
import pytest
from tests.integration.exchange_contract.harness import (
    NOT_API,
    START_MS,
    TRADEABLE,
    bundled_market,
)
from tests.integration.mexc.harness import KEY, SECRET, SandboxHarness, sandbox_harness

from adapters.fake import FakeClock
from adapters.mexc import Credentials, MexcExchange, MexcSettings, RateLimited
from adapters.mexc.errors import ClockSkew, FirewallBlocked
from adapters.sandbox import Sandbox, SandboxAccount, SandboxConfig, running_sandbox
from mexcore.errors import MexbotError, OutcomeUnknown, SkipSymbol, StopForHuman
from mexcore.values import OrderRequest, OrderStatus, OrderType, Side
from runners.sandbox_command import sandbox_config


def market_buy(cid: str, symbol: str = TRADEABLE, amount: str = "20") -> OrderRequest:
    return OrderRequest(symbol, Side.BUY, OrderType.MARKET, cid, quote_qty=Decimal(amount))


def orders_in(world: SandboxHarness) -> list[str]:
    return [o.client_order_id for o in world.sandbox.exchanges[KEY].all_orders()]


async def test_lost_answer_after_acceptance_returns_the_single_order(
        world: SandboxHarness) -> None:
    await world.deposit("USDC", Decimal(100))
    world.sandbox.faults.lose_next_order_answers = 1
    world.sandbox.faults.hide_new_orders_queries = 2

    order = await world.mexc.place_order(market_buy("lost1"))

    assert order.client_order_id == "lost1"
    assert order.status is OrderStatus.FILLED
    assert orders_in(world) == ["lost1"]
    assert len(world.pacing.sleeps) >= 2  # waited out MEXC's -2013 twice


async def test_answer_that_times_out_after_acceptance_returns_the_single_order() -> None:
    async with sandbox_harness(timeout_s=0.2) as world:
        await world.deposit("USDC", Decimal(100))
        world.sandbox.faults.lose_next_order_answers = 1
        world.sandbox.faults.lost_answer_delay_s = 0.6

        order = await world.mexc.place_order(market_buy("slow1"))

        assert order.client_order_id == "slow1"
        assert orders_in(world) == ["slow1"]


async def test_5xx_before_acceptance_is_outcome_unknown_and_nothing_is_placed(
        world: SandboxHarness) -> None:
    await world.deposit("USDC", Decimal(100))
    world.sandbox.faults.server_error_methods = ("POST",)
    world.sandbox.faults.server_error_next = 1

    with pytest.raises(OutcomeUnknown):
        await world.mexc.place_order(market_buy("e1"))
    assert orders_in(world) == []
    retried = await world.mexc.place_order(market_buy("e1"))
    assert retried.status is OrderStatus.FILLED
    assert orders_in(world) == ["e1"]


async def test_a_429_with_retry_after_backs_off_then_succeeds(world: SandboxHarness) -> None:
    world.sandbox.faults.rate_limit_next = 1
    world.sandbox.faults.retry_after_s = 2
    before = world.sandbox.requests

    candles = await world.mexc.candles(TRADEABLE, "15m", 10)

    assert len(candles) == 10
    assert world.sandbox.requests - before == 2
    assert sum(world.pacing.sleeps) >= 1.9  # Retry-After 2 s, counted from the 429


async def test_after_a_long_ban_no_request_is_sent_until_it_ends(world: SandboxHarness) -> None:
    world.sandbox.faults.rate_limit_next = 1
    world.sandbox.faults.retry_after_s = 300
    with pytest.raises(RateLimited):
        await world.mexc.order_book(TRADEABLE)
    sent = world.sandbox.requests

    for call in (world.mexc.tickers_24h(), world.mexc.balances()):
        with pytest.raises(RateLimited) as caught:
            await call
        assert caught.value.retry_after_s is not None
        assert caught.value.retry_after_s > 200
    assert world.sandbox.requests == sent


async def test_5xx_on_reads_are_retried(world: SandboxHarness) -> None:
    world.sandbox.faults.server_error_next = 2
    before = world.sandbox.requests

    book = await world.mexc.order_book(TRADEABLE, 5)

    assert book.best_bid is not None
    assert world.sandbox.requests - before == 3


@pytest.mark.parametrize("skew_ms", [60_000, -30_000])
async def test_clock_skew_resyncs_and_the_read_succeeds(
        world: SandboxHarness, skew_ms: int) -> None:
    await world.deposit("USDC", Decimal(7))
    await world.mexc.balances()
    world.sandbox.faults.clock_skew_ms = skew_ms

    balances = await world.mexc.balances()

    assert balances["USDC"].free == Decimal(7)
    assert world.mexc.http.offset_ms is not None
    assert abs(world.mexc.http.offset_ms - skew_ms) < 1000


async def test_clock_skew_on_an_order_resyncs_and_places_nothing(world: SandboxHarness) -> None:
    await world.deposit("USDC", Decimal(100))
    await world.mexc.balances()
    world.sandbox.faults.clock_skew_ms = 45_000

    with pytest.raises(ClockSkew):
        await world.mexc.place_order(market_buy("skew1"))
    assert orders_in(world) == []
    order = await world.mexc.place_order(market_buy("skew1"))
    assert order.status is OrderStatus.FILLED


async def test_symbol_closed_to_the_api_is_skipped_with_a_clear_message(
        world: SandboxHarness) -> None:
    await world.deposit("USDT", Decimal(100))

    with pytest.raises(SkipSymbol) as caught:
        await world.mexc.place_order(market_buy("na1", NOT_API))

    assert caught.value.symbol == NOT_API
    assert "not allow trading this symbol through the API" in caught.value.reason
    assert orders_in(world) == []


async def test_symbol_known_closed_to_the_api_is_skipped_without_a_request(
        world: SandboxHarness) -> None:
    await world.mexc.symbol_rules()
    before = world.sandbox.requests

    with pytest.raises(SkipSymbol):
        await world.mexc.place_order(market_buy("na2", NOT_API))
    assert world.sandbox.requests == before


async def test_firewall_page_is_a_clear_retry_later(world: SandboxHarness) -> None:
    world.sandbox.faults.forbid_next = 1
    with pytest.raises(FirewallBlocked, match="firewall"):
        await world.mexc.tickers_24h()


async def test_a_wrong_secret_stops_for_a_human_and_leaks_nothing(
        world: SandboxHarness, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    wrong = "WRONGsecretWRONGsecret"
    base = world.mexc.settings.base_url
    mexc = MexcExchange(world.mexc.http._client, MexcSettings(base_url=base),
                        Credentials(KEY, wrong))
    errors: list[MexbotError] = []
    for call in (mexc.balances(), mexc.place_order(market_buy("w1"))):
        with pytest.raises(StopForHuman) as caught:
            await call
        errors.append(caught.value)
    text = " ".join([*map(str, errors), *map(repr, errors), caplog.text])
    assert "MEXC_API_SECRET" in str(errors[0])
    for secret in (wrong, SECRET, KEY):
        assert secret not in text
    assert "signature=" not in text.replace("signature=***", "")


async def test_a_concurrent_scan_at_default_pacing_never_earns_a_429() -> None:
    config = SandboxConfig(accounts=(SandboxAccount(KEY, SECRET),))
    async with running_sandbox(config, clock=FakeClock(START_MS), market=bundled_market()) \
            as run, httpx.AsyncClient() as client:
        mexc = MexcExchange(client, MexcSettings(base_url=run.base_url))
        symbols = sorted(await mexc.symbol_rules())
        gate = asyncio.Semaphore(10)

        async def scan(symbol: str) -> int:
            async with gate:
                return len(await mexc.candles(symbol, "15m", 50))

        counts = await asyncio.gather(*(scan(s) for s in symbols + symbols))
        assert run.sandbox.throttled == 0
    assert len(counts) == 2 * len(symbols) > 40
    assert all(c == 50 for c in counts)


MARKET_FAULTS_TOML = """
[sandbox]
seed = 9
[sandbox.faults]
fill_rate = 0.2
fill_next = 2
post_only_cancel_rate = 1.0
lookups_fail_after_lost = 3
price_move_rate = 0.1
price_move_ticks = 5
move_next = 1
"""


def test_the_market_fault_keys_of_the_config_reach_the_fake_exchange(tmp_path: Path) -> None:
    path = tmp_path / "sandbox.toml"
    path.write_text(MARKET_FAULTS_TOML)
    args = argparse.Namespace(config=path, data=None, speed=None, seed=None)
    sandbox = Sandbox(sandbox_config(args), clock=FakeClock(START_MS), market=bundled_market())

    faults = sandbox.exchange_for("sandbox-api-key").faults

    assert (faults.fill_rate, faults.fill_next, faults.post_only_cancel_rate) == (0.2, 2, 1.0)
    assert (faults.lookups_fail_after_lost, faults.price_move_rate) == (3, 0.1)
    assert (faults.price_move_ticks, faults.move_next, faults.seed) == (5, 1, 9)
    assert (sandbox.faults.fill_next, sandbox.faults.move_next) == (0, 0)  # moved, not copied


async def maker_at(world: SandboxHarness, side: str, cid: str) -> OrderRequest:
    book = await world.mexc.order_book(TRADEABLE, 5)
    price = book.best_ask if side == "ask" else book.best_bid
    assert price is not None
    qty = (Decimal(10) / price).quantize(world.sandbox.public.rules[TRADEABLE].qty_step)
    return OrderRequest(TRADEABLE, Side.BUY, OrderType.LIMIT_MAKER, cid, quantity=qty,
                        price=price)


async def test_a_taking_post_only_order_comes_back_cancelled_over_http(
        world: SandboxHarness) -> None:
    await world.deposit("USDC", Decimal(100))
    world.sandbox.faults.post_only_cancel_rate = 1.0

    order = await world.mexc.place_order(await maker_at(world, "ask", "po1"))

    assert order.status is OrderStatus.CANCELED
    assert order.executed_qty == 0
    assert (await world.mexc.balances())["USDC"].free == 100


async def test_look_ups_failing_after_a_lost_answer_still_find_the_single_order(
        world: SandboxHarness) -> None:
    await world.deposit("USDC", Decimal(100))
    world.sandbox.faults.lose_next_order_answers = 1
    world.sandbox.faults.lookups_fail_after_lost = 2

    order = await world.mexc.place_order(await maker_at(world, "bid", "lk1"))

    assert order.client_order_id == "lk1"
    assert order.status is OrderStatus.NEW
    assert orders_in(world) == ["lk1"]


async def test_a_fill_posted_to_the_faults_endpoint_fills_the_resting_order(
        world: SandboxHarness) -> None:
    await world.deposit("USDC", Decimal(100))
    placed = await world.mexc.place_order(await maker_at(world, "bid", "fl1"))
    async with httpx.AsyncClient() as client:
        base = world.mexc.settings.base_url
        answer = await client.post(f"{base}/sandbox/faults", json={"fill_next": 1})
    assert answer.status_code == 200

    order = await world.mexc.get_order(TRADEABLE, placed.client_order_id)

    assert order.executed_qty > 0
    assert [f.price for f in await world.mexc.my_fills(TRADEABLE)] == [placed.price]

"""Stream faults on demand and MEXC's stream limits, as a client of the sandbox sees them."""

from __future__ import annotations

import asyncio
import json

import pytest
from tests.integration.mexc.ws_harness import (
    FAST,
    ask,
    closed,
    next_binary,
    stream,
    subscribe,
    ws_world,
)

from adapters.mexc.ws_frames import DepthDiffPush, FrameError, decode_frame
from adapters.sandbox.ws_channels import WsSettings

SYMBOL = "BTCUSDT"
DEPTH = f"spot@public.aggre.depth.v3.api.pb@100ms@{SYMBOL}"
TICKER = f"spot@public.aggre.bookTicker.v3.api.pb@100ms@{SYMBOL}"


async def test_the_close_fault_closes_a_subscribed_stream_and_counts_it() -> None:
    async with ws_world() as world, stream(world.ws_url) as socket:
        await subscribe(socket, TICKER)
        world.sandbox.faults.update({"ws_close_next": 1})

        assert await closed(socket)
        assert world.sandbox.faults.ws_close_next == 0
        assert world.sandbox.ws_stats.closed_by_fault == 1


async def test_a_stalled_stream_stays_open_but_sends_nothing_not_even_pong() -> None:
    async with ws_world() as world, stream(world.ws_url) as socket:
        await subscribe(socket, TICKER)
        await next_binary(socket)
        world.sandbox.faults.update({"ws_stall_next": 1})
        await asyncio.sleep(0.05)
        world.sandbox.move_price(SYMBOL, 200)
        await socket.send(json.dumps({"method": "PING"}))

        with pytest.raises(TimeoutError):
            await asyncio.wait_for(socket.recv(), 0.3)


async def test_the_malformed_fault_sends_a_frame_that_does_not_decode_before_a_good_one() -> None:
    async with ws_world() as world, stream(world.ws_url) as socket:
        world.sandbox.faults.update({"ws_malformed_next": 1})
        await subscribe(socket, TICKER)
        bad, good = await next_binary(socket), await next_binary(socket)

    with pytest.raises(FrameError):
        decode_frame(bad)
    assert decode_frame(good).symbol == SYMBOL  # type: ignore[union-attr]


async def test_the_skip_fault_makes_the_next_depth_diff_leave_a_version_gap() -> None:
    async with ws_world() as world, stream(world.ws_url) as socket:
        await subscribe(socket, DEPTH)
        world.sandbox.move_price(SYMBOL, 100)
        first = decode_frame(await next_binary(socket))
        world.sandbox.faults.update({"ws_skip_depth_version_next": 1})
        world.sandbox.move_price(SYMBOL, 400)
        await asyncio.sleep(0.1)  # that diff is lost
        world.sandbox.move_price(SYMBOL, 700)
        second = decode_frame(await next_binary(socket))

    assert isinstance(first, DepthDiffPush)
    assert isinstance(second, DepthDiffPush)
    assert second.from_version > first.to_version + 1


async def test_a_connection_without_a_subscription_is_closed_when_idle() -> None:
    settings = WsSettings(push_interval_s=0.01, idle_unsubscribed_s=0.1)
    async with ws_world(settings) as world, stream(world.ws_url) as socket:
        assert await closed(socket)


async def test_a_ping_keeps_a_subscribed_connection_without_data_alive() -> None:
    settings = WsSettings(push_interval_s=0.01, idle_subscribed_s=0.2)
    async with ws_world(settings) as world, stream(world.ws_url) as socket:
        await subscribe(socket, DEPTH)  # the book stands still: no data
        for _ in range(4):
            await asyncio.sleep(0.1)
            assert (await ask(socket, {"method": "PING"}))["msg"] == "PONG"
        assert await closed(socket)  # no more PING: closed after 0.2 s


async def test_more_than_100_messages_a_second_close_the_connection() -> None:
    async with ws_world(FAST) as world, stream(world.ws_url) as socket:
        for _ in range(101):
            await socket.send(json.dumps({"method": "PING"}))

        assert await closed(socket)

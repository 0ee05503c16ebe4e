"""StreamConnection against a tiny scripted websockets server on 127.0.0.1."""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from typing import Any

import pytest
from websockets.asyncio.server import ServerConnection, serve

from adapters.mexc.proto.PushDataV3ApiWrapper_pb2 import PushDataV3ApiWrapper
from adapters.mexc.ws_connection import End, StreamConnection, StreamTimings
from adapters.mexc.ws_frames import Refusal, Reply
from adapters.mexc.ws_pool import StreamPool, chunks

BOOK = "spot@public.aggre.bookTicker.v3.api.pb@100ms@BTCUSDT"
DEALS = "spot@public.aggre.deals.v3.api.pb@100ms@BTCUSDT"
FAST = StreamTimings(ping_interval_s=0.05, stall_s=2.0, backoff_first_s=0.02,
                     backoff_max_s=0.2, connect_timeout_s=2.0)
OnSubscribe = Callable[[ServerConnection, list[str]], Awaitable[None]]


def push_bytes(channel: str = BOOK, bid: str = "100") -> bytes:
    wrapper = PushDataV3ApiWrapper(channel=channel, symbol="BTCUSDT", sendTime=1)
    ticker = wrapper.publicAggreBookTicker
    ticker.bidPrice, ticker.bidQuantity, ticker.askPrice, ticker.askQuantity = bid, "1", "101", "2"
    return wrapper.SerializeToString()


async def ack(ws: ServerConnection, channels: list[str]) -> None:
    await ws.send(json.dumps({"id": 0, "code": 0, "msg": ",".join(channels)}))


class Script:
    """What the server saw, and how it answers."""

    def __init__(self, on_subscribe: OnSubscribe = ack, answer_pings: bool = True) -> None:
        self.on_subscribe, self.answer_pings = on_subscribe, answer_pings
        self.subscriptions: list[list[str]] = []
        self.connected_at: list[float] = []
        self.pings = 0

    async def handle(self, ws: ServerConnection) -> None:
        self.connected_at.append(time.monotonic())
        async for message in ws:
            data = json.loads(message)
            if data["method"] == "SUBSCRIPTION":
                self.subscriptions.append(list(data["params"]))
                await self.on_subscribe(ws, list(data["params"]))
            elif data["method"] == "PING":
                self.pings += 1
                if self.answer_pings:
                    await ws.send('{"id":0,"code":0,"msg":"PONG"}')


@asynccontextmanager
async def server(script: Script) -> AsyncIterator[str]:
    async with serve(script.handle, "127.0.0.1", 0) as running:
        port = next(iter(running.sockets)).getsockname()[1]
        yield f"ws://127.0.0.1:{port}/ws"


@asynccontextmanager
async def running(connection: StreamConnection | StreamPool) -> AsyncIterator[asyncio.Event]:
    stop = asyncio.Event()
    task = asyncio.create_task(connection.run(stop))
    try:
        yield stop
    finally:
        stop.set()
        await asyncio.wait_for(task, timeout=5)


async def until(condition: Callable[[], bool], timeout_s: float = 5.0) -> None:
    deadline = time.monotonic() + timeout_s
    while not condition():
        assert time.monotonic() < deadline, "condition not met in time"
        await asyncio.sleep(0.01)


def connection(url: str, channels: list[str], pushes: list[PushDataV3ApiWrapper],
               timings: StreamTimings = FAST) -> StreamConnection:
    return StreamConnection(url, channels, pushes.append, timings=timings)


async def test_the_connection_subscribes_and_hands_on_the_pushes() -> None:
    async def ack_then_push(ws: ServerConnection, channels: list[str]) -> None:
        await ack(ws, channels)
        await ws.send(push_bytes(bid="93387.28"))

    pushes: list[PushDataV3ApiWrapper] = []
    states: list[bool] = []
    async with server(Script(ack_then_push)) as url:
        stream = connection(url, [BOOK, DEALS], pushes)
        stream.on_state = states.append
        async with running(stream):
            await until(lambda: bool(pushes))
    assert stream.stats.acked == {BOOK, DEALS}
    assert pushes[0].publicAggreBookTicker.bidPrice == "93387.28"
    assert states[:1] == [True]
    assert states[-1] is False


async def test_the_connection_pings_and_counts_the_pongs() -> None:
    script = Script()
    async with server(script) as url:
        stream = connection(url, [BOOK], [])
        async with running(stream):
            await until(lambda: script.pings >= 3 and stream.stats.pongs >= 3)
    assert stream.stats.ends == [End.STOPPED]
    assert stream.stats.connects == 1


async def test_a_closed_connection_is_reopened_and_subscribed_again() -> None:
    async def ack_then_close(ws: ServerConnection, channels: list[str]) -> None:
        await ack(ws, channels)
        if len(script.subscriptions) < 3:
            await ws.close()

    script = Script(ack_then_close)
    async with server(script) as url:
        stream = connection(url, [BOOK, DEALS], [])
        async with running(stream):
            await until(lambda: len(script.subscriptions) >= 3)
    assert script.subscriptions == [[BOOK, DEALS]] * 3
    assert stream.stats.ends[:2] == [End.CLOSED, End.CLOSED]


async def test_reconnects_back_off_longer_after_each_failure_in_a_row() -> None:
    async def close_at_once(ws: ServerConnection, channels: list[str]) -> None:
        await ws.close()

    script = Script(close_at_once)
    timings = StreamTimings(backoff_first_s=0.05, backoff_max_s=1.0, jitter=0.0)
    async with server(script) as url:
        stream = connection(url, [BOOK], [], timings)
        async with running(stream):
            await until(lambda: len(script.connected_at) >= 4)
    gaps = [b - a for a, b in zip(script.connected_at, script.connected_at[1:], strict=False)]
    assert gaps[0] >= 0.05
    assert gaps[1] >= 0.1
    assert gaps[2] >= 0.2


async def test_a_server_that_acks_and_closes_at_once_is_backed_off_too() -> None:
    async def ack_and_close(ws: ServerConnection, channels: list[str]) -> None:
        await ack(ws, channels)
        await ws.close()

    script = Script(ack_and_close)
    timings = StreamTimings(backoff_first_s=0.05, backoff_max_s=1.0, jitter=0.0)
    async with server(script) as url:
        stream = connection(url, [BOOK], [], timings)
        async with running(stream):
            await until(lambda: len(script.connected_at) >= 4)
    gaps = [b - a for a, b in zip(script.connected_at, script.connected_at[1:], strict=False)]
    assert gaps[2] >= 0.2


def test_backoff_doubles_up_to_its_cap_within_the_jitter() -> None:
    timings = StreamTimings(backoff_first_s=0.5, backoff_max_s=60.0, jitter=0.25)
    assert [timings.backoff_s(n, 0.5) for n in (0, 1, 2, 3, 8, 50)] == [
        0.0, 0.5, 1.0, 2.0, 60.0, 60.0]
    assert timings.backoff_s(1, 0.0) == 0.375
    assert timings.backoff_s(1, 0.999_999) == pytest.approx(0.625)


async def test_a_silent_connection_is_taken_as_stalled_and_replaced() -> None:
    script = Script(answer_pings=False)
    timings = StreamTimings(ping_interval_s=0.05, stall_s=0.2, backoff_first_s=0.02)
    async with server(script) as url:
        stream = connection(url, [BOOK], [], timings)
        async with running(stream):
            await until(lambda: len(script.subscriptions) >= 2)
    assert stream.stats.ends[0] == End.STALLED
    assert script.pings >= 2


async def test_a_connection_rotates_before_its_lifetime_and_resubscribes() -> None:
    script = Script()
    timings = StreamTimings(ping_interval_s=0.05, max_lifetime_s=0.15, backoff_first_s=5.0)
    async with server(script) as url:
        stream = connection(url, [BOOK], [], timings)
        async with running(stream):
            await until(lambda: len(script.subscriptions) >= 3, timeout_s=3)
    assert stream.stats.ends[:2] == [End.ROTATED, End.ROTATED]
    assert stream.stats.connects >= 3


async def test_a_refused_subscription_is_reported() -> None:
    async def refuse(ws: ServerConnection, channels: list[str]) -> None:
        await ws.send(json.dumps({"id": 0, "code": 0, "msg": (
            f"Not Subscribed successfully! [{','.join(channels)}].  Reason： Blocked! ")}))

    replies: list[Reply] = []
    async with server(Script(refuse)) as url:
        stream = connection(url, ["spot@public.deals.v3.api@BTCUSDT"], [])
        stream.on_reply = replies.append
        async with running(stream):
            await until(lambda: bool(stream.stats.refused))
    assert stream.stats.refused == {"spot@public.deals.v3.api@BTCUSDT"}
    assert stream.stats.acked == set()
    assert replies == [Refusal(("spot@public.deals.v3.api@BTCUSDT",), "Blocked!")]


async def test_a_malformed_frame_is_skipped_and_the_next_push_read() -> None:
    async def garbage_then_push(ws: ServerConnection, channels: list[str]) -> None:
        await ack(ws, channels)
        await ws.send(b"\xff\xff\xff")
        await ws.send(push_bytes(bid="7"))

    pushes: list[PushDataV3ApiWrapper] = []
    async with server(Script(garbage_then_push)) as url:
        stream = connection(url, [BOOK], pushes)
        async with running(stream):
            await until(lambda: bool(pushes))
    assert stream.stats.malformed == 1
    assert [p.publicAggreBookTicker.bidPrice for p in pushes] == ["7"]
    assert stream.stats.ends == [End.STOPPED]


async def test_a_failing_push_handler_does_not_end_the_stream() -> None:
    async def two_pushes(ws: ServerConnection, channels: list[str]) -> None:
        await ack(ws, channels)
        await ws.send(push_bytes(bid="1"))
        await ws.send(push_bytes(bid="2"))

    seen: list[str] = []

    def handler(wrapper: PushDataV3ApiWrapper) -> None:
        seen.append(wrapper.publicAggreBookTicker.bidPrice)
        if len(seen) == 1:
            raise RuntimeError("a reader's bug")

    async with server(Script(two_pushes)) as url:
        stream = StreamConnection(url, [BOOK], handler, timings=FAST)
        async with running(stream):
            await until(lambda: len(seen) == 2)
    assert stream.stats.handler_errors == 1


async def test_no_server_means_failed_attempts_until_stopped() -> None:
    stream = connection("ws://127.0.0.1:9/ws", [BOOK], [])
    async with running(stream):
        await until(lambda: len(stream.stats.ends) >= 2)
    assert set(stream.stats.ends) <= {End.FAILED, End.STOPPED}
    assert stream.stats.connects == 0


def test_a_connection_refuses_more_than_thirty_channels() -> None:
    with pytest.raises(ValueError, match="1 to 30 channels"):
        StreamConnection("ws://x", [f"c{i}" for i in range(31)], print)


def test_chunks_split_channels_thirty_at_a_time_without_duplicates() -> None:
    channels = [f"spot@public.kline.v3.api.pb@S{i}USDT@Min1" for i in range(65)]
    groups = chunks([*channels, channels[0]])
    assert [len(g) for g in groups] == [30, 30, 5]
    assert [c for g in groups for c in g] == channels


async def test_a_pool_opens_one_connection_per_thirty_channels() -> None:
    script = Script()
    channels = [f"spot@public.kline.v3.api.pb@S{i}USDT@Min1" for i in range(65)]

    def make(url: str, group: Any, on_push: Any) -> StreamConnection:
        return StreamConnection(url, group, on_push, timings=FAST)

    async with server(script) as url:
        pool = StreamPool.open(url, channels, lambda _: None, make=make)
        async with running(pool):
            await until(lambda: len(script.subscriptions) == 3)
    assert sorted(len(s) for s in script.subscriptions) == [5, 30, 30]
    assert len(script.connected_at) == 3

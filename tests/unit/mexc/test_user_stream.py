import asyncio
import logging
from collections.abc import Callable, Sequence
from decimal import Decimal

import httpx
import pytest
from tests.unit.mexc.support import SteppingClock, StubMexc, make_exchange, params_of, reply
from tests.unit.mexc.user_support import ManualClock, account_frame, deal_frame, settle

from adapters.fake import InMemoryStore
from adapters.mexc.account_cache import AccountCache
from adapters.mexc.listen_keys import USER_DATA_STREAM, ListenKeys
from adapters.mexc.proto.PushDataV3ApiWrapper_pb2 import PushDataV3ApiWrapper
from adapters.mexc.user_fills import UserFills
from adapters.mexc.user_stream import CHANNELS, UserData, UserStream
from adapters.mexc.ws_frames import Pong, Reply, ServerNotice
from mexcore.errors import StopForHuman
from mexcore.values import Balance

WS = "wss://ws.test/ws"
KEYS = ("Key1aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", "Key2bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb",
        "Key3ccccccccccccccccccccccccccccccc", "Key4ddddddddddddddddddddddddddddddd")


class FakeStream:
    """A connection the test drives: it records each run's URL; the test says what happens."""

    def __init__(self, url: Callable[[], str], channels: Sequence[str],
                 on_push: Callable[[PushDataV3ApiWrapper], None]) -> None:
        self.url, self.channels, self.on_push = url, tuple(channels), on_push
        self.on_reply: Callable[[Reply], None] | None = None
        self.on_state: Callable[[bool], None] | None = None
        self.urls: list[str] = []

    async def run(self, stop: asyncio.Event) -> None:
        self.urls.append(self.url())
        self.up(True)
        await stop.wait()
        self.up(False)

    def up(self, state: bool) -> None:
        assert self.on_state is not None
        self.on_state(state)

    def say(self, reply: Reply) -> None:
        assert self.on_reply is not None
        self.on_reply(reply)

    def push(self, frame: bytes) -> None:
        self.on_push(PushDataV3ApiWrapper.FromString(frame))


class World:
    """A stubbed MEXC REST side for listen keys, a user stream on a manual clock."""

    def __init__(self, balances: dict[str, Balance] | None = None) -> None:
        self.clock = ManualClock()
        self.stub = StubMexc(SteppingClock())
        self.calls: list[tuple[str, str, int]] = []  # method, key, stream time
        self.created = iter(KEYS)
        self.refuse_put = False
        for method in ("POST", "PUT", "DELETE"):
            self.stub.on(method, USER_DATA_STREAM, self.handle)
        self.store = InMemoryStore()
        self.cache = AccountCache()
        self.data = UserData(self.cache, UserFills(self.store, self.clock))
        self.balance_reads = 0
        self.snapshot = balances or {"USDT": Balance("USDT", "100")}
        self.user = UserStream(ListenKeys(make_exchange(self.stub).http), WS, self.data,
                               open_stream=FakeStream, clock=self.clock,
                               balances=self.read_balances)
        self.stop = asyncio.Event()
        self.task: asyncio.Future[None] | None = None

    def handle(self, request: httpx.Request) -> httpx.Response:
        key = params_of(request).get("listenKey", "")
        if request.method == "POST":
            key = next(self.created)
        self.calls.append((request.method, key, self.clock.now))
        if request.method == "PUT" and self.refuse_put:
            return reply({"code": 730706, "msg": "listenKey does not exist"}, 400)
        return reply({"listenKey": key})

    async def read_balances(self) -> dict[str, Balance]:
        self.balance_reads += 1
        return self.snapshot

    @property
    def stream(self) -> FakeStream:
        assert isinstance(self.user.stream, FakeStream)
        return self.user.stream

    def of(self, method: str) -> list[tuple[str, int]]:
        return [(k, t) for m, k, t in self.calls if m == method]

    async def start(self) -> None:
        self.task = asyncio.ensure_future(self.user.run(self.stop))
        await settle()

    async def finish(self) -> None:
        self.stop.set()
        assert self.task is not None
        await asyncio.wait_for(self.task, 5)


@pytest.fixture
async def world() -> World:
    return World()


async def test_it_connects_with_a_new_key_to_the_three_private_channels(world: World) -> None:
    await world.start()
    assert world.stream.urls == [f"{WS}?listenKey={KEYS[0]}"]
    assert set(world.stream.channels) == {"spot@private.orders.v3.api.pb",
                                          "spot@private.deals.v3.api.pb",
                                          "spot@private.account.v3.api.pb"}
    assert world.stream.channels == CHANNELS
    await world.finish()


async def test_the_key_is_kept_alive_every_30_minutes(world: World) -> None:
    await world.start()
    start = world.clock.now
    await world.clock.advance(3 * 1800)
    assert [(k, t - start) for k, t in world.of("PUT")] == [
        (KEYS[0], 1800_000), (KEYS[0], 3600_000), (KEYS[0], 5400_000)]
    await world.finish()


async def test_at_shutdown_the_connection_stops_and_the_key_is_deleted(world: World) -> None:
    await world.start()
    await world.finish()
    assert [k for k, _ in world.of("DELETE")] == [KEYS[0]]
    assert not world.cache.fresh(world.clock.now)


async def test_a_refused_keep_alive_brings_a_new_key_and_a_reconnect_with_it(
        world: World) -> None:
    await world.start()
    world.refuse_put = True
    await world.clock.advance(1800)
    assert [k for k, _ in world.of("DELETE")] == [KEYS[0]]
    assert world.stream.urls == [f"{WS}?listenKey={KEYS[0]}", f"{WS}?listenKey={KEYS[1]}"]
    await world.finish()


async def test_an_invalid_listen_key_notice_brings_a_new_key(world: World) -> None:
    await world.start()
    await world.clock.advance(600)
    world.stream.say(ServerNotice("Invalid listen key"))
    await settle()
    assert [k for k, _ in world.of("POST")] == [KEYS[0], KEYS[1]]
    assert world.stream.urls[-1] == f"{WS}?listenKey={KEYS[1]}"
    await world.finish()


async def test_a_disconnect_checks_the_key_at_once_and_keeps_a_good_one(world: World) -> None:
    await world.start()
    await world.clock.advance(600)
    world.stream.up(False)
    await settle()
    assert [t - world.of("POST")[0][1] for _, t in world.of("PUT")] == [600_000]
    world.stream.up(False)  # a second drop within the check gap is not checked again yet
    await settle()
    assert len(world.of("PUT")) == 1
    await world.clock.advance(10)
    assert len(world.of("PUT")) == 2
    assert len(world.of("POST")) == 1
    await world.finish()


async def test_a_disconnect_with_an_expired_key_brings_a_new_key(world: World) -> None:
    await world.start()
    world.refuse_put = True  # the server expired the key and closed the socket
    world.stream.up(False)
    await world.clock.advance(90)  # new keys come at most every 90 s
    assert world.stream.urls[-1] == f"{WS}?listenKey={KEYS[1]}"
    await world.finish()


async def test_keep_alives_failing_on_the_network_for_an_hour_bring_a_new_key(
        world: World) -> None:
    await world.start()

    def broken(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("down", request=request)

    world.stub.on("PUT", USER_DATA_STREAM, broken)
    await world.clock.advance(3599)
    assert len(world.of("POST")) == 1
    await world.clock.advance(30)
    assert [k for k, _ in world.of("POST")] == [KEYS[0], KEYS[1]]
    await world.finish()


async def test_new_keys_come_at_most_once_per_renew_gap(world: World) -> None:
    await world.start()
    for _ in range(3):
        world.stream.say(ServerNotice("Invalid listen key"))
        await world.clock.advance(30)
    times = [t for _, t in world.of("POST")]
    assert len(times) == 2
    assert times[1] - times[0] == 90_000
    await world.finish()


async def test_a_refused_key_creation_is_retried_and_a_stop_meanwhile_ends_cleanly() -> None:
    world = World()
    world.stub.on("POST", USER_DATA_STREAM,
                  lambda r: reply({"code": 730707, "msg": "too many listen keys"}, 400))
    await world.start()
    await world.clock.advance(61)
    assert len(world.stub.calls("POST", USER_DATA_STREAM)) == 3  # at 0, 30 and 60 s
    assert world.stream.urls == []
    await world.finish()
    assert world.of("DELETE") == []


async def test_a_key_problem_that_needs_a_person_ends_the_stream() -> None:
    world = World()
    world.stub.on("POST", USER_DATA_STREAM,
                  lambda r: reply({"code": 10072, "msg": "Api key info invalid"}, 400))
    with pytest.raises(StopForHuman):
        await asyncio.wait_for(world.user.run(world.stop), 5)


async def test_after_connecting_balances_are_read_and_the_cache_is_fresh(world: World) -> None:
    await world.start()
    assert world.balance_reads == 1
    assert world.cache.fresh(world.clock.now)
    assert world.cache.free("USDT") == Decimal(100)
    world.stream.up(False)
    assert not world.cache.fresh(world.clock.now)
    world.stream.up(True)
    await settle()
    assert world.balance_reads == 2
    assert world.cache.fresh(world.clock.now)
    await world.finish()


async def test_pushes_reach_the_cache_and_the_journal_and_bump_the_version(
        world: World) -> None:
    await world.start()
    version = world.cache.version
    world.stream.push(account_frame("USDT", "97", "0"))
    world.stream.push(deal_frame())
    world.stream.push(deal_frame(price="1,5"))  # unreadable: skipped, counted
    assert world.cache.free("USDT") == Decimal(97)
    assert len(world.store.fills()) == 1
    assert world.data.skipped == 1
    assert world.cache.version == version + 3  # the skipped one may have changed it too
    await world.finish()


async def test_a_pong_keeps_the_cache_fresh(world: World) -> None:
    await world.start()
    await world.clock.advance(59)
    world.stream.say(Pong(0))
    await world.clock.advance(59)
    assert world.cache.fresh(world.clock.now)
    await world.clock.advance(2)
    assert not world.cache.fresh(world.clock.now)
    await world.finish()


async def test_no_listen_key_reaches_a_log_record_in_a_whole_lifecycle(
        world: World, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    await world.start()
    world.refuse_put = True
    await world.clock.advance(1800)
    await world.finish()
    texts = [r.getMessage() for r in caplog.records]
    assert len(world.of("POST")) == 2
    assert not [t for t in texts if any(k in t for k in KEYS)]


def test_the_websockets_handshake_log_line_shows_no_listen_key(
        world: World, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    # what websockets logs at DEBUG when it opens `<ws_url>?listenKey=KEY`
    logging.getLogger("websockets.client").debug("> GET %s HTTP/1.1",
                                                 f"/ws?listenKey={KEYS[0]}")
    (record,) = [r for r in caplog.records if r.name == "websockets.client"]
    assert KEYS[0] not in record.getMessage()
    assert "listenKey=***" in record.getMessage()


async def test_acks_of_one_connection_read_the_balances_once(world: World) -> None:
    await world.start()
    world.stream.up(True)  # a server acking the channels one by one
    world.stream.up(True)
    await settle()
    assert world.balance_reads == 1
    assert world.cache.fresh(world.clock.now)
    await world.finish()


async def test_a_connection_that_crashes_is_started_again_and_the_key_still_deleted(
        world: World) -> None:
    runs = {"n": 0}
    original = world.stream.run

    async def crashing(stop: asyncio.Event) -> None:
        runs["n"] += 1
        if runs["n"] == 1:
            raise RuntimeError("a bug in the connection")
        await original(stop)

    world.stream.run = crashing  # type: ignore[method-assign]
    await world.start()
    await world.clock.advance(30)
    assert runs["n"] == 2
    assert world.cache.fresh(world.clock.now)
    await world.finish()
    assert [k for k, _ in world.of("DELETE")] == [KEYS[0]]

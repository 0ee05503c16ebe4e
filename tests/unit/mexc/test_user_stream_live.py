"""The user stream over the real StreamConnection, against an in-memory MEXC WebSocket."""

import asyncio
import contextlib
import json
from collections.abc import AsyncIterator, Callable
from decimal import Decimal
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
from tests.unit.mexc.support import SteppingClock, StubMexc, make_exchange, params_of, reply
from tests.unit.mexc.user_support import account_frame, deal_frame
from websockets.exceptions import ConnectionClosed

from adapters.fake import InMemoryStore
from adapters.fake.clock import SystemClock
from adapters.mexc.account_cache import AccountCache
from adapters.mexc.listen_keys import USER_DATA_STREAM, ListenKeys
from adapters.mexc.user_fills import UserFills
from adapters.mexc.user_stream import (
    UserData,
    UserStream,
    UserStreamTimings,
    connection_opener,
    user_data_stream,
)
from adapters.mexc.ws_connection import StreamTimings
from mexcore.values import Balance

WS = "wss://ws.test/ws"
QUICK = StreamTimings(backoff_first_s=0.01, backoff_max_s=0.05, jitter=0.0)


class Socket:
    """One client connection to the fake server."""

    def __init__(self, server: "Server", key: str) -> None:
        self.server, self.key = server, key
        self.inbox: asyncio.Queue[str | bytes | None] = asyncio.Queue()

    async def send(self, message: str) -> None:
        request = json.loads(message)
        if request["method"] == "SUBSCRIPTION" and self.key in self.server.valid:
            self.inbox.put_nowait(json.dumps({"id": request["id"], "code": 0,
                                              "msg": ",".join(request["params"])}))
        elif request["method"] == "PING":
            self.inbox.put_nowait('{"id":0,"code":0,"msg":"PONG"}')

    async def recv(self) -> str | bytes:
        frame = await self.inbox.get()
        if frame is None:
            raise ConnectionClosed(None, None)
        return frame


class Server:
    """MEXC's side: listen keys over REST (through StubMexc) and the private socket."""

    def __init__(self) -> None:
        self.valid: set[str] = set()
        self.sockets: list[Socket] = []
        self.made = 0

    def rest(self, request: httpx.Request) -> httpx.Response:
        key = params_of(request).get("listenKey", "")
        if request.method == "POST":
            self.made += 1
            key = f"Key{self.made}" + "x" * 40
            self.valid.add(key)
        elif key not in self.valid:
            return reply({"code": 730706, "msg": "listenKey does not exist"}, 400)
        elif request.method == "DELETE":
            self.valid.discard(key)
        return reply({"listenKey": key})

    @contextlib.asynccontextmanager
    async def connect(self, url: str, **options: Any) -> AsyncIterator[Socket]:
        key = parse_qs(urlsplit(url).query)["listenKey"][0]
        socket = Socket(self, key)
        if key not in self.valid:
            socket.inbox.put_nowait("Invalid listen key")  # ccxt's reading (unverified)
            socket.inbox.put_nowait(None)
        self.sockets.append(socket)
        yield socket

    def expire(self, key: str) -> None:
        """Forget `key` and close its sockets, as when a listen key expires."""
        self.valid.discard(key)
        for socket in self.sockets:
            if socket.key == key:
                socket.inbox.put_nowait(None)

    def push(self, frame: bytes) -> None:
        self.sockets[-1].inbox.put_nowait(frame)


async def until(condition: Callable[[], bool], timeout_s: float = 3.0) -> None:
    async with asyncio.timeout(timeout_s):
        while not condition():
            await asyncio.sleep(0.001)


async def test_a_listen_key_expiring_mid_stream_is_replaced_and_pushes_keep_coming() -> None:
    server, store, cache = Server(), InMemoryStore(), AccountCache()
    stub = StubMexc(SteppingClock())
    for method in ("POST", "PUT", "DELETE"):
        stub.on(method, USER_DATA_STREAM, server.rest)
    clock = SystemClock()

    async def balances() -> dict[str, Balance]:
        return {"USDT": Balance("USDT", "50")}

    user = UserStream(
        ListenKeys(make_exchange(stub).http), WS, UserData(cache, UserFills(store, clock)),
        clock=clock, open_stream=connection_opener(clock, server.connect, QUICK),
        balances=balances)
    user.timings = UserStreamTimings(renew_gap_s=0, verify_gap_s=0)
    stop = asyncio.Event()
    task = asyncio.ensure_future(user.run(stop))
    await until(lambda: cache.fresh(clock.now_ms()))
    server.push(deal_frame())
    await until(lambda: len(store.fills()) == 1)
    (first,) = server.valid

    server.expire(first)
    await until(lambda: server.made == 2 and cache.fresh(clock.now_ms()))
    server.push(deal_frame(tradeId="565809460614950999X1"))
    server.push(account_frame("USDT", "47"))
    await until(lambda: len(store.fills()) == 2 and cache.free("USDT") == Decimal(47))

    stop.set()
    await asyncio.wait_for(task, 3)
    assert server.valid == set()  # the second key was deleted at shutdown
    assert server.made == 2


async def test_a_dropped_connection_with_a_good_key_reconnects_with_the_same_key() -> None:
    server, cache = Server(), AccountCache()
    stub = StubMexc(SteppingClock())
    for method in ("POST", "PUT", "DELETE"):
        stub.on(method, USER_DATA_STREAM, server.rest)
    clock = SystemClock()
    user = UserStream(ListenKeys(make_exchange(stub).http), WS, UserData(cache), clock=clock,
                      open_stream=connection_opener(clock, server.connect, QUICK))
    user.timings = UserStreamTimings(verify_gap_s=0)
    stop = asyncio.Event()
    task = asyncio.ensure_future(user.run(stop))
    await until(lambda: len(server.sockets) == 1)
    server.sockets[0].inbox.put_nowait(None)  # the network drops the socket
    await until(lambda: len(server.sockets) == 2 and len(stub.calls("PUT", USER_DATA_STREAM)) == 1)
    assert server.sockets[1].key == server.sockets[0].key
    assert server.made == 1
    stop.set()
    await asyncio.wait_for(task, 3)


async def test_the_built_stream_reads_balances_over_rest_and_journals_into_the_store() -> None:
    server, store = Server(), InMemoryStore()
    stub = StubMexc(SteppingClock())
    for method in ("POST", "PUT", "DELETE"):
        stub.on(method, USER_DATA_STREAM, server.rest)
    stub.on("GET", "/api/v3/account", lambda r: reply(
        {"balances": [{"asset": "USDT", "free": "12.5", "locked": "0"}]}))
    clock = SystemClock()
    user = user_data_stream(make_exchange(stub), WS, store, clock, connect=server.connect)
    cache = user.data.cache
    stop = asyncio.Event()
    task = asyncio.ensure_future(user.run(stop))
    await until(lambda: cache.fresh(clock.now_ms()))
    server.push(deal_frame())
    await until(lambda: len(store.fills()) == 1)
    assert cache.free("USDT") == Decimal("12.5")
    stop.set()
    await asyncio.wait_for(task, 3)

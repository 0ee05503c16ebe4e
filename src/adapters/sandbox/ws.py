"""The sandbox's `/ws` route: MEXC's spot WebSocket protocol over the fake market and accounts.

JSON text in (SUBSCRIPTION, UNSUBSCRIPTION, PING), JSON acks and PONG out, binary protobuf
pushes every push cycle for what changed. `/ws?listenKey=K` also serves the key's account on
the private channels. The limits are MEXC's: 30 subscriptions, 100 messages/s, idle closes
after 30 s without a subscription and 60 s without data; faults come from `SandboxFaults`.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import time
from collections.abc import Callable
from typing import Any

from starlette.websockets import WebSocket, WebSocketDisconnect

from adapters.sandbox.listen_keys import MAX_CONNECTIONS
from adapters.sandbox.state import Sandbox
from adapters.sandbox.ws_channels import (
    MAX_SUBSCRIPTIONS,
    Channel,
    WsSettings,
    parse_channel,
    refusal,
)
from adapters.sandbox.ws_feeds import AccountFeeds, DepthFeed, Feed, public_feed
from adapters.sandbox.ws_pushes import MALFORMED

log = logging.getLogger("adapters.sandbox")
INVALID_LISTEN_KEY = "Invalid listen key"  # ccxt's reading of MEXC's answer (unverified)


class _Closed(Exception):
    """The session ends (the reason is for the log)."""


class Session:
    """One WebSocket connection: its subscriptions, feeds, limits and faults."""

    def __init__(self, sandbox: Sandbox, socket: WebSocket, api_key: str | None,
                 timer: Callable[[], float] = time.monotonic) -> None:
        self._sandbox, self._socket, self._api_key = sandbox, socket, api_key
        self._timer = timer
        self._settings: WsSettings = sandbox.ws_settings
        self._feeds: dict[str, Feed] = {}
        self._private: dict[str, str] = {}  # kind → channel name
        self._account = None if api_key is None else AccountFeeds(sandbox.exchanges[api_key])
        self._started = self._last_data = timer()
        self._window: tuple[int, int] = (0, 0)  # (second, messages in it)
        self.stalled = False

    async def run(self, listen_key: str | None) -> None:
        """Serve the connection until either side closes it."""
        tasks = [asyncio.ensure_future(self._read()),
                 asyncio.ensure_future(self._push(listen_key))]
        try:
            done, _ = await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
            for task in done:
                if not task.cancelled() and task.exception() is not None:
                    log.error("sandbox ws: a session failed", exc_info=task.exception())
        finally:
            for task in tasks:
                task.cancel()
            for task in tasks:
                with contextlib.suppress(BaseException):
                    await task
            with contextlib.suppress(Exception):
                await self._socket.close(1000)

    async def _read(self) -> None:
        while True:
            try:
                text = await self._socket.receive_text()
            except (WebSocketDisconnect, RuntimeError, KeyError):
                return
            if self._over_rate():
                log.info("sandbox ws: over %d messages/s, closing",
                         self._settings.max_messages_per_s)
                return
            if not self.stalled:
                await self._answer(text)

    def _over_rate(self) -> bool:
        second = int(self._timer())
        seen = self._window[1] + 1 if self._window[0] == second else 1
        self._window = (second, seen)
        return seen > self._settings.max_messages_per_s

    async def _answer(self, text: str) -> None:
        try:
            message = json.loads(text)
            method = str(message.get("method", "")).upper()  # lowercase "ping": unverified
            request_id = message.get("id", 0)
            params = [str(p) for p in message.get("params", [])]
        except (ValueError, AttributeError, TypeError):
            await self._send({"id": 0, "code": 1, "msg": "Invalid request"})  # unverified
            return
        reply_id = request_id if isinstance(request_id, int) else 0
        if method == "PING":
            self._last_data = self._timer()
            await self._send({"id": reply_id, "code": 0, "msg": "PONG"})
        elif method == "SUBSCRIPTION":
            await self._subscribe(reply_id, params)
        elif method == "UNSUBSCRIPTION":
            for name in params:
                self._feeds.pop(name, None)
                self._private = {k: v for k, v in self._private.items() if v != name}
            await self._send({"id": reply_id, "code": 0, "msg": ",".join(params)})
        else:
            await self._send({"id": reply_id, "code": 1, "msg": "Invalid method"})  # unverified

    async def _subscribe(self, reply_id: int, names: list[str]) -> None:
        taken, refused = [], []
        for name in names:
            channel = self._channel(name)
            if channel is None:
                refused.append(name)
            elif name not in self._feeds and name not in self._private.values():
                self._start(channel)
                taken.append(name)
            else:
                taken.append(name)
        stats = self._sandbox.ws_stats
        stats.subscriptions += len(taken)
        stats.private_subscriptions += sum(n in self._private.values() for n in taken)
        if taken:
            self._last_data = self._timer()
            await self._send({"id": reply_id, "code": 0, "msg": ",".join(taken)})
        if refused:
            await self._send({"id": reply_id, "code": 0, "msg": refusal(refused)})

    def _channel(self, name: str) -> Channel | None:
        channel = parse_channel(name, self._sandbox.symbols())
        full = len(self._feeds) + len(self._private) >= MAX_SUBSCRIPTIONS
        if channel is None or (full and name not in self._feeds):
            return None
        if channel.private and self._account is None:
            return None  # private channels need a listen-key connection
        return channel

    def _start(self, channel: Channel) -> None:
        if channel.private:
            self._private[channel.kind] = channel.name
        else:
            self._feeds[channel.name] = public_feed(self._sandbox.public, channel, self._timer)

    async def _push(self, listen_key: str | None) -> None:
        settings = self._settings
        while True:
            await asyncio.sleep(settings.push_interval_s)
            if self.stalled:
                continue
            try:
                self._check(listen_key)
            except _Closed as e:
                log.info("sandbox ws: closing a connection: %s", e)
                return
            await self._push_frames(self._frames())

    def _check(self, listen_key: str | None) -> None:
        faults, stats, now = self._sandbox.faults, self._sandbox.ws_stats, self._timer()
        if faults.ws_close_next > 0:
            faults.ws_close_next -= 1
            stats.closed_by_fault += 1
            raise _Closed("fault ws_close_next")
        if faults.ws_stall_next > 0:
            faults.ws_stall_next -= 1
            self.stalled = True
            return
        if listen_key is not None and self._sandbox.keys().account_of(listen_key) is None:
            raise _Closed("its listen key expired or was deleted")
        subscribed = bool(self._feeds or self._private)
        if not subscribed and now - self._last_data > self._settings.idle_unsubscribed_s:
            raise _Closed("no valid subscription")
        if subscribed and now - self._last_data > self._settings.idle_subscribed_s:
            raise _Closed("no data and no PING")
        if now - self._started > self._settings.max_lifetime_s:
            raise _Closed("24 h lifetime")

    def _frames(self) -> list[bytes]:
        faults = self._sandbox.faults
        frames: list[bytes] = []
        for feed in list(self._feeds.values()):
            if isinstance(feed, DepthFeed) and faults.ws_skip_depth_version_next > 0:
                faults.ws_skip_depth_version_next -= 1
                feed.skip += 1
            frames += feed()
        if self._account is not None and self._private:
            frames += self._account.frames(self._private)
        return frames

    async def _push_frames(self, frames: list[bytes]) -> None:
        faults, stats = self._sandbox.faults, self._sandbox.ws_stats
        for frame in frames:
            if faults.ws_malformed_next > 0:
                faults.ws_malformed_next -= 1
                await self._socket.send_bytes(MALFORMED)
            if self.stalled:
                return
            await self._socket.send_bytes(frame)
            stats.pushes += 1
        if frames:
            self._last_data = self._timer()

    async def _send(self, reply: dict[str, Any]) -> None:
        await self._socket.send_text(json.dumps(reply, separators=(",", ":"),
                                                ensure_ascii=False))


def ws_endpoint(sandbox: Sandbox) -> Callable[[WebSocket], Any]:
    """Return the `/ws` endpoint of `sandbox`."""

    async def endpoint(socket: WebSocket) -> None:
        listen_key = socket.query_params.get("listenKey")
        await socket.accept()
        api_key = None
        if listen_key is not None:
            api_key = await _admit(sandbox, socket, listen_key)
            if api_key is None:
                return
        stats = sandbox.ws_stats
        stats.connections += 1
        stats.open += 1
        try:
            await Session(sandbox, socket, api_key).run(listen_key)
        finally:
            stats.open -= 1
            if listen_key is not None:
                sandbox.keys().connections[listen_key] -= 1

    return endpoint


async def _admit(sandbox: Sandbox, socket: WebSocket, listen_key: str) -> str | None:
    keys = sandbox.keys()
    api_key = keys.account_of(listen_key)
    if api_key is None or keys.connections.get(listen_key, 0) >= MAX_CONNECTIONS:
        await socket.send_text(INVALID_LISTEN_KEY)  # past 5 connections: unverified answer
        await socket.close(1008)
        return None
    keys.connections[listen_key] = keys.connections.get(listen_key, 0) + 1
    return api_key

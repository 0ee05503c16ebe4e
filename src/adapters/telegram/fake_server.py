"""A fake Telegram Bot API server (starlette, served by uvicorn on loopback) for tests and demos.

It records every call, serves `getMe` and long-polled `getUpdates` from updates that a test
enqueues, checks HTML like Telegram does (a malformed message is a 400), and answers 429 with
`retry_after`, 5xx, or a whole outage on demand. Point python-telegram-bot at `base_url`.
A reply must name a message sent in the same chat (else a 400, as Telegram answers, unless
`allow_sending_without_reply`); the message returned carries `reply_to_message`.
"""

from __future__ import annotations

import asyncio
import contextlib
import email.policy
import itertools
import json
import socket
from collections import deque
from collections.abc import Callable
from email.parser import BytesParser
from typing import Any
from urllib.parse import parse_qsl

import attrs
import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from adapters.telegram.markup import (
    MAX_CAPTION_CHARS,
    MAX_MESSAGE_CHARS,
    check_html,
    plain_text,
    utf16_len,
)
from adapters.telegram.updates import BOT_USER, callback_update, message_update

JSON = dict[str, Any]
_EPOCH_S = 1_700_000_000
_KEPT_MESSAGES = 10_000  # the messages a reply may name (a long demo stays bounded)


@attrs.frozen
class RecordedCall:
    """One Bot API request: the method, its form parameters (strings) and uploaded files."""

    method: str
    params: dict[str, str]
    files: dict[str, bytes]
    result: Any = None

    def json(self, name: str) -> Any:
        """Return a parameter decoded from JSON (reply_markup, chat_id, ...), or None."""
        raw = self.params.get(name)
        return None if raw is None else json.loads(raw)

    @property
    def text(self) -> str:
        return self.params.get("text") or self.params.get("caption") or ""

    @property
    def chat_id(self) -> int:
        return int(self.params["chat_id"])

    @property
    def reply_to(self) -> int | None:
        """Return the id of the message this one was sent as a reply to, or None."""
        replied = self.result.get("reply_to_message") if isinstance(self.result, dict) else None
        return None if replied is None else int(replied["message_id"])


@attrs.frozen
class Fault:
    """An error answer for the next matching call (any method but getUpdates if None)."""

    status: int
    retry_after: int | None = None
    method: str | None = None


class BadRequestError(Exception):
    """What the fake answers with a 400, like Telegram does."""


class _PromptServer(uvicorn.Server):
    """uvicorn's server, stopped by an event and without its fixed 0.1 s shutdown pauses."""

    def __init__(self, config: uvicorn.Config) -> None:
        super().__init__(config)
        self.exit_now = asyncio.Event()

    async def main_loop(self) -> None:
        await self.exit_now.wait()

    async def shutdown(self, sockets: list[socket.socket] | None = None) -> None:
        for server in self.servers:
            server.close()
        for connection in list(self.server_state.connections):
            connection.shutdown()
        for _ in range(400):
            if not self.server_state.connections and not self.server_state.tasks:
                break
            await asyncio.sleep(0.005)
        for server in self.servers:
            await server.wait_closed()


class FakeTelegramServer:
    """The fake Bot API: state, the ASGI app, and its uvicorn lifecycle on 127.0.0.1."""

    def __init__(self, token: str = "123456:TEST-TOKEN") -> None:
        self.token = token
        self.calls: list[RecordedCall] = []
        self.faults: deque[Fault] = deque()
        self.outage = False
        self.outage_exempt: set[str] = set()
        self.errors_served = 0
        self.port = 0
        self._updates: list[JSON] = []
        self._update_ids = itertools.count(1)
        self._message_ids = itertools.count(1000)
        self._sent: dict[tuple[int, int], JSON] = {}  # (chat id, message id): sent or received
        self._changed = asyncio.Condition()
        self._closing = False
        self._server: _PromptServer | None = None
        self._task: asyncio.Task[None] | None = None
        self.app = Starlette(
            routes=[Route("/bot{token}/{method}", self._endpoint, methods=["GET", "POST"])]
        )

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/bot"

    @property
    def base_file_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/file/bot"

    async def start(self) -> None:
        """Serve on an ephemeral loopback port until `stop`."""
        config = uvicorn.Config(
            self.app, host="127.0.0.1", port=0, log_level="warning", lifespan="off",
            ws="none", access_log=False,
        )  # fmt: skip
        self._server = _PromptServer(config)
        self._task = asyncio.create_task(self._server.serve())
        while not self._server.started:
            if self._task.done():
                await self._task
                raise RuntimeError("the fake Telegram server did not start")
            await asyncio.sleep(0.005)
        self.port = self._server.servers[0].sockets[0].getsockname()[1]

    async def stop(self) -> None:
        """Release long polls and stop serving."""
        self._closing = True
        await self._notify()
        if self._server is not None and self._task is not None:
            self._server.should_exit = True
            self._server.exit_now.set()
            await self._task

    def enqueue(self, update: JSON) -> JSON:
        """Queue a raw Update (an update_id is assigned when missing) for getUpdates."""
        update = {**update, "update_id": update.get("update_id") or next(self._update_ids)}
        self._updates.append(update)
        if "message" in update:
            self._keep(update["message"])
        with contextlib.suppress(RuntimeError):
            asyncio.get_running_loop().create_task(self._notify())
        return update

    def drop_updates(self) -> None:
        """Forget every queued update (what deleteWebhook(drop_pending_updates) does)."""
        self._updates.clear()

    def send_text(self, chat_id: int, text: str, user_id: int | None = None) -> JSON:
        """Queue a text message (a /command gets its bot_command entity) from a user."""
        return self.enqueue(message_update(chat_id, user_id or chat_id, text, self._next_id()))

    def press(self, call: RecordedCall, button: str, user_id: int | None = None) -> JSON:
        """Queue a press on the inline button labelled `button` of a message the bot sent."""
        rows = (call.json("reply_markup") or {}).get("inline_keyboard", [])
        data = next(b["callback_data"] for row in rows for b in row if b["text"] == button)
        message = call.result
        return self.enqueue(
            callback_update(message, user_id or call.chat_id, data, f"cq{self._next_id()}")
        )

    def fail_next(self, status: int, retry_after: int | None = None, method: str | None = None,
                  count: int = 1) -> None:  # fmt: skip
        """Answer the next `count` matching calls with `status` (429 may carry retry_after)."""
        self.faults.extend([Fault(status, retry_after, method)] * count)

    def calls_to(self, method: str) -> list[RecordedCall]:
        """Return the successful calls of one method, in order."""
        return [c for c in self.calls if c.method == method]

    async def wait_for(
        self, method: str, count: int = 1, timeout_s: float = 10.0
    ) -> list[RecordedCall]:
        """Wait until `count` successful calls of `method` were recorded; return them."""
        await self.wait_until(lambda: len(self.calls_to(method)) >= count, timeout_s)
        return self.calls_to(method)

    async def wait_until(self, predicate: Callable[[], bool], timeout_s: float = 10.0) -> None:
        """Wait until `predicate()` holds; it is checked after every request served."""

        async def reached() -> None:
            async with self._changed:
                await self._changed.wait_for(predicate)

        await asyncio.wait_for(reached(), timeout_s)

    def _next_id(self) -> int:
        return next(self._message_ids)

    async def _notify(self) -> None:
        async with self._changed:
            self._changed.notify_all()

    async def _endpoint(self, request: Request) -> JSONResponse:
        if request.path_params["token"] != self.token:
            return _error(401, "Unauthorized")
        method = request.path_params["method"]
        params, files = await _read_params(request)
        fault = self._take_fault(method)
        if fault is not None:
            self.errors_served += 1
            await self._notify()
            return fault
        handler = _HANDLERS.get(method.lower())
        if handler is None:
            return _error(404, "Not Found")
        try:
            result = await handler(self, params, files)
        except BadRequestError as e:
            return _error(400, f"Bad Request: {e}")
        if method.lower() != "getupdates":
            self.calls.append(RecordedCall(method, params, files, result))
            await self._notify()
        return JSONResponse({"ok": True, "result": result})

    def _take_fault(self, method: str) -> JSONResponse | None:
        if self.outage and method not in self.outage_exempt:
            return _error(502, "Bad Gateway")
        for fault in self.faults:
            matches = method == fault.method if fault.method else method != "getUpdates"
            if matches:
                self.faults.remove(fault)
                extra = {"retry_after": fault.retry_after} if fault.retry_after else None
                return _error(fault.status, "Too Many Requests" if extra else "Error", extra)
        return None

    async def _get_updates(self, params: dict[str, str], files: dict[str, bytes]) -> Any:
        offset = int(params.get("offset", "0"))
        self._updates = [u for u in self._updates if u["update_id"] >= offset]
        timeout_s = float(params.get("timeout", "0"))
        if not self._updates and timeout_s > 0 and not self._closing:
            async with self._changed:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(
                        self._changed.wait_for(lambda: bool(self._updates) or self._closing),
                        timeout_s,
                    )
        return self._updates[: int(params.get("limit", "100"))]

    async def _send_message(self, params: dict[str, str], files: dict[str, bytes]) -> Any:
        text = params.get("text", "")
        _check_text(text, params.get("parse_mode"), MAX_MESSAGE_CHARS)
        return self._new_message(
            params, text=plain_text(text) if params.get("parse_mode") else text
        )

    async def _send_photo(self, params: dict[str, str], files: dict[str, bytes]) -> Any:
        if "photo" not in files and "photo" not in params:
            raise BadRequestError("there is no photo in the request")
        caption = params.get("caption", "")
        if caption:
            _check_text(caption, params.get("parse_mode"), MAX_CAPTION_CHARS)
        photo = [{"file_id": "photo1", "file_unique_id": "u1", "width": 800, "height": 400}]
        return self._new_message(params, photo=photo, caption=plain_text(caption))

    async def _edit_message_text(self, params: dict[str, str], files: dict[str, bytes]) -> Any:
        text = params.get("text", "")
        _check_text(text, params.get("parse_mode"), MAX_MESSAGE_CHARS)
        message = self._message(params, text=plain_text(text))
        return {**message, "message_id": int(params.get("message_id", "0"))}

    def _new_message(self, params: dict[str, str], **content: Any) -> JSON:
        replied = self._replied(params)
        message = self._keep(self._message(params, **content))
        return message if replied is None else {**message, "reply_to_message": replied}

    def _keep(self, message: JSON) -> JSON:
        self._sent[message["chat"]["id"], message["message_id"]] = message
        if len(self._sent) > _KEPT_MESSAGES:
            del self._sent[next(iter(self._sent))]
        return message

    def _replied(self, params: dict[str, str]) -> JSON | None:
        reply = json.loads(params.get("reply_parameters", "{}"))
        target = reply.get("message_id", params.get("reply_to_message_id"))
        if target is None:
            return None
        lenient = reply.get("allow_sending_without_reply") or params.get(
            "allow_sending_without_reply"
        )
        replied = self._sent.get((int(params["chat_id"]), int(target)))
        if replied is None and lenient not in (True, "true"):
            raise BadRequestError("message to be replied not found")
        return replied

    def _message(self, params: dict[str, str], **content: Any) -> JSON:
        chat_id = int(params["chat_id"])
        chat_type = "private" if chat_id > 0 else "group"
        return {
            "message_id": self._next_id(), "date": _EPOCH_S, "from": BOT_USER,
            "chat": {"id": chat_id, "type": chat_type}, **content,
        }  # fmt: skip


async def _delete_webhook(
    server: FakeTelegramServer, params: dict[str, str], files: dict[str, bytes]
) -> Any:
    if params.get("drop_pending_updates") == "true":
        server.drop_updates()
    return True


async def _true(server: FakeTelegramServer, params: dict[str, str], files: dict[str, bytes]) -> Any:
    return True


async def _get_me(
    server: FakeTelegramServer, params: dict[str, str], files: dict[str, bytes]
) -> Any:
    return BOT_USER


_HANDLERS: dict[str, Any] = {
    "getme": _get_me,
    "getupdates": FakeTelegramServer._get_updates,
    "sendmessage": FakeTelegramServer._send_message,
    "sendphoto": FakeTelegramServer._send_photo,
    "editmessagetext": FakeTelegramServer._edit_message_text,
    "editmessagereplymarkup": _true,
    "answercallbackquery": _true,
    "setmycommands": _true,
    "deletemycommands": _true,
    "deletewebhook": _delete_webhook,
    "close": _true,
    "logout": _true,
}


def _check_text(text: str, parse_mode: str | None, limit: int) -> None:
    if parse_mode == "HTML":
        try:
            check_html(text)
        except ValueError as e:
            raise BadRequestError(f"can't parse entities: {e}") from e
        text = plain_text(text)
    if not text.strip():
        raise BadRequestError("message text is empty")
    if utf16_len(text) > limit:
        raise BadRequestError("message is too long")


async def _read_params(request: Request) -> tuple[dict[str, str], dict[str, bytes]]:
    content_type = request.headers.get("content-type", "")
    body = await request.body()
    if content_type.startswith("application/json"):
        data = json.loads(body or b"{}")
        return {k: v if isinstance(v, str) else json.dumps(v) for k, v in data.items()}, {}
    if content_type.startswith("multipart/form-data"):
        return _parse_multipart(content_type, body)
    return dict(parse_qsl(body.decode(), keep_blank_values=True)), {}


def _parse_multipart(content_type: str, body: bytes) -> tuple[dict[str, str], dict[str, bytes]]:
    head = f"Content-Type: {content_type}\r\n\r\n".encode()
    message = BytesParser(policy=email.policy.HTTP).parsebytes(head + body)
    params: dict[str, str] = {}
    files: dict[str, bytes] = {}
    for part in message.iter_parts():
        name = str(part.get_param("name", header="content-disposition"))
        payload = part.get_payload(decode=True)
        assert isinstance(payload, bytes)
        if part.get_filename() is None:
            params[name] = payload.decode()
        else:
            files[name] = payload
    return params, files


def _error(status: int, description: str, parameters: JSON | None = None) -> JSONResponse:
    body: JSON = {"ok": False, "error_code": status, "description": description}
    if parameters:
        body["parameters"] = parameters
    return JSONResponse(body, status_code=status)

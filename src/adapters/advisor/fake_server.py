"""A local OpenAI-compatible chat-completions server (Starlette) for the adapter's tests.

It answers `POST …/chat/completions` from a queue of scripted `Reply`s (a completion by default),
records every request, and refuses a request without a model, messages or max_tokens (400),
as a real endpoint does. Serve it in-process with `transport()` (httpx.ASGITransport) or with
uvicorn on 127.0.0.1.
"""

from __future__ import annotations

import asyncio
import json
from collections import deque
from collections.abc import Mapping
from typing import Any

import attrs
import httpx
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route


@attrs.frozen
class Reply:
    """One scripted answer: a status, a JSON body (or raw text), headers, a delay first."""

    status: int = 200
    body: Any = None
    text: str | None = None
    headers: Mapping[str, str] = attrs.field(factory=dict)
    delay_s: float = 0.0


def completion(content: str, total_tokens: int | None = 50) -> Reply:
    """Return a 200 chat completion whose message is `content`, with a `usage` (None: none)."""
    body: dict[str, Any] = {"id": "chatcmpl-fake", "object": "chat.completion", "choices": [
        {"index": 0, "finish_reason": "stop",
         "message": {"role": "assistant", "content": content}}]}
    if total_tokens is not None:
        body["usage"] = {"prompt_tokens": total_tokens // 2,
                         "completion_tokens": total_tokens - total_tokens // 2,
                         "total_tokens": total_tokens}
    return Reply(body=body)


def verdict_reply(verdict: str, reason: str, total_tokens: int = 50) -> Reply:
    """Return a completion whose content is the verdict JSON."""
    return completion(json.dumps({"verdict": verdict, "reason": reason}), total_tokens)


@attrs.frozen
class Received:
    """One request as the server saw it: its JSON body and its Authorization header."""

    body: dict[str, Any]
    authorization: str | None


class FakeOpenAIServer:
    """Scripted answers, recorded requests; `default` answers when the queue is empty."""

    def __init__(self, default: Reply | None = None) -> None:
        self.default = default or completion("The bot bought because the price dipped.")
        self.replies: deque[Reply] = deque()
        self.received: list[Received] = []
        self.app = Starlette(routes=[
            Route("/{prefix:path}/chat/completions", self._complete, methods=["POST"])])

    def queue(self, *replies: Reply) -> None:
        """Answer the next requests with `replies`, in order."""
        self.replies.extend(replies)

    def transport(self) -> httpx.ASGITransport:
        """Return an in-process transport to this server for an httpx client."""
        return httpx.ASGITransport(app=self.app)

    async def _complete(self, request: Request) -> Response:
        try:
            body = await request.json()
        except ValueError:
            return JSONResponse({"error": {"message": "body is not JSON"}}, 400)
        self.received.append(Received(body, request.headers.get("authorization")))
        problem = _problem(body)
        if problem:
            return JSONResponse({"error": {"message": problem}}, 400)
        reply = self.replies.popleft() if self.replies else self.default
        if reply.delay_s:
            await asyncio.sleep(reply.delay_s)
        if reply.text is not None:
            return Response(reply.text, reply.status, dict(reply.headers),
                            media_type="application/json")
        return JSONResponse(reply.body or {}, reply.status, dict(reply.headers))


def _problem(body: Any) -> str | None:
    if not isinstance(body, dict):
        return "body must be an object"
    if not isinstance(body.get("model"), str) or not body["model"]:
        return "model is required"
    messages = body.get("messages")
    if not isinstance(messages, list) or not messages or not all(
            isinstance(m, dict) and isinstance(m.get("content"), str) for m in messages):
        return "messages must be a non-empty list of {role, content}"
    if not isinstance(body.get("max_tokens"), int):
        return "max_tokens must be an integer"
    return None

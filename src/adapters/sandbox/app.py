"""The sandbox as an ASGI app: MEXC spot v3 REST on loopback, backed by the FakeExchange.

Same paths, parameters, JSON shapes (string decimals), status codes and error bodies as
MEXC; signed endpoints check the key, the signature and the timestamp like the real API.
"""

from __future__ import annotations

import asyncio
import json
import logging
import re
from decimal import Decimal
from typing import Any

import attrs
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.routing import BaseRoute, Route, WebSocketRoute

from adapters.fake import MarketData
from adapters.sandbox.auth import MexcError, RawRequest, authenticate, bad_request
from adapters.sandbox.config import SandboxAccount, SandboxConfig
from adapters.sandbox.routes import ROUTES, Call, Handler
from adapters.sandbox.state import Sandbox
from adapters.sandbox.ws import ws_endpoint
from mexcore.errors import (
    MexbotError,
    OrderNotFound,
    OrderRejected,
    OutcomeUnknown,
    RetryLater,
    SkipSymbol,
)
from mexcore.ports import Clock

log = logging.getLogger("adapters.sandbox")
_CODE = re.compile(r"\s*\((-?\d+)\)")


def _json(body: Any, status: int = 200, headers: dict[str, str] | None = None) -> Response:
    if isinstance(body, bytes):
        return Response(body, status, headers, media_type="application/json")
    return Response(json.dumps(body, separators=(",", ":")), status, headers,
                    media_type="application/json")


def _html(status: int, title: str) -> Response:
    return HTMLResponse(f"<html><head><title>{status} {title}</title></head><body><center>"
                        f"<h1>{status} {title}</h1></center></body></html>", status)


def mexc_error_response(error: MexcError) -> Response:
    """Render an error like MEXC: JSON `{code, msg}`, or an HTML page for 403 and 5xx."""
    if error.status == 403:
        return _html(403, "Access Denied")
    if error.status >= 500:
        return _html(error.status, error.msg)
    return _json({"code": error.code, "msg": error.msg}, error.status, error.headers)


def _split_code(text: str, default: int) -> tuple[int, str]:
    """Split "Invalid symbol. (-1121) …" into (-1121, "Invalid symbol.")."""
    found = _CODE.search(text)
    if not found:
        return default, text
    return int(found.group(1)), text[:found.start()].strip()


def translate(error: MexbotError) -> MexcError:
    """Turn the fake's core error into the answer MEXC gives for it."""
    if isinstance(error, OutcomeUnknown):
        return MexcError(504, 504, "Gateway Time-out")
    if isinstance(error, RetryLater):
        if error.retry_after_s is not None:
            return rate_limited(error.retry_after_s)
        return MexcError(503, 503, "Service Temporarily Unavailable")
    if isinstance(error, SkipSymbol):
        return bad_request(*_split_code(error.reason, -1121))
    if isinstance(error, OrderRejected):
        return bad_request(error.code if error.code is not None else 33333, error.reason)
    if isinstance(error, OrderNotFound):
        return bad_request(*_split_code(str(error), -2013))
    return bad_request(33333, str(error))


def rate_limited(retry_after_s: float) -> MexcError:
    """Return MEXC's 429 with a `Retry-After` header in whole seconds."""
    seconds = max(1, round(retry_after_s))
    return MexcError(429, 429, "Too Many Requests", {"Retry-After": str(seconds)})


def _fault(sandbox: Sandbox, method: str) -> MexcError | None:
    faults = sandbox.faults
    if faults.forbid_next > 0:
        faults.forbid_next -= 1
        return MexcError(403, 403, "Access Denied")
    if faults.rate_limit_next > 0:
        faults.rate_limit_next -= 1
        return rate_limited(faults.retry_after_s)
    if faults.server_error_next > 0 and method in faults.server_error_methods:
        faults.server_error_next -= 1
        return MexcError(503, 503, "Service Temporarily Unavailable")
    return None


async def _serve(sandbox: Sandbox, request: Request, handler: Handler, signed: bool) -> Response:
    raw = RawRequest(request.url.query, (await request.body()).decode(errors="replace"))
    if sandbox.faults.latency_s > 0:
        await asyncio.sleep(sandbox.faults.latency_s)
    sandbox.requests += 1
    sandbox.paths[f"{request.method} {request.url.path}"] += 1
    params = raw.params()
    key = request.headers.get("X-MEXC-APIKEY")
    error = _fault(sandbox, request.method)
    if error is None and sandbox.limits is not None:
        who = key or (request.client.host if request.client else "?")
        weight = sandbox.weight(request.method, request.url.path, "symbol" in params)
        wait = sandbox.limits.check(who, f"{request.method} {request.url.path}", weight)
        if wait is not None:
            sandbox.throttled += 1
            error = rate_limited(wait)
    if error is not None:
        return mexc_error_response(error)
    try:
        account = _signed_account(sandbox, raw, key) if signed else None
        return _json(await handler(Call(sandbox, params, account)))
    except MexcError as e:
        return mexc_error_response(e)
    except MexbotError as e:
        return mexc_error_response(translate(e))


def _signed_account(sandbox: Sandbox, raw: RawRequest, key: str | None) -> SandboxAccount:
    try:
        account = authenticate(raw, key, sandbox.accounts, sandbox.judge_ms(key or ""),
                               sandbox.window_scale(key or ""))
    except MexcError as e:
        if e.code == 700003 and key:
            sandbox.note_timestamp(key, None)
        raise
    sandbox.note_timestamp(account.api_key, int(raw.params()["timestamp"]))
    return account


def _endpoint(sandbox: Sandbox, path: str) -> Any:
    async def endpoint(request: Request) -> Response:
        """Dispatch one MEXC path by method."""
        found = ROUTES.get((request.method, path))
        if found is None:
            return _json({"code": -1, "msg": "Method Not Allowed"}, 405)
        return await _serve(sandbox, request, *found)

    return endpoint


def _admin_routes(sandbox: Sandbox) -> list[Route]:
    async def state(request: Request) -> Response:
        """Show the sandbox's time, balances and request count."""
        balances = {key: {a: str(b.total) for a, b in (await ex.balances()).items()}
                    for key, ex in sandbox.exchanges.items()}
        return JSONResponse({"time_ms": sandbox.clock.now_ms(), "server_ms": sandbox.server_ms(),
                             "balances": balances, "requests": sandbox.requests,
                             "paths": dict(sandbox.paths), "ws": attrs.asdict(sandbox.ws_stats)})

    async def faults(request: Request) -> Response:
        """Change faults from a JSON body of field names and values."""
        sandbox.faults.update(await request.json())
        return JSONResponse({"ok": True})

    async def deposit(request: Request) -> Response:
        """Credit an account from a JSON body (asset, amount, optional api_key)."""
        body = await request.json()
        key = body.get("api_key") or next(iter(sandbox.exchanges))
        sandbox.deposit(key, str(body["asset"]), Decimal(str(body["amount"])))
        return JSONResponse({"ok": True})

    async def advance(request: Request) -> Response:
        """Move the market clock forward by a JSON `seconds`."""
        sandbox.advance(float((await request.json())["seconds"]))
        return JSONResponse({"ok": True, "time_ms": sandbox.clock.now_ms()})

    return [Route("/sandbox/state", state), Route("/sandbox/faults", faults, methods=["POST"]),
            Route("/sandbox/deposit", deposit, methods=["POST"]),
            Route("/sandbox/advance", advance, methods=["POST"]), _move_route(sandbox)]


def _move_route(sandbox: Sandbox) -> Route:
    async def move(request: Request) -> Response:
        """Shift a symbol's book by a JSON `ticks` (signed) until the minute completes."""
        body = await request.json()
        sandbox.move_price(str(body["symbol"]), int(body["ticks"]))
        return JSONResponse({"ok": True})

    return Route("/sandbox/move", move, methods=["POST"])


def create_app(config: SandboxConfig | None = None, *, clock: Clock | None = None,
               market: MarketData | None = None) -> Starlette:
    """Return the sandbox app; `app.state.sandbox` is its live `Sandbox` (faults, clock…)."""
    sandbox = Sandbox(config or SandboxConfig(), clock=clock, market=market)
    paths = sorted({path for _, path in ROUTES})
    routes: list[BaseRoute] = [Route(p, _endpoint(sandbox, p),
                                     methods=["GET", "POST", "PUT", "DELETE"]) for p in paths]
    routes.append(WebSocketRoute("/ws", ws_endpoint(sandbox)))
    if sandbox.config.admin:
        routes += _admin_routes(sandbox)
    app = Starlette(routes=routes)
    app.state.sandbox = sandbox
    return app

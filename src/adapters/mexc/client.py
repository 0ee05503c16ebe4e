"""The HTTP layer of the MEXC adapter: sign, pace, send, decode, map errors, retry reads."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable, Sequence
from pathlib import Path
from typing import Any, TypeVar

import httpx
from tenacity import AsyncRetrying, RetryCallState, retry_if_exception, stop_after_attempt
from tenacity.wait import wait_random_exponential

from adapters.mexc.constants import ORDER_ENDPOINTS, PER_SECOND_CAPS, TICKER_24H, TIME, WEIGHTS
from adapters.mexc.errors import (
    ClockSkew,
    NetworkError,
    ServerError,
    error_for_code,
    error_for_status,
    parse_retry_after,
    redact,
)
from adapters.mexc.ratelimit import RateLimited, RateLimiter
from adapters.mexc.schemas import envelope_error, parse_json, parse_server_time
from adapters.mexc.settings import Credentials, MexcSettings
from adapters.mexc.signing import encode_query, signed_query
from adapters.mexc.usage import UsageFile
from mexcore.errors import ExchangeDataError, MexbotError, OrderNotFound
from mexcore.ports import Clock

log = logging.getLogger("adapters.mexc")
T = TypeVar("T")
Params = Sequence[tuple[str, str]]


class WallClock:
    """The machine's wall clock (epoch ms), used for request timestamps."""

    def now_ms(self) -> int:
        """Return the epoch time in milliseconds."""
        return time.time_ns() // 1_000_000

    async def sleep(self, seconds: float) -> None:
        """Wait `seconds` of real time."""
        await asyncio.sleep(seconds)


def limiter_for(settings: MexcSettings, state_dir: Path | str | None = None) -> RateLimiter:
    """Return the limiter of `settings`; with `state_dir`, one whose count survives restarts.

    Give every MEXC adapter of a process the same limiter: a 429 then pauses them all.
    """
    usage = UsageFile.in_dir(state_dir, WallClock()) if state_dir is not None else None
    return RateLimiter(
        requests_per_s=settings.max_requests_per_s, orders_per_s=settings.max_orders_per_s,
        endpoint_weight=settings.max_endpoint_weight, max_wait_s=settings.max_wait_s,
        usage=usage)


class _RedactUrls(logging.Filter):
    """Keep signatures out of httpx's own request log lines."""

    def filter(self, record: logging.LogRecord) -> bool:
        """Redact URLs in the record's arguments; keep the record."""
        if record.args:
            args = record.args if isinstance(record.args, tuple) else (record.args,)
            record.args = tuple(redact(str(a), ()) if isinstance(a, httpx.URL) else a
                                for a in args)
        return True


def _install_log_redaction() -> None:
    logger = logging.getLogger("httpx")
    if not any(isinstance(f, _RedactUrls) for f in logger.filters):
        logger.addFilter(_RedactUrls())


def is_retryable_read(error: BaseException) -> bool:
    """Tell whether a failed *read* may be sent again: network errors, 5xx, 429, 700003."""
    if isinstance(error, RateLimited):
        return error.retry_after_s is not None
    return isinstance(error, NetworkError | ServerError | ClockSkew)


def _wait_for(state: RetryCallState) -> float:
    error = state.outcome.exception() if state.outcome else None
    if isinstance(error, RateLimited | ClockSkew):
        return 0.0  # the limiter holds the pause; a resync already happened
    return float(wait_random_exponential(multiplier=0.25, max=4)(state))


class MexcHttp:
    """Send MEXC spot v3 requests: signed ones with timestamp, recvWindow and signature."""

    def __init__(self, client: httpx.AsyncClient, settings: MexcSettings,
                 credentials: Credentials | None = None, *, clock: Clock | None = None,
                 limiter: RateLimiter | None = None) -> None:
        self.settings = settings
        self.clock: Clock = clock or WallClock()
        self.limiter = limiter or limiter_for(settings)
        for endpoint, per_s in PER_SECOND_CAPS.items():
            self.limiter.set_per_second_cap(endpoint, per_s)
        self._client = client
        self._credentials = credentials
        self._base = settings.base_url.rstrip("/")
        self._offset_ms: int | None = None
        self._hidden: dict[str, None] = {}  # more secrets to redact (listen keys), newest last
        _install_log_redaction()

    def hide(self, secret: str) -> None:
        """Redact `secret` from this client's logs and error texts (the latest 100 secrets)."""
        self._hidden.pop(secret, None)
        self._hidden[secret] = None
        while len(self._hidden) > 100:
            del self._hidden[next(iter(self._hidden))]

    @property
    def has_keys(self) -> bool:
        """Tell whether signed calls are possible."""
        return self._credentials is not None

    @property
    def offset_ms(self) -> int | None:
        """Server time minus local time, once synced."""
        return self._offset_ms

    async def sleep(self, seconds: float) -> None:
        """Sleep on the limiter's clock (a fake clock in tests)."""
        await self.limiter.clock.sleep(seconds)

    async def public(self, path: str, params: Params = (), *, symbol: str | None = None) -> Any:
        """GET a public endpoint, retrying where safe."""
        return await self.retrying(lambda: self.send("GET", path, params, symbol=symbol))

    async def signed_read(self, path: str, params: Params = (), *,
                          symbol: str | None = None) -> Any:
        """GET a signed endpoint, retrying where safe."""
        return await self.retrying(
            lambda: self.send("GET", path, params, symbol=symbol, signed=True))

    async def retrying(self, call: Callable[[], Awaitable[T]]) -> T:
        """Run a read with tenacity: jittered backoff, only on `is_retryable_read` errors."""
        retrying = AsyncRetrying(
            retry=retry_if_exception(is_retryable_read),
            stop=stop_after_attempt(self.settings.read_attempts),
            wait=_wait_for, sleep=self.sleep, reraise=True)
        async for attempt in retrying:
            with attempt:
                return await call()
        raise AssertionError("unreachable: tenacity reraises")

    async def sync_time(self) -> int:
        """Fetch `/api/v3/time` and keep the offset to the local clock; return it."""
        before = self.clock.now_ms()
        server = parse_server_time(await self.send("GET", TIME))
        after = self.clock.now_ms()
        self._offset_ms = server - (before + after) // 2
        return self._offset_ms

    async def server_now_ms(self) -> int:
        """Return the exchange's current time as estimated from the synced offset."""
        if self._offset_ms is None:
            await self.sync_time()
        return self.clock.now_ms() + (self._offset_ms or 0)

    async def send(self, method: str, path: str, params: Params = (), *,
                   symbol: str | None = None, signed: bool = False) -> Any:
        """Send one request (no retry) and return its decoded JSON, or raise a core error."""
        endpoint = f"{method} {path}"
        weight = 1 if path == TICKER_24H and params else WEIGHTS.get(endpoint, 1)
        is_order = endpoint in ORDER_ENDPOINTS
        permit = await self.limiter.acquire(endpoint, weight, is_order=is_order)
        try:
            if signed and self._offset_ms is None:
                await self.sync_time()
            await self.limiter.wait_pause()  # a 429 may have come since this call was let in
            url, headers = await self._prepare(method, path, params, signed)
            started = time.monotonic()
            response = await self._client.request(method, url, headers=headers)
        except httpx.TransportError as e:
            raise NetworkError(f"MEXC {endpoint}: {type(e).__name__}: "
                               f"{self._redact(str(e)) or 'no detail'}") from None
        finally:
            self.limiter.settle(permit)
        log.debug("%s -> %d in %.0f ms", endpoint, response.status_code,
                  (time.monotonic() - started) * 1000)
        return await self._decode(response, endpoint, symbol, is_order)

    async def _prepare(self, method: str, path: str, params: Params,
                       signed: bool) -> tuple[str, dict[str, str]]:
        headers = {"Content-Type": "application/json"} if method != "GET" else {}
        if not signed:
            query = encode_query(params)
            return self._base + path + (f"?{query}" if query else ""), headers
        if self._credentials is None:
            raise MexbotError("this MEXC call needs API keys (MEXC_API_KEY / MEXC_API_SECRET)")
        timestamp = await self.server_now_ms()
        full = [*params, ("recvWindow", str(self.settings.recv_window_ms)),
                ("timestamp", str(timestamp))]
        headers["X-MEXC-APIKEY"] = self._credentials.api_key
        return f"{self._base}{path}?{signed_query(self._credentials.api_secret, full)}", headers

    async def _decode(self, response: httpx.Response, endpoint: str, symbol: str | None,
                      is_order: bool) -> Any:
        status = response.status_code
        if status in (418, 429):
            retry_after = parse_retry_after(response.headers.get("Retry-After"),
                                            self.clock.now_ms())
            pause = self.limiter.backoff(retry_after, banned=status == 418)
            log.warning("%s: MEXC rate limit (HTTP %d); pausing %.1f s", endpoint, status, pause)
            raise RateLimited(f"MEXC rate limit (HTTP {status}) on {endpoint}",
                              retry_after_s=pause)
        body = self._json_or_none(response)
        coded = envelope_error(body)
        if coded is not None and status < 500:
            raise await self._coded_error(coded, endpoint, symbol, is_order)
        if status >= 300 or body is None:
            raise error_for_status(status, self._redact(response.text), None)
        self.limiter.succeeded()
        return body

    async def _coded_error(self, coded: tuple[int, str], endpoint: str, symbol: str | None,
                           is_order: bool) -> MexbotError:
        code, msg = coded
        error = error_for_code(code, self._redact(msg), symbol, is_order=is_order)
        level = logging.DEBUG if isinstance(error, OrderNotFound) else logging.WARNING
        log.log(level, "%s: MEXC error %d: %s", endpoint, code, self._redact(msg))
        if isinstance(error, ClockSkew):
            try:
                offset = await self.sync_time()
                log.info("resynced MEXC server time: offset %d ms", offset)
            except MexbotError as e:
                log.warning("MEXC time resync failed: %s", e)
        return error

    @staticmethod
    def _json_or_none(response: httpx.Response) -> Any:
        try:
            return parse_json(response.content)
        except ExchangeDataError:
            return None

    def _redact(self, text: str) -> str:
        secrets = (self._credentials.api_key, self._credentials.api_secret) \
            if self._credentials else ()
        return redact(text, (*secrets, *self._hidden))

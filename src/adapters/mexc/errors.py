"""MEXC answers → the core's typed errors (`mexcore.errors`), with secrets redacted."""

from __future__ import annotations

import email.utils
import re
from collections.abc import Iterable

from adapters.mexc.constants import MAX_BAN_S
from adapters.mexc.ratelimit import RateLimited
from mexcore.errors import (
    ExchangeDataError,
    InsufficientFunds,
    MexbotError,
    OrderNotFound,
    OrderRejected,
    PrecisionRejected,
    RetryLater,
    SkipSymbol,
    StopForHuman,
)


class NetworkError(RetryLater):
    """The request did not complete (connect error, timeout, broken connection)."""


class ServerError(RetryLater):
    """MEXC answered 5xx: the outcome of the call is unknown."""


class ClockSkew(RetryLater):
    """MEXC refused the timestamp (700003); the server-time offset has been resynced."""


class FirewallBlocked(RetryLater):
    """MEXC's firewall (403, an HTML page) refused the request."""


NOT_API_TRADEABLE = (
    "MEXC does not allow trading this symbol through the API (10007 'symbol not support "
    "api'); MEXC disables API trading on some pairs (BTCUSDT and ETHUSDT in 2025: use the "
    "USDC pairs) and honours the key's own trading-pair list"
)
_KEY_PROBLEMS = {
    700001: "the API key is malformed",
    10072: "the API key is invalid or expired (keys without an IP whitelist expire in 90 days)",
    700006: "this IP address is not in the API key's IP whitelist",
    700007: "the API key has no permission for this endpoint (enable spot trading)",
    602: "the signature was refused",
}
_SKIP = {
    -1121: "invalid symbol or interval",
    30014: "invalid symbol",
    30021: "pair not found",
    730001: "pair not found",
    30016: "trading is disabled on this symbol",
    30000: "trading is suspended on this symbol",
    30020: "the API key has no permission for this symbol",
    70011: "the API key is banned from trading this pair",
}
_FUNDS = frozenset({30004, 30005, 10101})
_NOT_FOUND = frozenset({-2011, -2013, 30026})
_PRECISION = frozenset({10095, 10096})


def error_for_code(code: int, msg: str, symbol: str | None, *, is_order: bool) -> MexbotError:
    """Map an error body `{code, msg}` to the core's error (see the module table)."""
    error = _key_error(code, msg) or _symbol_error(code, msg, symbol)
    if error is not None:
        return error
    if code in _FUNDS:
        return InsufficientFunds(msg, code)
    if code in _NOT_FOUND:
        return OrderNotFound(f"MEXC knows no such order ({code}: {msg})")
    if code in _PRECISION or "scale is invalid" in msg:
        return PrecisionRejected(msg.strip(), code)
    if code == 700003:
        return ClockSkew(f"MEXC refused the request timestamp (700003): {msg}")
    if is_order:
        return OrderRejected(msg, code)
    return ExchangeDataError(f"MEXC refused the request ({code}): {msg}")


def _key_error(code: int, msg: str) -> MexbotError | None:
    if code == 700002:
        return StopForHuman("MEXC refused the request signature (700002): check that "
                            "MEXC_API_SECRET belongs to MEXC_API_KEY")
    if code in _KEY_PROBLEMS:
        return StopForHuman(f"MEXC API key problem ({code}): {_KEY_PROBLEMS[code]}")
    return None


def _symbol_error(code: int, msg: str, symbol: str | None) -> MexbotError | None:
    if code == 10007:
        return SkipSymbol(symbol or "?", NOT_API_TRADEABLE)
    if code in _SKIP:
        return SkipSymbol(symbol or "?", f"{_SKIP[code]} ({code}: {msg})")
    return None


def error_for_status(status: int, text: str, retry_after_s: float | None) -> MexbotError:
    """Map an HTTP status without a usable `{code, msg}` body to the core's error."""
    if status in (418, 429):
        return RateLimited(f"MEXC rate limit (HTTP {status})", retry_after_s=retry_after_s)
    if status == 403:
        return FirewallBlocked(
            "MEXC's firewall refused the request (HTTP 403, an HTML page): the IP may be "
            "blocked or rate-banned; try later or from another network", retry_after_s=60.0)
    if status == 401:
        return StopForHuman("MEXC refused the API key (HTTP 401)")
    if status >= 500:
        return ServerError(f"MEXC server error (HTTP {status}); the outcome is unknown")
    return ExchangeDataError(f"unexpected MEXC answer (HTTP {status}): {_snippet(text)}")


_EPOCH_S = 1e9  # a number this large is a point in time, not a delay


def parse_retry_after(value: str | None, now_ms: int | None = None) -> float | None:
    """Read `Retry-After` as seconds to wait; None when absent or unreadable.

    Delay seconds (`"3"`, `"0.5"`), an HTTP date, or an epoch in seconds or milliseconds
    (with `now_ms`, the epoch wall time). A time past is 0 s; anything beyond MEXC's longest
    ban (3 days) is capped there.
    """
    text = (value or "").strip()
    if not text:
        return None
    seconds: float | None
    try:
        seconds = float(text)
    except ValueError:
        seconds = _until_date(text, now_ms)
    else:
        if seconds >= _EPOCH_S and now_ms is not None:
            epoch_ms = seconds if seconds >= _EPOCH_S * 1000 else seconds * 1000
            seconds = max(0.0, (epoch_ms - now_ms) / 1000)
    if seconds is None or seconds < 0 or seconds != seconds:
        return None
    return min(seconds, MAX_BAN_S)


def _until_date(text: str, now_ms: int | None) -> float | None:
    try:
        when = email.utils.parsedate_to_datetime(text)
    except (TypeError, ValueError):
        return None
    if now_ms is None or when.tzinfo is None:
        return None
    return max(0.0, when.timestamp() - now_ms / 1000)


def _snippet(text: str) -> str:
    flat = " ".join(text.split())
    return flat[:120] + ("…" if len(flat) > 120 else "")


_SECRET_PARAMS = re.compile(r"\b(signature|listenKey)=[0-9A-Za-z]+")


def redact(text: str, secrets: Iterable[str]) -> str:
    """Remove signatures, listen keys and the given secrets from a text for logs or errors."""
    text = _SECRET_PARAMS.sub(r"\1=***", text)
    for secret in secrets:
        if secret:
            text = text.replace(secret, "***")
    return text

"""The MEXC spot v3 REST adapter: `MexcExchange` implements the `Exchange` port."""

from adapters.mexc.client import MexcHttp, WallClock, is_retryable_read, limiter_for
from adapters.mexc.exchange import MexcExchange, mexc_interval
from adapters.mexc.live_check import LiveAccountReport, check_live_account
from adapters.mexc.ratelimit import MonotonicClock, RateLimited, RateLimiter
from adapters.mexc.settings import Credentials, MexcSettings, make_http_client
from adapters.mexc.signing import sign
from adapters.mexc.snapshot import SharedMarket

__all__ = [
    "Credentials",
    "LiveAccountReport",
    "MexcExchange",
    "MexcHttp",
    "MexcSettings",
    "MonotonicClock",
    "RateLimited",
    "RateLimiter",
    "SharedMarket",
    "WallClock",
    "check_live_account",
    "is_retryable_read",
    "limiter_for",
    "make_http_client",
    "mexc_interval",
    "sign",
]

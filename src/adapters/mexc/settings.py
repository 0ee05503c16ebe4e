"""What the MEXC adapter is configured with: the `[mexc]` section and the API keys."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

import attrs
import httpx

from adapters.mexc.constants import (
    MAX_RECV_WINDOW_MS,
    MEXC_ENDPOINT_WEIGHT,
    MEXC_ORDERS_PER_S,
    MEXC_REQUESTS_PER_S,
    SAFE_ENDPOINT_WEIGHT,
    SAFE_ORDERS_PER_S,
    SAFE_REQUESTS_PER_S,
)
from mexcore.errors import ConfigError


def _positive(instance: object, attribute: attrs.Attribute[Any], value: float) -> None:
    if value <= 0:
        raise ConfigError(f"mexc.{attribute.name}", "must be positive")


def _recv_window(instance: object, attribute: attrs.Attribute[Any], value: int) -> None:
    if not 0 < value <= MAX_RECV_WINDOW_MS:
        raise ConfigError("mexc.recv_window_ms", f"must be in 1..{MAX_RECV_WINDOW_MS}")


def _at_most(limit: float) -> Any:
    def check(instance: object, attribute: attrs.Attribute[Any], value: float) -> None:
        if not 0 < value <= limit:
            raise ConfigError(f"mexc.{attribute.name}",
                              f"must be positive and at most {limit:g} (MEXC's own limit)")

    return check


@attrs.frozen
class MexcSettings:
    """The `[mexc]` configuration section (defaults as in SPEC §2)."""

    base_url: str = "https://api.mexc.com"
    recv_window_ms: int = attrs.field(default=5000, validator=_recv_window)
    timeout_s: float = attrs.field(default=10.0, validator=_positive)
    read_attempts: int = attrs.field(default=4, validator=_positive)
    rules_ttl_s: float = attrs.field(default=300.0, validator=_positive)
    max_requests_per_s: float = attrs.field(default=SAFE_REQUESTS_PER_S,
                                            validator=_at_most(MEXC_REQUESTS_PER_S))
    max_orders_per_s: float = attrs.field(default=SAFE_ORDERS_PER_S,
                                          validator=_at_most(MEXC_ORDERS_PER_S))
    max_endpoint_weight: int = attrs.field(default=SAFE_ENDPOINT_WEIGHT,
                                           validator=_at_most(MEXC_ENDPOINT_WEIGHT))
    tickers_ttl_s: float = attrs.field(default=5.0, validator=_positive)
    balances_ttl_s: float = attrs.field(default=1.0, validator=_positive)
    max_wait_s: float = attrs.field(default=30.0, validator=_positive)
    repost_when_absent: bool = False
    websocket: bool = True  # market and account streams beside REST (false: REST polling)
    ws_url: str = "wss://wbs-api.mexc.com/ws"

    @classmethod
    def from_mapping(cls, section: Mapping[str, Any]) -> MexcSettings:
        """Build from a parsed TOML `[mexc]` table (numbers may be Decimal or int)."""
        known = {f.name for f in attrs.fields(cls)}
        unknown = sorted(set(section) - known)
        if unknown:
            raise ConfigError(f"mexc.{unknown[0]}", "unknown key")
        values = {k: _plain(v) for k, v in section.items()}
        return cls(**values)

    def http_timeout(self) -> httpx.Timeout:
        """Return the httpx timeout for every call."""
        return httpx.Timeout(self.timeout_s)


def _plain(value: Any) -> Any:
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    return value


@attrs.frozen(repr=False)
class Credentials:
    """An API key and secret (from MEXC_API_KEY / MEXC_API_SECRET); never printed."""

    api_key: str = attrs.field(repr=False)
    api_secret: str = attrs.field(repr=False)

    def __repr__(self) -> str:
        return "Credentials(api_key=***, api_secret=***)"

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> Credentials | None:
        """Read MEXC_API_KEY / MEXC_API_SECRET from `env`; None when either is missing."""
        key, secret = env.get("MEXC_API_KEY", "").strip(), env.get("MEXC_API_SECRET", "").strip()
        return cls(key, secret) if key and secret else None


def make_http_client(settings: MexcSettings) -> httpx.AsyncClient:
    """Return a pooled httpx client with the configured timeouts (the caller closes it)."""
    return httpx.AsyncClient(
        timeout=settings.http_timeout(),
        limits=httpx.Limits(max_connections=20, max_keepalive_connections=10),
        headers={"User-Agent": "mexbot"},
    )

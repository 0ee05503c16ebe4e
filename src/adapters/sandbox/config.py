"""How a sandbox is set up: accounts (API key → secret, balances), data, clock, faults."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

import attrs

from mexcore.errors import ConfigError
from mexcore.values import money_map


@attrs.define
class SandboxFaults:
    """Faults on demand, changeable while the server runs (also via `POST /sandbox/faults`).

    Counters (`*_next`) fire on the next N matching requests, then stop by themselves. The
    market's faults (`MARKET_FAULTS`, `MARKET_COUNTERS`) act in each account's fake exchange
    (`adapters.fake.Faults` says what each does); a market counter moves to the account of
    the next request.
    """

    clock_skew_ms: int = 0
    latency_s: float = 0.0  # every request first waits this long (a network round trip)
    rate_limit_next: int = 0
    retry_after_s: float = 1.0
    server_error_next: int = 0
    server_error_methods: tuple[str, ...] = ("GET",)
    forbid_next: int = 0
    lose_next_order_answers: int = 0
    lost_answer_delay_s: float = 0.0
    hide_new_orders_queries: int = 0  # a new order answers -2013 to its first N queries
    fill_rate: float = 0.0  # per request: a resting order fills, part or all, first
    fill_next: int = 0
    post_only_cancel_rate: float = 0.0  # a taking LIMIT_MAKER is accepted, then CANCELED
    lookups_fail_after_lost: int = 0  # after a lost order answer, the next N look-ups fail
    price_move_rate: float = 0.0  # per request: the symbol's book moves 1 … N ticks first
    price_move_ticks: int = 3
    move_next: int = 0
    klines_missing: tuple[tuple[int, int], ...] = ()  # [from, to) ms spans with no candles
    # the streams (`/ws`): each counter fires once per connection or push, then stops
    ws_close_next: int = 0  # the next N connections are closed by the server
    ws_stall_next: int = 0  # the next N connections go silent (no pushes, no PONG), open
    ws_malformed_next: int = 0  # a malformed frame goes before each of the next N pushes
    ws_skip_depth_version_next: int = 0  # the next N depth diffs skip a version (a gap)
    expire_listen_keys_next: int = 0  # the oldest N listen keys expire now

    def update(self, changes: Mapping[str, Any]) -> None:
        """Set the named fields (unknown names are refused)."""
        names = {f.name for f in attrs.fields(SandboxFaults)}
        unknown = sorted(set(changes) - names)
        if unknown:
            raise ConfigError(f"sandbox.faults.{unknown[0]}", "unknown fault")
        for name, value in changes.items():
            setattr(self, name, _fault_value(name, value))


def _fault_value(name: str, value: Any) -> Any:
    """Return `value` as the field's type (TOML numbers may arrive as Decimal)."""
    default = attrs.fields_dict(SandboxFaults)[name].default
    if isinstance(value, list):
        return tuple(value)
    if isinstance(default, float):
        return float(value)
    if isinstance(default, int) and not isinstance(default, bool):
        if value != int(value):
            raise ConfigError(f"sandbox.faults.{name}", f"must be a whole number, not {value}")
        return int(value)
    return value


MARKET_FAULTS = ("fill_rate", "post_only_cancel_rate", "lookups_fail_after_lost",
                 "price_move_rate", "price_move_ticks")
MARKET_COUNTERS = ("fill_next", "move_next")


@attrs.frozen
class SandboxAccount:
    """One API key of the sandbox, its secret and starting balances."""

    api_key: str
    api_secret: str = attrs.field(repr=False)
    balances: Mapping[str, Decimal] = money_map(factory=dict)
    can_withdraw: bool = False
    symbols: tuple[str, ...] | None = None  # the key's own pair list; None: every API symbol


DEFAULT_ACCOUNT = SandboxAccount(
    "sandbox-api-key", "sandbox-api-secret", {"USDT": Decimal(1000), "USDC": Decimal(1000)})


@attrs.frozen
class SandboxConfig:
    """The whole sandbox: its accounts, market data, replay speed and start, faults, limits.

    `data` is "bundled" (the candles shipped with mexbot) or a folder of SYMBOL-1m.csv[.gz];
    the market replays from `start_ms` (default: one day into the data) at `speed` × real time.
    """

    accounts: tuple[SandboxAccount, ...] = (DEFAULT_ACCOUNT,)
    data: str = "bundled"
    start_ms: int | None = None
    speed: float = 1.0
    seed: int = 1
    rate_limit: bool = True
    admin: bool = True
    faults: SandboxFaults = attrs.field(factory=SandboxFaults, eq=False)

    @classmethod
    def from_mapping(cls, section: Mapping[str, Any]) -> SandboxConfig:
        """Build from a parsed TOML `[sandbox]` table; accounts as `[[sandbox.accounts]]`."""
        values = dict(section)
        known = {f.name for f in attrs.fields(cls)}
        unknown = sorted(set(values) - known)
        if unknown:
            raise ConfigError(f"sandbox.{unknown[0]}", "unknown key")
        if "accounts" in values:
            values["accounts"] = tuple(_account(a) for a in values["accounts"])
        if "faults" in values:
            faults = SandboxFaults()
            faults.update(values["faults"])
            values["faults"] = faults
        if "speed" in values:
            values["speed"] = float(values["speed"])
        return cls(**values)

    def account(self, api_key: str) -> SandboxAccount | None:
        """Return the account of an API key."""
        return next((a for a in self.accounts if a.api_key == api_key), None)


def _account(table: Mapping[str, Any]) -> SandboxAccount:
    try:
        symbols = table.get("symbols")
        return SandboxAccount(
            api_key=str(table["api_key"]), api_secret=str(table["api_secret"]),
            balances=dict(table.get("balances", {})),
            can_withdraw=bool(table.get("can_withdraw", False)),
            symbols=None if symbols is None else tuple(symbols))
    except KeyError as e:
        raise ConfigError(f"sandbox.accounts.{e.args[0]}", "is required") from e

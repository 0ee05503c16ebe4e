"""Build and validate the bot's configuration (SPEC §2) from a raw TOML mapping.

`load_config(raw)` reads the mapping that `tomllib.load(f, parse_float=Decimal)` gives (numbers
as int, Decimal or str; a float is refused), checks every key against `SCHEMA` and the
cross-key `RELATIONS`, and returns the frozen `BotConfig` of `mexcore.policies`. An empty mapping
gives the defaults. The first bad value raises one `ConfigError(key, rule)`.
"""

from __future__ import annotations

import difflib
import operator
import re
from collections.abc import Callable, Mapping
from decimal import Decimal
from pathlib import PurePath
from typing import Any

import attrs

from mexcore.advisor import ON_FAILURE, AdvisorPolicy
from mexcore.config_rules import Boolean, Integer, Listen, Number, Symbols, Table, Text
from mexcore.config_services import load_services
from mexcore.errors import ConfigError
from mexcore.money import format_decimal
from mexcore.policies import (
    AltsMonitorPolicy,
    AntiHypePolicy,
    BalanceMonitorPolicy,
    Balancer5050Policy,
    BotConfig,
    MexcPolicy,
    OrdersReporterPolicy,
    PnlMonitorPolicy,
    PortfolioRebalancePolicy,
    ScannerPolicy,
    SimPolicy,
    TelegramPolicy,
    WebPolicy,
)

Rule = Callable[[str, Any], Any]
D = Decimal

MODES = ("sim", "paper", "live")
CANDLE_INTERVALS = ("1m", "5m", "15m", "30m", "60m", "4h", "1d", "1W", "1M")
SECRET_WORDS = ("key", "secret", "token")
NOT_SECRET = frozenset({"max_tokens", "daily_token_budget"})  # [advisor] counts, shown as they are
REDACTED = "***"

BOOL = Boolean()
POSITIVE = Integer(lo=1)
NON_NEGATIVE = Integer(lo=0)
AMOUNT = Number(lo=D(0))
POSITIVE_AMOUNT = Number(lo=D(0), lo_open=True)
FRACTION = Number(lo=D(0), hi=D(1), lo_open=True, note="(a fraction: 0.15 = 15 %)")
RSI_LEVEL = Number(lo=D(0), hi=D(100))
WEIGHTS = Table(Number(lo=D(0), hi=D(1)), weights=True)
URL = Text(prefixes=("https://", "http://"))
SECONDS = Number(lo=D(0), lo_open=True)
# MEXC's own limits (the adapter's constants; the core may not import it, a test ties them)
MEXC_REQUESTS_PER_S, MEXC_ORDERS_PER_S, MEXC_ENDPOINT_WEIGHT = 20, 12, 500

SECTIONS: dict[str, type] = {
    "mexc": MexcPolicy, "telegram": TelegramPolicy, "scanner": ScannerPolicy,
    "balance_monitor": BalanceMonitorPolicy, "pnl_monitor": PnlMonitorPolicy,
    "portfolio_rebalance": PortfolioRebalancePolicy, "alts_monitor": AltsMonitorPolicy,
    "balancer_5050": Balancer5050Policy, "orders_reporter": OrdersReporterPolicy,
    "antihype": AntiHypePolicy, "sim": SimPolicy, "web": WebPolicy, "advisor": AdvisorPolicy,
}
RUNNER: dict[str, Rule] = {"enabled": BOOL, "interval_s": POSITIVE}

SCHEMA: dict[str, dict[str, Rule]] = {
    "": {"mode": Text(choices=MODES), "state_dir": Text()},
    "mexc": {
        "base_url": URL, "recv_window_ms": Integer(1, 60000), "timeout_s": POSITIVE,
        "unknown_order_grace_s": Integer(1, 3600), "read_attempts": POSITIVE,
        "rules_ttl_s": SECONDS, "tickers_ttl_s": SECONDS, "balances_ttl_s": SECONDS,
        "max_requests_per_s": Number(lo=D(0), hi=D(MEXC_REQUESTS_PER_S), lo_open=True,
                                     note="(MEXC's own limit)"),
        "max_orders_per_s": Number(lo=D(0), hi=D(MEXC_ORDERS_PER_S), lo_open=True,
                                   note="(MEXC's own limit)"),
        "max_endpoint_weight": Integer(1, MEXC_ENDPOINT_WEIGHT, note="(MEXC's own limit)"),
        "max_wait_s": SECONDS, "repost_when_absent": BOOL,
        "websocket": BOOL, "ws_url": Text(prefixes=("wss://", "ws://")),
    },
    "telegram": {"base_url": URL, "summary_min_interval_s": NON_NEGATIVE},
    "scanner": {
        **RUNNER, "min_quote_volume": AMOUNT, "max_pairs": POSITIVE, "excluded_symbols": Symbols(),
        "candle_interval": Text(choices=CANDLE_INTERVALS),
        "candles": Integer(34, 1000, note="(MACD(12,26,9) needs 34; MEXC sends at most 1000)"),
        "concurrency": Integer(1, 100), "min_score": Integer(-10, 10),
        "min_buy": POSITIVE_AMOUNT, "small_balance": AMOUNT, "small_balance_fraction": FRACTION,
        "fraction": FRACTION, "max_buy": POSITIVE_AMOUNT, "report_every_cycles": POSITIVE,
    },
    "balance_monitor": {
        **RUNNER, "targets": WEIGHTS, "min_qty": Table(POSITIVE_AMOUNT), "min_balance": AMOUNT,
        "max_purchase": POSITIVE_AMOUNT, "reserve": AMOUNT, "cooldown_s": NON_NEGATIVE,
        "rebalance_deviation": FRACTION, "order_attempts": Integer(1, 10),
        "requote_after_s": POSITIVE, "max_requotes": NON_NEGATIVE, "top_up_from_usdt": BOOL,
    },
    "pnl_monitor": {
        **RUNNER, "symbols": Symbols(), "profit_threshold": AMOUNT,
        "sell_price_factor": Number(lo=D("0.9"), hi=D("1.1")),
        "summary_interval_s": POSITIVE, "post_sale_rebalance": BOOL,
    },
    "portfolio_rebalance": {**RUNNER, "allow_negative_pnl": BOOL},
    "alts_monitor": {**RUNNER, "profit_threshold": AMOUNT},
    "balancer_5050": {
        **RUNNER, "cooldown_s": NON_NEGATIVE, "min_balance": AMOUNT,
        "max_operation": POSITIVE_AMOUNT, "reserve": AMOUNT, "deviation": FRACTION,
        "min_per_asset": POSITIVE_AMOUNT, "btc_eth_targets": WEIGHTS, "alts": Symbols(),
    },
    "orders_reporter": dict(RUNNER),
    "antihype": {
        "block_change_24h": FRACTION, "block_change_1h": FRACTION, "block_rsi": RSI_LEVEL,
        "damp_change_24h": FRACTION, "damp_multiplier": FRACTION, "dip_from_high": FRACTION,
        "dip_rsi": RSI_LEVEL, "dip_multiplier": Number(lo=D(1), hi=D(10)),
        "rebalance_block_change_24h": FRACTION,
    },
    "sim": {
        "data": Text(), "start_balances": Table(AMOUNT, assets=True),
        "days": Integer(1, 366), "seed": NON_NEGATIVE,
    },
    "web": {"enabled": BOOL, "listen": Listen(), "allow_actions": BOOL},
    "advisor": {
        "enabled": BOOL, "base_url": URL, "model": Text(), "timeout_s": Number(lo=D(0), hi=D(120),
        lo_open=True), "max_tokens": Integer(1, 4000), "daily_token_budget": NON_NEGATIVE,
        "language": Text(), "veto_buys": BOOL, "on_failure": Text(choices=ON_FAILURE),
        "real_in_sim": BOOL,
    },
}

RELATIONS: tuple[tuple[str, str, str], ...] = (
    ("scanner.min_buy", "<=", "scanner.max_buy"),
    ("balancer_5050.min_per_asset", "<=", "balancer_5050.max_operation"),
    ("antihype.damp_change_24h", "<=", "antihype.block_change_24h"),
    ("antihype.block_change_24h", "<=", "antihype.rebalance_block_change_24h"),
    ("antihype.dip_rsi", "<", "antihype.block_rsi"),
)
_COMPARE = {"<=": operator.le, "<": operator.lt}


def _unknown(key: str, known: list[str], what: str = "key") -> ConfigError:
    name = key.rsplit(".", 1)[-1]
    close = difflib.get_close_matches(name, known, n=1, cutoff=0.6)
    hint = f"did you mean {close[0]!r}?" if close else "known: " + ", ".join(sorted(known))
    return ConfigError(key, f"unknown {what}; {hint}")


def _section(name: str, raw: Any) -> dict[str, Any]:
    if not isinstance(raw, Mapping):
        raise ConfigError(name, f"must be a table [{name}], got {raw!r}")
    rules = SCHEMA[name]
    values: dict[str, Any] = {}
    for key, value in raw.items():
        if key not in rules:
            raise _unknown(f"{name}.{key}", list(rules))
        values[key] = rules[key](f"{name}.{key}", value)
    return values


def load_config(raw: Mapping[str, Any], folder: str | None = None) -> BotConfig:
    """Build the validated configuration from a raw TOML mapping; {} gives the defaults.

    `folder` is the configuration file's folder: a relative `state_dir` is taken from there.
    """
    known = [*SCHEMA[""], *SECTIONS, "services"]
    top: dict[str, Any] = {}
    for key, value in raw.items():
        if key in SECTIONS or key == "services":
            continue
        if key not in SCHEMA[""]:
            raise _unknown(str(key), known, "section" if isinstance(value, Mapping) else "key")
        top[key] = SCHEMA[""][key](key, value)
    if "state_dir" in top:
        top["state_dir"] = _state_dir(top["state_dir"], top.get("mode", "sim"), folder)
    sections = {n: cls(**_section(n, raw.get(n, {}))) for n, cls in SECTIONS.items()}
    services = load_services(raw.get("services", []))
    config = BotConfig(**top, **sections, services=services)
    check_relations(config)
    return config


def _state_dir(text: str, mode: str, folder: str | None) -> str:
    text = text.replace("{mode}", mode)  # one journal per mode
    if folder is None or PurePath(text).is_absolute():
        return text
    return str(PurePath(folder) / text)


def config_value(config: BotConfig, dotted: str) -> Any:
    """Return the value of a dotted key like `scanner.max_buy`."""
    value: Any = config
    for part in dotted.split("."):
        value = getattr(value, part)
    return value


def check_relations(config: BotConfig) -> None:
    """Raise ConfigError naming the first key that breaks a rule between two keys."""
    for left, op, right in RELATIONS:
        a, b = config_value(config, left), config_value(config, right)
        if not _COMPARE[op](a, b):
            raise ConfigError(left, f"must be {op} {right} ({_plain(b)}), got {_plain(a)}")


def _plain(value: Any) -> Any:
    if isinstance(value, Decimal):
        return format_decimal(value)
    if isinstance(value, tuple):
        return [_plain(v) for v in value]
    if isinstance(value, Mapping):
        return {k: _plain(v) for k, v in value.items()}
    if attrs.has(type(value)):
        return {f.name: _plain(getattr(value, f.name)) for f in attrs.fields(type(value))
                if getattr(value, f.name) is not None}  # TOML has no null: unset is absent
    return value


def config_to_mapping(config: BotConfig) -> dict[str, Any]:
    """Return the configuration as plain TOML-shaped data: decimals as strings, lists, dicts.

    `load_config(config_to_mapping(c))` gives back `c`.
    """
    mapping = _plain(config)
    assert isinstance(mapping, dict)
    return mapping


def _is_secret(key: Any) -> bool:
    return (isinstance(key, str) and key not in NOT_SECRET
            and any(w in key.lower() for w in SECRET_WORDS))


def redacted(mapping: Mapping[str, Any]) -> dict[str, Any]:
    """Return a copy where every non-empty value under a key naming a key/secret/token is ***."""
    out: dict[str, Any] = {}
    for key, value in mapping.items():
        if _is_secret(key) and value not in (None, "", (), [], {}):
            out[key] = REDACTED
        elif isinstance(value, Mapping):
            out[key] = redacted(value)
        else:
            out[key] = value
    return out


def _toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, list):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    if isinstance(value, Mapping):
        return "{ " + ", ".join(f"{_toml_key(k)} = {_toml_value(v)}"
                                for k, v in value.items()) + " }"
    return _toml_string(str(value))


_BARE_KEY = re.compile(r"[A-Za-z0-9_-]+")
_ESCAPES = {"\\": "\\\\", '"': '\\"', "\b": "\\b", "\t": "\\t", "\n": "\\n", "\f": "\\f",
            "\r": "\\r"}


def _toml_string(text: str) -> str:
    """Quote `text` as a TOML basic string: control characters escaped, never raw."""
    out = (_ESCAPES.get(c) or (f"\\u{ord(c):04x}" if c < " " or c == "\x7f" else c) for c in text)
    return '"' + "".join(out) + '"'


def _toml_key(key: Any) -> str:
    return str(key) if _BARE_KEY.fullmatch(str(key)) else _toml_string(str(key))


def to_toml(mapping: Mapping[str, Any]) -> str:
    """Render a `config_to_mapping` result (optionally redacted) as TOML text."""
    lines = [f"{k} = {_toml_value(v)}" for k, v in mapping.items() if k not in SECTIONS]
    for name, section in mapping.items():
        if name in SECTIONS:
            lines += ["", f"[{name}]"]
            lines += [f"{k} = {_toml_value(v)}" for k, v in section.items()]
    return "\n".join(lines) + "\n"

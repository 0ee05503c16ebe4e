"""The `[[services]]` tables: services of your own, each made by a factory you name.

Every table is checked like a section (unknown keys are errors naming `services[i].key`); the
factory itself is imported and called by the runner (`runners.plugins`), not here.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from mexcore.config_rules import Boolean, Integer, fail
from mexcore.errors import ConfigError
from mexcore.money import format_decimal
from mexcore.policies import ServiceSpec

FACTORY_RULE = 'a factory "package.module:attribute", e.g. "rsi_dip.strategy:make"'
NAME_RULE = "a service name: letters, digits, _ . or -"
_FACTORY = re.compile(r"^[A-Za-z_]\w*(\.[A-Za-z_]\w*)*:[A-Za-z_]\w*(\.[A-Za-z_]\w*)*$")
_NAME = re.compile(r"^[A-Za-z0-9_.-]+$")


def check_factory(key: str, value: Any) -> str:
    """Return a `package.module:attribute` string, or raise naming the key."""
    if not isinstance(value, str) or not _FACTORY.fullmatch(value):
        raise fail(key, FACTORY_RULE, value)
    return value


def check_name(key: str, value: Any) -> str:
    """Return a service name usable in the journal and the reports, or raise naming the key."""
    if not isinstance(value, str) or not _NAME.fullmatch(value):
        raise fail(key, NAME_RULE, value)
    return value


def check_options(key: str, value: Any) -> dict[str, Any]:
    """Return the options table with decimals as their text (exactly as written)."""
    if not isinstance(value, Mapping):
        raise fail(key, "a table [services.options]", value)
    return {str(k): _option(f"{key}.{k}", v) for k, v in value.items()}


def _option(key: str, value: Any) -> Any:
    if isinstance(value, float):
        raise ConfigError(key, f"must be exact, got the float {value!r}: quote it, or read "
                               "TOML with parse_float=Decimal")
    if isinstance(value, Decimal):
        return format_decimal(value) if value.is_finite() else str(value)
    if isinstance(value, list | tuple):
        return [_option(f"{key}[{i}]", v) for i, v in enumerate(value)]
    if isinstance(value, Mapping):
        return check_options(key, value)
    return value


SERVICE_RULES: dict[str, Any] = {
    "factory": check_factory, "interval_s": Integer(lo=1), "name": check_name,
    "enabled": Boolean(), "options": check_options,
}


def load_services(raw: Any) -> tuple[ServiceSpec, ...]:
    """Build the `[[services]]` entries of a raw TOML mapping's `services` value."""
    if not isinstance(raw, list | tuple):
        raise ConfigError("services", f"must be an array of tables [[services]], got {raw!r}")
    return tuple(_service(f"services[{i}]", table) for i, table in enumerate(raw))


def _service(where: str, table: Any) -> ServiceSpec:
    if not isinstance(table, Mapping):
        raise ConfigError(where, f"must be a table [[services]], got {table!r}")
    values: dict[str, Any] = {}
    for key, value in table.items():
        if key not in SERVICE_RULES:
            known = ", ".join(SERVICE_RULES)
            raise ConfigError(f"{where}.{key}", f"unknown key; known: {known}")
        values[key] = SERVICE_RULES[key](f"{where}.{key}", value)
    if "factory" not in values:
        raise ConfigError(f"{where}.factory", "missing: " + FACTORY_RULE)
    return ServiceSpec(**values)

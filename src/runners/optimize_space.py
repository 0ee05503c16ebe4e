"""The search space of `mexbot optimize`: configuration keys from space.toml, checked by SCHEMA.

Each key names a configuration value (`"pnl_monitor.profit_threshold"`, or nested
`[pnl_monitor] profit_threshold = …`) and gives a range `{ low = "0.05", high = "5", log = true,
step = "0.05" }` or a list of choices `[true, false]`. Bounds and choices pass the key's own
rule. Optuna suggests floats; they reach the configuration as exact decimals: on the step grid
when a step is given, else rounded to `SIGNIFICANT` significant digits and kept inside the bounds.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from decimal import Decimal
from typing import Any, Protocol

import attrs

from mexcore.config import SCHEMA, load_config
from mexcore.config_rules import Boolean, Integer, Number
from mexcore.errors import ConfigError
from mexcore.policies import BotConfig

SIGNIFICANT = 6
RANGE_FIELDS = frozenset({"low", "high", "log", "step"})
Value = bool | int | str | Decimal


class Suggester(Protocol):
    """The part of an optuna trial the space needs."""

    def suggest_float(self, name: str, low: float, high: float, *, step: float | None = None,
                      log: bool = False) -> float: ...

    def suggest_int(self, name: str, low: int, high: int, *, step: int = 1,
                    log: bool = False) -> int: ...

    def suggest_categorical(self, name: str, choices: Any) -> Any: ...


@attrs.frozen
class Param:
    """One key to search: a decimal or whole-number range, or a list of choices."""

    key: str  # "section.name"
    low: Decimal | None = None
    high: Decimal | None = None
    log: bool = False
    step: Decimal | None = None
    whole: bool = False  # an Integer rule: suggest ints
    choices: tuple[Value, ...] = ()

    def suggest(self, trial: Suggester) -> Value:
        """Ask the trial for this key's value; return it as the configuration takes it."""
        if self.choices:
            shown = [str(c) if isinstance(c, Decimal) else c for c in self.choices]
            picked = trial.suggest_categorical(self.key, shown)
            return self.choices[shown.index(picked)]
        assert self.low is not None
        assert self.high is not None
        if self.whole:
            step = int(self.step or 1)
            return trial.suggest_int(self.key, int(self.low), int(self.high), step=step,
                                     log=self.log)
        step_f = float(self.step) if self.step is not None else None
        x = trial.suggest_float(self.key, float(self.low), float(self.high), step=step_f,
                                log=self.log)
        return exact(x, self.low, self.high, self.step)


def exact(x: float, low: Decimal, high: Decimal, step: Decimal | None = None) -> Decimal:
    """Return a suggested float as a decimal in [low, high]: on the step grid, else 6 digits.

    >>> exact(0.123456789, Decimal("0.05"), Decimal(5))
    Decimal('0.123457')
    >>> exact(0.30000000000000004, Decimal("0.1"), Decimal(1), Decimal("0.1"))
    Decimal('0.3')
    """
    if step is not None:
        last = int((high - low) // step)  # the grid's top point is at most `high`
        n = round((Decimal(repr(x)) - low) / step)
        return low + min(last, max(0, n)) * step
    value = Decimal(f"{x:.{SIGNIFICANT}g}")
    return min(high, max(low, value))


def _rule(key: str) -> Any:
    section, _, name = key.rpartition(".")
    rules = SCHEMA.get(section) if section else None
    if rules is None:
        known = ", ".join(s for s in SCHEMA if s)
        raise ConfigError(key, f"unknown section {section!r} in the space; known: {known}")
    if name not in rules:
        raise ConfigError(key, "unknown key in the space; known: " + ", ".join(sorted(rules)))
    return rules[name]


def _flatten(raw: Mapping[str, Any], prefix: str = "") -> dict[str, Any]:
    flat: dict[str, Any] = {}
    for name, value in raw.items():
        key = f"{prefix}{name}"
        if isinstance(value, Mapping) and not RANGE_FIELDS & set(value):
            flat |= _flatten(value, key + ".")
        else:
            flat[key] = value
    return flat


def _choices(key: str, rule: Any, raw: list[Any]) -> Param:
    if not raw:
        raise ConfigError(key, "a list of choices must not be empty")
    values = tuple(rule(key, v) for v in raw)
    if not all(isinstance(v, bool | int | str | Decimal) for v in values):
        raise ConfigError(key, "choices must be numbers, true/false or strings")
    return Param(key, choices=values)


def _range(key: str, rule: Any, raw: Mapping[str, Any]) -> Param:
    unknown = sorted(set(raw) - RANGE_FIELDS)
    if unknown or not {"low", "high"} <= set(raw):
        raise ConfigError(key, "a range is { low = …, high = …[, log = true][, step = …] }"
                               + (f"; unknown: {', '.join(unknown)}" if unknown else ""))
    if not isinstance(rule, Number | Integer):
        raise ConfigError(key, "is not a number: give a list of choices instead")
    low, high = Decimal(rule(key, raw["low"])), Decimal(rule(key, raw["high"]))
    if low >= high:
        raise ConfigError(key, f"low ({low}) must be below high ({high})")
    log = Boolean()(f"{key}.log", raw.get("log", False))
    if log and low <= 0:
        raise ConfigError(key, "a log range needs low > 0")
    step = None if "step" not in raw else Number(lo=Decimal(0), lo_open=True)(
        f"{key}.step", raw["step"])
    if step is not None and log:
        raise ConfigError(key, "give step or log, not both")
    if step is not None and (high - low) % step:
        raise ConfigError(key, f"high - low ({high - low}) must be a whole number of steps "
                               f"({step})")
    return Param(key, low, high, log, step, whole=isinstance(rule, Integer))


def parse_space(raw: Mapping[str, Any]) -> tuple[Param, ...]:
    """Return the parameters of a space.toml mapping, or raise ConfigError naming the key."""
    params = []
    for key, spec in _flatten(raw).items():
        rule = _rule(key)
        if isinstance(spec, list):
            params.append(_choices(key, rule, spec))
        elif isinstance(spec, Mapping):
            params.append(_range(key, rule, spec))
        else:
            raise ConfigError(key, f"must be a range {{ low = …, high = … }} or a list of "
                                   f"choices, got {spec!r}")
    if not params:
        raise ConfigError("--space", "names no configuration key to search")
    return tuple(params)


def with_values(base: Mapping[str, Any], values: Mapping[str, Value]) -> dict[str, Any]:
    """Return a copy of a raw configuration mapping with the dotted keys set to `values`."""
    raw = copy.deepcopy(dict(base))
    for key, value in values.items():
        section, _, name = key.rpartition(".")
        raw.setdefault(section, {})[name] = value
    return raw


def trial_config(base: Mapping[str, Any], values: Mapping[str, Value]) -> BotConfig:
    """Return the validated configuration of one trial (ConfigError if the values clash)."""
    return load_config(with_values(base, values))

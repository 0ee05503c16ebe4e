"""The rules a configuration value must follow: small callable objects, one per kind of value.

Each rule converts a raw TOML value (int, Decimal or str for numbers; a float is refused) to
what the policy holds, or raises `ConfigError(key, rule)` naming the dotted key. `describe()`
says the rule in words; `docs/configuration.md` and the error messages use the same words.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

import attrs

from mexcore.errors import ConfigError
from mexcore.money import ONE, ZERO, format_decimal

QUOTES = ("USDT", "USDC", "USDE", "USD1", "BTC", "ETH", "MX", "EUR")
_SYMBOL = re.compile(rf"^[A-Z0-9]+({'|'.join(QUOTES)})$")
_ASSET = re.compile(r"^[A-Z0-9]+$")


def _show(value: Any) -> str:
    return format_decimal(value) if isinstance(value, Decimal) else repr(value)


def fail(key: str, rule: str, value: Any) -> ConfigError:
    """Build the error for a value that breaks a rule."""
    return ConfigError(key, f"must be {rule}, got {_show(value)}")


def to_number(key: str, value: Any, rule: str) -> Decimal:
    """Read an exact number (int, Decimal or numeric str); a float or a bool is refused."""
    if isinstance(value, float):
        raise ConfigError(key, f"must be {rule}, got the float {value!r}: write numbers exactly "
                               "(quote them, or read TOML with parse_float=Decimal)")
    if isinstance(value, bool) or not isinstance(value, int | Decimal | str):
        raise fail(key, rule, value)
    try:
        number = Decimal(value)
    except InvalidOperation as e:
        raise fail(key, rule, value) from e
    if not number.is_finite():
        raise fail(key, rule, value)
    return number


@attrs.frozen
class Number:
    """A decimal in a range; `lo_open`/`hi_open` exclude the ends."""

    lo: Decimal | None = None
    hi: Decimal | None = None
    lo_open: bool = False
    hi_open: bool = False
    note: str = ""

    def describe(self) -> str:
        """Say the rule in words."""
        parts = []
        if self.lo is not None:
            parts.append(f"{'>' if self.lo_open else '≥'} {format_decimal(self.lo)}")
        if self.hi is not None:
            parts.append(f"{'<' if self.hi_open else '≤'} {format_decimal(self.hi)}")
        text = "a decimal " + " and ".join(parts) if parts else "a decimal"
        return f"{text} {self.note}".strip()

    def contains(self, n: Decimal) -> bool:
        """Tell whether a number is inside the range."""
        low_ok = self.lo is None or (n > self.lo if self.lo_open else n >= self.lo)
        high_ok = self.hi is None or (n < self.hi if self.hi_open else n <= self.hi)
        return low_ok and high_ok

    def __call__(self, key: str, value: Any) -> Decimal:
        number = to_number(key, value, self.describe())
        if not self.contains(number):
            raise fail(key, self.describe(), value)
        return number


@attrs.frozen
class Integer:
    """A whole number from `lo` to `hi` (either end optional)."""

    lo: int | None = None
    hi: int | None = None
    note: str = ""

    def describe(self) -> str:
        """Say the rule in words."""
        if self.lo is not None and self.hi is not None:
            text = f"an integer from {self.lo} to {self.hi}"
        elif self.lo is not None:
            text = f"an integer ≥ {self.lo}"
        else:
            text = "an integer"
        return f"{text} {self.note}".strip()

    def __call__(self, key: str, value: Any) -> int:
        number = to_number(key, value, self.describe())
        whole = number == number.to_integral_value()
        inside = Number(None if self.lo is None else Decimal(self.lo),
                        None if self.hi is None else Decimal(self.hi)).contains(number)
        if not (whole and inside):
            raise fail(key, self.describe(), value)
        return int(number)


@attrs.frozen
class Boolean:
    """true or false."""

    def describe(self) -> str:
        """Say the rule in words."""
        return "true or false"

    def __call__(self, key: str, value: Any) -> bool:
        if not isinstance(value, bool):
            raise fail(key, self.describe(), value)
        return value


@attrs.frozen
class Text:
    """A non-empty string, optionally one of `choices` or starting with one of `prefixes`."""

    choices: tuple[str, ...] = ()
    prefixes: tuple[str, ...] = ()

    def describe(self) -> str:
        """Say the rule in words."""
        if self.choices:
            return "one of " + ", ".join(self.choices)
        if self.prefixes:
            return "a URL starting with " + " or ".join(self.prefixes)
        return "a non-empty string"

    def __call__(self, key: str, value: Any) -> str:
        ok = isinstance(value, str) and value.strip() != ""
        if ok and self.choices:
            ok = value in self.choices
        if ok and self.prefixes:
            ok = value.startswith(self.prefixes)
        if not ok:
            raise fail(key, self.describe(), value)
        return str(value)


SYMBOL_RULE = f"a symbol: uppercase letters and digits ending in {', '.join(QUOTES)}"


def check_symbol(key: str, value: Any) -> str:
    """Return a well-formed market symbol like BTCUSDC, or raise naming the key."""
    if not isinstance(value, str) or not _SYMBOL.match(value) or value in QUOTES:
        raise fail(key, SYMBOL_RULE, value)
    return value


@attrs.frozen
class Symbols:
    """A list of distinct market symbols."""

    def describe(self) -> str:
        """Say the rule in words."""
        return "a list of distinct symbols (uppercase, ending in a quote such as USDT)"

    def __call__(self, key: str, value: Any) -> tuple[str, ...]:
        if not isinstance(value, list | tuple):
            raise fail(key, self.describe(), value)
        names = tuple(check_symbol(f"{key}[{i}]", v) for i, v in enumerate(value))
        if len(set(names)) != len(names):
            raise fail(key, self.describe(), list(names))
        return names


@attrs.frozen
class Table:
    """A table of {symbol or asset: number}; `weights` makes the numbers add up to 1."""

    value: Number
    assets: bool = False
    weights: bool = False

    def describe(self) -> str:
        """Say the rule in words."""
        names = "asset (USDT, BTC…)" if self.assets else "symbol (BTCUSDC…)"
        text = f"a table of {names} = {self.value.describe()}"
        return f"{text}, adding up to 1" if self.weights else text

    def __call__(self, key: str, value: Any) -> dict[str, Decimal]:
        if not isinstance(value, Mapping) or (self.weights and not value):
            raise fail(key, self.describe(), value)
        table = {self._name(key, k): self.value(f"{key}.{k}", v) for k, v in value.items()}
        if self.weights and sum(table.values(), ZERO) != ONE:
            total = format_decimal(sum(table.values(), ZERO))
            raise ConfigError(key, f"weights must add up to 1, they add up to {total}")
        return table

    def _name(self, key: str, name: Any) -> str:
        if self.assets:
            if not isinstance(name, str) or not _ASSET.match(name):
                raise fail(f"{key}.{name}", "an asset name: uppercase letters and digits", name)
            return name
        return check_symbol(f"{key}.{name}", name)


class ListenError(ValueError):
    """A listen address that is not `[HOST:]PORT`; the message says why."""


def parse_listen(text: str, default_host: str = "127.0.0.1") -> tuple[str, int]:
    """Read `[HOST:]PORT` (IPv6 as `[::1]:8080`) into a host and a port (0: any free port)."""
    text = text.strip()
    if text.startswith("["):
        host, _, rest = text[1:].partition("]")
        port_text = rest.removeprefix(":") if rest.startswith(":") else "?"
    elif text.count(":") > 1:
        raise ListenError(f"{text!r}: write an IPv6 host in brackets, as [::1]:8080")
    else:
        host, sep, port_text = text.rpartition(":")
        host = host if sep else default_host
    if not host or not port_text.isdigit() or int(port_text) > 65535:
        raise ListenError(f"{text!r} is not [HOST:]PORT with a port from 0 to 65535")
    return host, int(port_text)


@attrs.frozen
class Listen:
    """A `HOST:PORT` to listen on (IPv6 in brackets; port 0 picks a free one)."""

    def describe(self) -> str:
        """Say the rule in words."""
        return "HOST:PORT, e.g. 127.0.0.1:8080 (IPv6 as [::1]:8080)"

    def __call__(self, key: str, value: Any) -> str:
        try:
            parse_listen(value if isinstance(value, str) and ":" in value else "")
        except ListenError as e:
            raise fail(key, self.describe(), value) from e
        return str(value)

"""Check the command line before any work starts: a bad input is one line, never a traceback."""

from __future__ import annotations

import argparse
import os
from collections.abc import Callable
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from mexcore.errors import ConfigError
from runners.settings import read_toml

LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")
_TYPE_NAMES = {Decimal: "number", int: "integer", float: "number"}


class UsageError(Exception):
    """The command line asks for something impossible; the message names the option."""

    def __init__(self, option: str, rule: str) -> None:
        super().__init__(f"argument {option}: {rule}")


def port(text: str) -> int:
    """Read a TCP port, 0 (any free port) to 65535."""
    number = int(text)
    if not 0 <= number <= 65535:
        raise argparse.ArgumentTypeError(f"{text} is not a port: use 0 (any free port) to 65535")
    return number


def one_line_types(parser: argparse.ArgumentParser) -> None:
    """Make every option's converter report bad text as argparse's one-line error."""
    for action in parser._actions:  # argparse has no public walk
        if isinstance(action, argparse._SubParsersAction):
            for sub in action.choices.values():
                one_line_types(sub)
        elif callable(action.type) and not hasattr(action.type, "one_line"):
            action.type = _one_line(action.type)


def _one_line(kind: Callable[[str], Any]) -> Callable[[str], Any]:
    def convert(text: str) -> Any:
        try:
            return kind(text)
        except ArithmeticError as e:  # Decimal("abc") raises InvalidOperation, not ValueError
            raise ValueError(text) from e

    convert.__name__ = _TYPE_NAMES.get(kind, getattr(kind, "__name__", "value"))  # type: ignore[call-overload]
    convert.one_line = True  # type: ignore[attr-defined]
    return convert


def check_args(args: argparse.Namespace) -> None:
    """Refuse a bad `--config`, `--from`/`--to` or `--out` before any work starts."""
    if getattr(args, "config", None) is not None:
        check_config_file(args.config)
    if args.command == "backtest":
        _check_times(args)
        check_out_folder(args.out)


def check_config_file(path: Path) -> None:
    """Refuse a configuration that is a folder, unreadable or not UTF-8 text."""
    if path.is_dir():
        raise UsageError("--config", f"{path} is a folder, not a TOML file")
    try:
        read_toml(path)
    except ConfigError as e:  # not found, not TOML: said as the option it is
        raise UsageError("--config", e.rule) from e
    except UnicodeDecodeError as e:
        raise UsageError("--config", f"{path} is not a text (UTF-8) TOML file") from e
    except OSError as e:
        raise UsageError("--config", f"cannot read {path}: {e.strerror}") from e


def _check_times(args: argparse.Namespace) -> None:
    from runners.backtest import parse_time_ms

    for option, text in (("--from", args.from_), ("--to", args.to)):
        if text is None:
            continue
        try:
            parse_time_ms(text)
        except ValueError as e:
            raise UsageError(option, f"{text!r} is not a UTC date or ISO time "
                                     "(e.g. 2024-05-01 or 2024-05-01T12:00)") from e


def folder_problem(path: Path) -> str:
    """Create the folder `path` if need be; return why it cannot be used ("" when it can)."""
    if path.exists() and not path.is_dir():
        return f"{path} is a file, not a folder"
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        return f"cannot create the folder {path}: {e.strerror}"
    return "" if os.access(path, os.W_OK | os.X_OK) else f"cannot write into {path}"


def check_out_folder(path: Path) -> None:
    """Create the output folder now, so a file in the way or no write access fails first."""
    if problem := folder_problem(path):
        raise UsageError("--out", problem)


def positive_days(text: str) -> Decimal:
    """Parse a `--days` value: a number of days greater than 0."""
    try:
        days = Decimal(text)
    except InvalidOperation:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of days") from None
    if not days.is_finite() or days <= 0:
        raise argparse.ArgumentTypeError(f"{text!r}: the number of days must be more than 0")
    return days

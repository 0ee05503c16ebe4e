"""Run `mexbot backtest` in-process on a few bundled hours and read its report.json."""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from runners.backtest import add_backtest_parser, backtest_command


def run_backtest(out: Path, *extra: str, to: str = "2023-04-25T08:00") -> dict[str, Any]:
    """Backtest 2023-04-25 from 00:00 to `to` into `out`; return its report.json."""
    parser = argparse.ArgumentParser()
    add_backtest_parser(parser.add_subparsers(dest="command"))
    args = parser.parse_args(["backtest", "--from", "2023-04-25T00:00", "--to", to,
                              "--out", str(out), "--quiet", *extra])
    assert backtest_command(args) == 0
    return json.loads((out / "report.json").read_text())  # type: ignore[no-any-return]

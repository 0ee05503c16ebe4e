"""The backtest makes the same trades as before: report.json equals the golden one exactly.

The golden reports in tests/data/golden_reports/ were written by the code before the speed and
memory work (issue 16) with `mexbot backtest --out DIR` on the bundled data:

    mexbot backtest --out DIR                                                  -> default.json
    mexbot backtest --config no-scanner-high-threshold.toml --out DIR          -> no-scanner-...
    mexbot backtest --config no-balancer-seed7.toml --seed 7 --days 4 --out DIR -> no-balancer-...

A change that alters one price, fee or trade fails here. Regenerate a golden only for a change
that is meant to alter the trades, and say so in its commit.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

import pytest

from runners.backtest import add_backtest_parser, backtest_command

GOLDEN = Path(__file__).resolve().parents[1] / "data" / "golden_reports"
WALL_TIME_FIELDS: frozenset[str] = frozenset()  # report.json holds none today

CASES = {
    "default": (),
    "no-scanner-high-threshold": (
        "--config", str(GOLDEN / "no-scanner-high-threshold.toml")),
    "no-balancer-seed7": (
        "--config", str(GOLDEN / "no-balancer-seed7.toml"), "--seed", "7", "--days", "4"),
}


def comparable(value: Any) -> Any:
    """Return the report without its wall-time fields, at any depth."""
    if isinstance(value, dict):
        return {k: comparable(v) for k, v in value.items() if k not in WALL_TIME_FIELDS}
    if isinstance(value, list):
        return [comparable(v) for v in value]
    return value


def first_difference(got: Any, want: Any, where: str = "report") -> str | None:
    """Return where two JSON values first differ and how (None when they are equal)."""
    if isinstance(got, dict) and isinstance(want, dict):
        for key in sorted(set(got) | set(want)):
            if key not in got or key not in want:
                return f"{where}.{key}: only in {'golden' if key in want else 'this run'}"
            found = first_difference(got[key], want[key], f"{where}.{key}")
            if found:
                return found
        return None
    if isinstance(got, list) and isinstance(want, list):
        for i, (g, w) in enumerate(zip(got, want, strict=False)):
            found = first_difference(g, w, f"{where}[{i}]")
            if found:
                return found
        if len(got) != len(want):
            return f"{where}: {len(got)} items, golden {len(want)}"
        return None
    return None if got == want else f"{where}: {got!r}, golden {want!r}"


def _backtest(out: Path, extra: tuple[str, ...]) -> dict[str, Any]:
    parser = argparse.ArgumentParser()
    add_backtest_parser(parser.add_subparsers(dest="command"))
    args = parser.parse_args(["backtest", "--out", str(out), "--quiet", "--no-charts", *extra])
    assert backtest_command(args) == 0
    return json.loads((out / "report.json").read_text())  # type: ignore[no-any-return]


@pytest.mark.parametrize("name", sorted(CASES))
def test_the_backtest_report_equals_the_golden_report_exactly(
    name: str, tmp_path: Path, capsys: pytest.CaptureFixture[str],
) -> None:
    got = comparable(_backtest(tmp_path, CASES[name]))
    capsys.readouterr()  # the printed report is not what is compared
    want = comparable(json.loads((GOLDEN / f"{name}.json").read_text()))
    assert first_difference(got, want) is None
    assert got == want


def test_first_difference_names_the_path_of_a_changed_trade_price() -> None:
    want = {"trades": [{"price": "1.00"}, {"price": "2.00"}]}
    got = {"trades": [{"price": "1.00"}, {"price": "2.01"}]}
    assert first_difference(got, want) == "report.trades[1].price: '2.01', golden '2.00'"


def test_first_difference_names_a_missing_trade_and_a_missing_key() -> None:
    assert first_difference({"trades": [1]}, {"trades": [1, 2]}) == (
        "report.trades: 1 items, golden 2")
    assert first_difference({}, {"fees": "1"}) == "report.fees: only in golden"

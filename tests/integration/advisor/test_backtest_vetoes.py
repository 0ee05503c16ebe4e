"""A backtest with `[advisor] veto_buys` uses the fake advisor (no network), counts its vetoes."""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from runners.backtest import add_backtest_parser, backtest_command

VETOING = """
[advisor]
enabled = true
veto_buys = true
"""


def _run(out: Path, *extra: str) -> dict[str, Any]:
    parser = argparse.ArgumentParser()
    add_backtest_parser(parser.add_subparsers(dest="command"))
    args = parser.parse_args(["backtest", "--from", "2023-04-25T00:00", "--to",
                              "2023-04-25T08:00", "--out", str(out), "--quiet", *extra])
    assert backtest_command(args) == 0
    return json.loads((out / "report.json").read_text())  # type: ignore[no-any-return]


def test_the_backtest_report_counts_the_fake_advisors_vetoes(tmp_path: Path) -> None:
    config = tmp_path / "mexbot.toml"
    config.write_text(VETOING, encoding="utf-8")

    vetoing = _run(tmp_path / "with", "--config", str(config))

    assert vetoing["advisor_vetoes"] >= 1
    text = (tmp_path / "with" / "report.txt").read_text(encoding="utf-8")
    assert f"Scanner buys vetoed by the advisor: {vetoing['advisor_vetoes']}" in text

"""A backtest with the advisor on ends its report with the model's paragraph about the period."""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from runners.backtest import add_backtest_parser, backtest_command


def _run(out: Path, *extra: str) -> dict[str, Any]:
    parser = argparse.ArgumentParser()
    add_backtest_parser(parser.add_subparsers(dest="command"))
    args = parser.parse_args(["backtest", "--from", "2023-04-25T00:00", "--to",
                              "2023-04-25T06:00", "--out", str(out), "--quiet", *extra])
    assert backtest_command(args) == 0
    return json.loads((out / "report.json").read_text())  # type: ignore[no-any-return]


def test_the_report_carries_the_advisors_paragraph_about_the_period(tmp_path: Path) -> None:
    config = tmp_path / "mexbot.toml"
    config.write_text("[advisor]\nenabled = true\n", encoding="utf-8")

    report = _run(tmp_path / "out", "--config", str(config))

    paragraph = report["advisor_explanation"]
    assert paragraph
    text = (tmp_path / "out" / "report.txt").read_text(encoding="utf-8")
    assert f"Advisor: {paragraph}" in text


def test_without_the_advisor_the_report_has_no_paragraph(tmp_path: Path) -> None:
    report = _run(tmp_path / "out")

    assert "advisor_explanation" not in report

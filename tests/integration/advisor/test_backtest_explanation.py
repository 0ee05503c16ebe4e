"""A backtest with the advisor on ends its report with the model's paragraph about the period."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tests.integration.backtest_runs import run_backtest


def _run(out: Path, *extra: str) -> dict[str, Any]:
    return run_backtest(out, *extra, to="2023-04-25T06:00")


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

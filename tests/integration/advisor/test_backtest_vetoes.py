"""A backtest with `[advisor] veto_buys` uses the fake advisor (no network), counts its vetoes."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tests.integration.backtest_runs import run_backtest

VETOING = """
[advisor]
enabled = true
veto_buys = true
"""


def _run(out: Path, *extra: str) -> dict[str, Any]:
    return run_backtest(out, *extra)


def test_the_backtest_report_counts_the_fake_advisors_vetoes(tmp_path: Path) -> None:
    config = tmp_path / "mexbot.toml"
    config.write_text(VETOING, encoding="utf-8")

    vetoing = _run(tmp_path / "with", "--config", str(config))

    assert vetoing["advisor_vetoes"] >= 1
    text = (tmp_path / "with" / "report.txt").read_text(encoding="utf-8")
    assert f"Scanner buys vetoed by the advisor: {vetoing['advisor_vetoes']}" in text

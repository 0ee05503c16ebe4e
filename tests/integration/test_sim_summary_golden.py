"""`mexbot sim` prints the same summary as before: the bundled days' summary equals a golden one.

tests/data/golden_sim/days-2.txt was written by the code before the sim memory work (issue 16)
from `mexbot sim --days 2` on the bundled data: stdout from its `Data:` line to the
benchmarks, without the last line (the wall time). A change that alters one trade, fee or PnL
fails here; regenerate the golden only for a change meant to alter the trades, and say so.
"""

from __future__ import annotations

import asyncio
from decimal import Decimal
from pathlib import Path

import pytest

from runners.cli import sim_args_for
from runners.sim_command import sim_command

GOLDEN = Path(__file__).resolve().parents[1] / "data" / "golden_sim"


def summary_of(stdout: str) -> str:
    """Return the lines from `Data:` to the benchmarks (the wall-time line left out)."""
    lines = stdout.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("Data: "))
    return "\n".join(line for line in lines[start:] if not line.startswith("Simulated ")) + "\n"


def test_two_bundled_days_print_the_golden_summary(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("TELEGRAM_BOT_TOKEN", raising=False)
    config = tmp_path / "mexbot.toml"
    config.write_text("")
    args = sim_args_for(config)
    args.days = Decimal(2)

    code = asyncio.run(sim_command(args))

    assert code == 0
    assert summary_of(capsys.readouterr().out) == (GOLDEN / "days-2.txt").read_text()

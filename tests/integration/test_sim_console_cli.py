"""What `mexbot sim` prints: stamped with the simulated time, short by default, Ctrl-C summary."""

from __future__ import annotations

import os
import pty
import re
import select
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

STAMP = re.compile(r"^2023-04-2[1-8] \d\d:\d\d[ :]")  # the console: to the minute
MAX_LINES = 200  # the budget for the README's first command (7 bundled days)


def _sim(cwd: Path, *words: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "runners", *words], cwd=cwd,
                          capture_output=True, text=True, timeout=300, check=False)


@pytest.fixture(scope="module")
def default_run(tmp_path_factory: pytest.TempPathFactory) -> subprocess.CompletedProcess[str]:
    """`mexbot` with no arguments: the README's first command."""
    return _sim(tmp_path_factory.mktemp("default"))


def _notifications(stdout: str) -> list[str]:
    lines = stdout.splitlines()
    return lines[:next(i for i, line in enumerate(lines) if line.startswith("Data: "))]


def test_the_default_run_prints_at_most_200_lines(
    default_run: subprocess.CompletedProcess[str],
) -> None:
    assert default_run.returncode == 0, default_run.stderr[-2000:]
    assert len(default_run.stdout.splitlines()) <= MAX_LINES
    assert "Traceback" not in default_run.stderr


def test_every_notification_line_carries_the_simulated_time(
    default_run: subprocess.CompletedProcess[str],
) -> None:
    notifications = _notifications(default_run.stdout)
    assert len(notifications) > 20
    assert all(STAMP.match(line) for line in notifications), notifications


def test_log_lines_on_stderr_carry_the_simulated_time(
    default_run: subprocess.CompletedProcess[str],
) -> None:
    logged = [line for line in default_run.stderr.splitlines() if " WARNING " in line]
    assert logged, default_run.stderr  # the bundled week has a post-sale buy under the minimum
    assert all(STAMP.match(line) for line in logged), logged


def test_the_banner_names_the_simulated_period(
    default_run: subprocess.CompletedProcess[str],
) -> None:
    banner = default_run.stderr.splitlines()[0]
    assert "(2023-04-21 00:00 to 2023-04-28 00:00 UTC, simulated)" in banner, banner


def test_periodic_reports_say_their_interval(
    default_run: subprocess.CompletedProcess[str],
) -> None:
    out = default_run.stdout
    assert "PnL summary, every 10 min:" in out
    assert "reported every 20 min:" in out  # the scan report: every second 10-minute scan
    assert "(reported every 30 min)" in out  # the orders report


def test_verbose_prints_every_periodic_report(tmp_path: Path) -> None:
    short = _sim(tmp_path, "sim", "--days", "1")
    every = _sim(tmp_path, "sim", "--days", "1", "--verbose")

    def summaries(run: subprocess.CompletedProcess[str]) -> int:
        return run.stdout.count("PnL summary, every 10 min:")

    assert summaries(short) == 1
    assert summaries(every) == 144  # a day of 10-minute summaries


def test_ctrl_c_prints_the_summary_so_far(tmp_path: Path) -> None:
    process = subprocess.Popen(
        [sys.executable, "-m", "runners", "sim", "--days", "7", "--speed", "20000"],
        cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    assert process.stdout is not None
    first = process.stdout.readline()  # the first notification: the simulation runs
    process.send_signal(signal.SIGINT)
    out, err = process.communicate(timeout=120)

    assert STAMP.match(first), first
    assert process.returncode == 130, err[-2000:]
    assert "=== mexbot run summary ===" in out
    [last] = out.splitlines()[-1:]
    assert last.startswith("Interrupted (Ctrl-C) at 2023-04-2"), last
    assert "Traceback" not in err


def _stderr_on_a_terminal(cwd: Path, *words: str) -> str:
    controller, terminal = pty.openpty()
    env = {**os.environ, "TERM": "xterm-256color", "COLUMNS": "100"}
    process = subprocess.Popen([sys.executable, "-m", "runners", *words], cwd=cwd, env=env,
                               stdout=subprocess.DEVNULL, stderr=terminal)
    os.close(terminal)
    chunks, deadline = [], time.monotonic() + 120
    while time.monotonic() < deadline:
        ready, _, _ = select.select([controller], [], [], 1.0)
        if ready:
            try:
                chunk = os.read(controller, 65536)
            except OSError:  # the child closed the terminal
                break
            if not chunk:
                break
            chunks.append(chunk)
        elif process.poll() is not None:
            break
    process.wait(timeout=60)
    os.close(controller)
    return b"".join(chunks).decode("utf-8", "replace")


def test_a_progress_bar_is_drawn_on_a_terminal(tmp_path: Path) -> None:
    err = _stderr_on_a_terminal(tmp_path, "sim", "--days", "1", "--quiet")

    assert "simulated" in err
    assert "100%" in err


def test_no_progress_bar_when_stderr_is_not_a_terminal(tmp_path: Path) -> None:
    run = _sim(tmp_path, "sim", "--days", "0.25", "--quiet")

    assert run.returncode == 0, run.stderr[-2000:]
    assert "%" not in run.stderr

"""A `mexbot sim --web 127.0.0.1:0` process, and headless Chromium to look at its pages."""

from __future__ import annotations

import re
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

URL_LINE = re.compile(r"mexbot web: dashboard on (http://\S+)")
CHROMIUM_FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                  "--no-first-run", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync", "--hide-scrollbars")


@contextmanager
def sim_with_web(folder: Path, config: str = "", speed: str = "1440") -> Iterator[str]:
    """Run one simulated day at `speed` with the dashboard on a free port; yield its URL."""
    path = folder / "mexbot.toml"
    path.write_text(config, encoding="utf-8")
    errors = (folder / "stderr.txt").open("w", encoding="utf-8")
    proc = subprocess.Popen(
        [sys.executable, "-c", "from runners.cli import main; raise SystemExit(main())", "sim",
         "--config", str(path), "--web", "127.0.0.1:0", "--speed", speed, "--days", "1",
         "--quiet"], cwd=folder, stdout=subprocess.DEVNULL, stderr=errors)
    try:
        yield _wait_for_url(proc, folder / "stderr.txt")
    finally:
        if proc.poll() is None:
            proc.send_signal(signal.SIGINT)  # the summary so far, exit 130
        try:
            proc.wait(20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        errors.close()


def _wait_for_url(proc: subprocess.Popen[bytes], stderr: Path, timeout_s: float = 60) -> str:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if found := URL_LINE.search(stderr.read_text(encoding="utf-8")):
            return found.group(1)
        if proc.poll() is not None:
            break
        time.sleep(0.1)
    raise AssertionError(f"no dashboard URL on stderr: {stderr.read_text(encoding='utf-8')}")


def chromium() -> str:
    """Return the Chromium binary, or skip the test naming what is missing."""
    for name in ("chromium", "chromium-browser", "google-chrome"):
        if found := shutil.which(name):
            return found
    pytest.skip("headless Chromium is not installed (apt-get install chromium chromium-driver)")


def browse(folder: Path, *args: str) -> str:
    """Run headless Chromium with its own profile under `folder`; return its stdout."""
    done = subprocess.run([chromium(), *CHROMIUM_FLAGS, f"--user-data-dir={folder / 'profile'}",
                           *args], capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout

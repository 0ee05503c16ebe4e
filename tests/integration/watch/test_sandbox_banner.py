"""`mexbot sandbox` says where it listens, with which key and secret, at which market time."""

from __future__ import annotations

import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx

from runners.sandbox_command import host_warning

BANNER = re.compile(r"mexbot sandbox on (http://127\.0\.0\.1:(\d+)) ")


def _wait_for_banner(proc: subprocess.Popen[bytes], err: Path) -> re.Match[str]:
    end = time.monotonic() + 60
    while (found := BANNER.search(err.read_text())) is None:
        assert proc.poll() is None, err.read_text()
        assert time.monotonic() < end, err.read_text()
        time.sleep(0.05)
    return found


def test_sandbox_on_port_zero_prints_its_real_url_key_secret_and_market_date(
    tmp_path: Path
) -> None:
    err = tmp_path / "sandbox.err"
    with err.open("wb") as sink:
        proc = subprocess.Popen([sys.executable, "-m", "runners", "sandbox", "--port", "0"],
                                stdout=sink, stderr=sink, stdin=subprocess.DEVNULL)
        try:
            found = _wait_for_banner(proc, err)
            answer = httpx.get(f"{found.group(1)}/api/v3/ping", timeout=10).status_code
        finally:
            proc.send_signal(signal.SIGINT)
            proc.wait(60)
    text = err.read_text()
    assert int(found.group(2)) > 0
    assert answer == 200
    assert "MEXC_API_KEY=sandbox-api-key" in text
    assert "MEXC_API_SECRET=sandbox-api-secret" in text
    assert re.search(r"market time \d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC", text), text


def test_a_host_other_than_loopback_gets_a_warning() -> None:
    assert "reachable from other machines" in host_warning("0.0.0.0")


def test_loopback_hosts_get_no_warning() -> None:
    assert [host_warning(h) for h in ("127.0.0.1", "localhost", "::1")] == ["", "", ""]

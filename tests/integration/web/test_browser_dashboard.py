"""A real browser: headless Chromium renders the dashboard of a running `mexbot sim --web`."""

from __future__ import annotations

import re
from pathlib import Path

import httpx
import pytest
from tests.integration.web.sim_server import browse, chromium, sim_with_web

pytestmark = pytest.mark.slow  # a sim process and a few Chromium runs, ~15 s
ACTIONS_ON = "[web]\nallow_actions = true\n"


def _row(dom: str, runner: str) -> str:
    found = re.search(rf'<tr id="runner-{runner}">(.*?)</tr>', dom, re.S)
    assert found, dom[:2000]
    return found.group(1)


def _pause(url: str, runner: str) -> None:
    """Pause through the confirm page, as its button would: its form and CSRF token."""
    with httpx.Client(base_url=url, timeout=10) as client:
        page = client.get(f"/confirm/pause?runner={runner}")
        csrf = re.search(r'name="csrf" value="([^"]+)"', page.text)
        assert csrf, page.text
        done = client.post("/actions/pause", data={"csrf": csrf.group(1), "target": runner})
    assert done.status_code == 200, done.text


def test_chromium_renders_the_pages_with_values_and_sees_a_paused_runner(tmp_path: Path) -> None:
    chromium()  # skips, naming the package, when it is not installed
    with sim_with_web(tmp_path, ACTIONS_ON) as url:
        overview = browse(tmp_path, "--virtual-time-budget=12000", "--dump-dom", url + "/")
        before = browse(tmp_path, "--dump-dom", url + "/runners")
        _pause(url, "scanner")
        after = browse(tmp_path, "--dump-dom", url + "/runners")
        shot = tmp_path / "dashboard-overview.png"
        browse(tmp_path, f"--screenshot={shot}", "--window-size=1280,900", url + "/")
    assert re.search(r'id="total-value">\d+\.\d\d USDT<', overview)
    assert "<polyline" in overview
    assert re.search(r'data-refreshes="[1-9]', overview)  # the values came again, no reload
    assert "(simulated)" in before
    assert 'class="state running">running' in _row(before, "scanner")
    assert 'class="state paused">paused' in _row(after, "scanner")
    assert 'class="state running">running' in _row(after, "balance_monitor")
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert shot.stat().st_size > 20_000  # a page of text, table and chart, not a blank one

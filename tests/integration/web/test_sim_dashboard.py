"""`mexbot sim --web` serves the dashboard over the running simulation."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest
from tests.integration.web.sim_server import sim_with_web

pytestmark = pytest.mark.slow  # a sim process, ~10 s


def test_mexbot_sim_with_web_serves_every_page_on_the_simulated_clock(tmp_path: Path) -> None:
    with sim_with_web(tmp_path) as url:
        pages = {path: httpx.get(url + path, timeout=10) for path in
                 ("/", "/runners", "/positions", "/orders", "/log", "/fragments/overview")}
        action = httpx.post(url + "/actions/pause", data={"target": "scanner"}, timeout=10)
    assert {p: r.status_code for p, r in pages.items()} == dict.fromkeys(pages, 200)
    assert " USDT</span>" in pages["/"].text
    assert "(simulated)" in pages["/runners"].text
    assert "balance_monitor" in pages["/runners"].text
    assert action.status_code == 403  # read-only by default

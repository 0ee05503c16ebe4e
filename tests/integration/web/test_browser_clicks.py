"""A real browser clicks: pause one runner through its confirm page in headless Chromium."""

from __future__ import annotations

from pathlib import Path

import pytest
from tests.integration.web.cdp import Page, browser
from tests.integration.web.sim_server import chromium, sim_with_web

pytestmark = pytest.mark.slow
ACTIONS_ON = "[web]\nallow_actions = true\n"
STATE = "document.querySelector('#runner-{} .state').innerText"


async def _open(page: Page, url: str) -> None:
    await page.call("Page.navigate", url=url)
    await page.wait_for(f"location.href === {url!r} && document.readyState === 'complete'")


async def test_clicking_pause_and_confirm_pauses_that_runner_only(tmp_path: Path) -> None:
    binary = chromium()  # skips, naming the package, when it is not installed
    with sim_with_web(tmp_path, ACTIONS_ON) as url:
        async with browser(binary, tmp_path) as page:
            await _open(page, url + "/runners")
            await page.evaluate(
                "document.querySelector('#runner-scanner a.button').click()")
            await page.wait_for("location.pathname === '/confirm/pause'")
            await page.wait_for("document.readyState === 'complete'")
            await page.evaluate("document.querySelector('form button[type=submit]').click()")
            await page.wait_for("location.pathname.startsWith('/actions/')")
            await _open(page, url + "/runners")
            scanner = await page.evaluate(STATE.format("scanner"))
            monitor = await page.evaluate(STATE.format("balance_monitor"))
            text = await page.evaluate("document.body.innerText")
            await _open(page, url + "/")
            shot = tmp_path / "overview.png"
            await page.screenshot(shot)
    assert scanner == "paused", text
    assert monitor == "running", text
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"

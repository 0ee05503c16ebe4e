"""Drive headless Chromium over the Chrome DevTools Protocol (websockets): click, read, shoot."""

from __future__ import annotations

import asyncio
import base64
import itertools
import json
import subprocess
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import websockets


class Page:
    """One browser tab: navigate, evaluate JavaScript, wait for a load, take a screenshot."""

    def __init__(self, ws: Any) -> None:
        self._ws, self._ids = ws, itertools.count(1)

    async def call(self, method: str, **params: Any) -> dict[str, Any]:
        """Send one command; return its result, skipping the events in between."""
        ident = next(self._ids)
        await self._ws.send(json.dumps({"id": ident, "method": method, "params": params}))
        while True:
            message = json.loads(await asyncio.wait_for(self._ws.recv(), 15))
            if message.get("id") == ident:
                assert "error" not in message, message
                result: dict[str, Any] = message["result"]
                return result

    async def evaluate(self, expression: str) -> Any:
        """Return the value of `expression` in the page."""
        result = await self.call("Runtime.evaluate", expression=expression, returnByValue=True)
        return result["result"].get("value")

    async def wait_for(self, expression: str, timeout_s: float = 10) -> None:
        """Wait until `expression` is true in the page."""
        for _ in range(int(timeout_s / 0.1)):
            if await self.evaluate(expression):
                return
            await asyncio.sleep(0.1)
        raise AssertionError(f"never true: {expression}")

    async def screenshot(self, path: Path) -> None:
        """Save a PNG of the page to `path`."""
        data = (await self.call("Page.captureScreenshot", format="png"))["data"]
        path.write_bytes(base64.b64decode(data))


@asynccontextmanager
async def browser(binary: str, folder: Path) -> AsyncIterator[Page]:
    """Yield the first tab of a headless Chromium started with a DevTools port."""
    profile = folder / "cdp-profile"
    process = subprocess.Popen(
        [binary, "--headless", "--no-sandbox", "--disable-gpu", "--remote-debugging-port=0",
         f"--user-data-dir={profile}", "--window-size=1280,900", "about:blank"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        port_file = profile / "DevToolsActivePort"
        for _ in range(100):
            if port_file.is_file() and len(port_file.read_text().split()) >= 2:
                break
            await asyncio.sleep(0.1)
        port = port_file.read_text().split()[0]
        tabs = await asyncio.to_thread(_tabs, port)
        page_ws = next(t["webSocketDebuggerUrl"] for t in tabs if t["type"] == "page")
        async with websockets.connect(page_ws, max_size=None) as ws:
            page = Page(ws)
            await page.call("Page.enable")
            yield page
    finally:
        process.terminate()
        process.wait(10)


def _tabs(port: str) -> list[dict[str, Any]]:
    import httpx

    result: list[dict[str, Any]] = httpx.get(f"http://127.0.0.1:{port}/json/list").json()
    return result

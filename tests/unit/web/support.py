"""A dashboard over the demo panel, served in-process through httpx."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import httpx

from adapters.fake.panel import StaticControlPanel
from adapters.telegram.demo import demo_panel
from adapters.web import BotTime, WebOptions, create_app

NOW_MS = 1_764_000_000_000  # 2025-11-24 16:00:00 UTC
TOKEN = "t0ken-of-the-dashboard-0123456789"


def options(**changes: object) -> WebOptions:
    """Return the options of a simulated dashboard, with `changes`."""
    values: dict[str, object] = {"time": BotTime(lambda: NOW_MS, simulated=True)}
    values.update(changes)
    return WebOptions(**values)  # type: ignore[arg-type]


@asynccontextmanager
async def dashboard(panel: StaticControlPanel | None = None, base_url: str = "http://127.0.0.1",
                    **changes: object) -> AsyncIterator[tuple[httpx.AsyncClient,
                                                              StaticControlPanel]]:
    """Yield a client of a dashboard over `panel` (the demo panel by default)."""
    panel = panel or demo_panel(NOW_MS)
    app = create_app(panel, options(**changes))
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app),
                                 base_url=base_url) as client:
        yield client, panel


def csrf_of(html: str) -> str:
    """Return the CSRF token of the first form of a page."""
    marker = 'name="csrf" value="'
    start = html.index(marker) + len(marker)
    return html[start:html.index('"', start)]


def write_log(folder: Path, lines: list[str]) -> Path:
    """Write a log file of `lines`; return its path."""
    path = folder / "mexbot.log"
    path.write_text("".join(f"{line}\n" for line in lines), encoding="utf-8")
    return path

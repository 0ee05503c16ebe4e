"""`--metrics [HOST:]PORT`: serve /metrics and /healthz beside the runner loops."""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager

import httpx

from mexcore.policies import BotConfig
from mexcore.ports import Notifier
from mexcore.services.deps import ServiceDeps
from runners.loop import RunnerLoop
from runners.metrics import BotMetrics
from runners.metrics_scrape import Queue, Waits
from runners.metrics_server import metrics_app, metrics_routes, parse_listen, serving
from runners.panel import ServicePanel


def outbox_of(notifier: Notifier) -> Queue | None:
    """Return the Telegram outbox behind `notifier` (through a LoggedNotifier), or None."""
    seen: object = notifier
    for _ in range(3):  # LoggedNotifier → TelegramNotifier
        outbox = getattr(seen, "outbox", None)
        if outbox is not None and hasattr(outbox, "dropped"):
            return outbox  # type: ignore[no-any-return]
        seen = getattr(seen, "_inner", None)
    return None


def bot_metrics(
    deps: ServiceDeps, loops: Sequence[RunnerLoop], panel: ServicePanel,
    client: httpx.AsyncClient | None = None, limiter: Waits | None = None,
) -> BotMetrics:
    """Return the bot's metrics, counting the loops' ticks and `client`'s requests."""
    metrics = BotMetrics(panel, deps.store, outbox_of(deps.notifier), limiter)
    metrics.watch(loops)
    if client is not None:
        metrics.instrument(client)
    return metrics


@asynccontextmanager
async def metrics_running(
    listen: str | None, deps: ServiceDeps, loops: Sequence[RunnerLoop], config: BotConfig,
    client: httpx.AsyncClient | None = None, limiter: Waits | None = None,
) -> AsyncIterator[BotMetrics | None]:
    """Serve /metrics and /healthz on `listen` while the block runs (None: nothing starts)."""
    if listen is None:
        yield None
        return
    panel = ServicePanel(deps, config, loops, config_text="")
    metrics = bot_metrics(deps, loops, panel, client, limiter)
    app = metrics_app(metrics_routes(metrics, panel, deps.clock))
    async with serving(app, parse_listen(listen)):
        yield metrics

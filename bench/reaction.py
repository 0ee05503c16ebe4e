"""Issue 18: how fast a runner reacts to a price move, and how many REST requests a run makes.

Reaction: the sandbox (uvicorn on loopback, real time) and, in the same process, the bot's
own parts as `mexbot run` wires them: MexcExchange, SharedMarket and, with streams,
StreamingExchange over a MarketCache fed by a StreamPool on the sandbox's `/ws`, and a
StreamWatch handed to `RunnerLoop.run_forever`. The runner is a level watcher: its tick reads
the price through the port and places a small market buy once the price reached its level,
else it promises quiet until the level (`Quiet(rises_to=...)`), as the PnL monitor does. Each
sample moves the book past the level (`Sandbox.move_price`) at a random moment and times the
order's arrival at the sandbox. Without streams the loop polls every `rest_interval_s` (the
reaction is then the wait for the next tick: uniform over the interval, plus one tick).

Requests: `mexbot sandbox` and `mexbot run` in paper mode with the default runners and
intervals, `websocket = true` and `false`, `requests_s` each; the sandbox's REST request
count after reconciliation, per hour.
"""

from __future__ import annotations

import asyncio
import os
import random
import re
import statistics
import subprocess
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path
from typing import Any

import httpx

from adapters.fake import RecordingNotifier, SystemClock
from adapters.mexc import Credentials, MexcExchange, MexcSettings, RateLimiter, SharedMarket
from adapters.sandbox import SandboxAccount, SandboxConfig, running_sandbox
from bench.common import Row
from mexcore.ports import Exchange
from mexcore.quiet import Quiet
from mexcore.values import OrderRequest, OrderType, Side
from runners.loop import RunnerLoop

SYMBOL = "BTCUSDC"
KEY, SECRET = "benchKEY0123456789", "benchSECRET0123456789abcdef"
TICK = Decimal("0.01")  # BTCUSDC's price tick in the bundled data
REPO = Path(__file__).resolve().parents[1]


class LevelWatcher:
    """Buy 6 USDC of BTC once the last price reached `level`, then watch 5 ticks above it;
    until then promise quiet until the level, as the PnL monitor promises its profit level."""

    name = "level_watcher"

    def __init__(self, exchange: Exchange) -> None:
        self._exchange = exchange
        self.level = Decimal("Infinity")
        self.quiet: Quiet | None = None

    async def tick(self) -> int:
        price = (await self._exchange.tickers_24h())[SYMBOL].last_price
        if self.level.is_infinite() or price < self.level:
            self.level = price + 5 * TICK if self.level.is_infinite() else self.level
            self.quiet = Quiet(rises_to={SYMBOL: self.level})
            return 0
        self.level = price + 5 * TICK
        self.quiet = Quiet(rises_to={SYMBOL: self.level})
        await self._exchange.place_order(OrderRequest(
            SYMBOL, Side.BUY, OrderType.MARKET, f"bench{time.monotonic_ns()}",
            quote_qty=Decimal(6)))
        return 1


async def _wired(base_url: str, client: httpx.AsyncClient, streams: bool) -> tuple[
        Exchange, Any, list[Any]]:
    clock = SystemClock()
    limiter = RateLimiter(clock=clock, requests_per_s=15, orders_per_s=10, endpoint_weight=400)
    rest = MexcExchange(client, MexcSettings(base_url=base_url), Credentials(KEY, SECRET),
                        clock=clock, limiter=limiter)
    if not streams:
        return SharedMarket(rest, tickers_ttl_s=1.0), None, []
    from adapters.mexc.market_cache import MarketCache
    from adapters.mexc.stream_watch import StreamWatch
    from adapters.mexc.streaming_exchange import StreamingExchange
    from adapters.mexc.ws_pool import market_pool

    cache = MarketCache(clock)
    pool = market_pool(base_url.replace("http://", "ws://") + "/ws", [SYMBOL], cache)
    market = SharedMarket(StreamingExchange(rest, cache), tickers_ttl_s=0.05)
    return market, StreamWatch(cache), [pool]


async def _reactions(samples: int, streams: bool, interval_s: float) -> list[float]:
    account = SandboxAccount(KEY, SECRET, {"USDC": Decimal(10_000)})
    config = SandboxConfig(accounts=(account,), rate_limit=False)
    async with running_sandbox(config) as run, httpx.AsyncClient(timeout=10) as client:
        market, watch, pools = await _wired(run.base_url, client, streams)
        watcher, stop = LevelWatcher(market), asyncio.Event()
        loop = RunnerLoop(watcher, interval_s, SystemClock(), RecordingNotifier())
        tasks = [asyncio.ensure_future(p.run(stop)) for p in pools]
        tasks.append(asyncio.ensure_future(loop.run_forever(stop, watch=watch)))
        await asyncio.sleep(1.5)  # connected, subscribed, first pushes in
        try:
            phase_s = 1.0 if streams else interval_s  # polling: a random point of the interval
            return [t for t in [await _sample(run.sandbox, watcher, phase_s)
                                for _ in range(samples)] if t is not None]
        finally:
            stop.set()
            await asyncio.gather(*tasks, return_exceptions=True)


async def _sample(sandbox: Any, watcher: LevelWatcher, phase_s: float) -> float | None:
    fake = sandbox.public
    await asyncio.sleep(random.uniform(0.2, 0.2 + phase_s))
    ticks, minute = fake.engine.shifts.get(SYMBOL, (0, -1))
    done = fake.market.completed(fake.clock.now_ms())
    ticks = ticks if minute == done else 0
    price, orders = fake.last_price(SYMBOL), len(fake.engine.orders)
    if watcher.level.is_infinite() or price >= watcher.level:
        return None  # the market moved by itself (a new minute): no clean sample
    started = time.perf_counter()
    sandbox.move_price(SYMBOL, ticks + int((watcher.level - price) / TICK) + 2)
    while len(fake.engine.orders) == orders:
        if time.perf_counter() - started > 3 * phase_s + 5:
            return None
        await asyncio.sleep(0.001)
    return time.perf_counter() - started


def _figures(name: str, seconds: list[float], **extra: Any) -> Row:
    ordered = sorted(seconds)
    p99 = ordered[min(len(ordered) - 1, round(0.99 * (len(ordered) - 1)))] if ordered else None
    return {"benchmark": f"reaction-{name}", "samples": len(ordered),
            "median_ms": round(statistics.median(ordered) * 1000, 1) if ordered else None,
            "p99_ms": round(p99 * 1000, 1) if p99 is not None else None, **extra}


def _paper_config(folder: Path, url: str, websocket: bool) -> Path:
    config = folder / f"mexbot-{websocket}.toml"
    config.write_text(f'mode = "paper"\nstate_dir = "{folder / f"state-{websocket}"}"\n'
                      f'[mexc]\nbase_url = "{url}"\nwebsocket = {str(websocket).lower()}\n')
    return config


def _requests_per_hour(websocket: bool, requests_s: float) -> Row:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "MEXC_"))}
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        log = folder / "sandbox.err"
        with log.open("w") as err:
            sandbox = subprocess.Popen(
                [sys.executable, "-m", "runners", "sandbox", "--port", "0"], cwd=REPO,
                env=env, stdout=subprocess.DEVNULL, stderr=err)
            try:
                url = _sandbox_url(log, sandbox)
                return _count(url, _paper_config(folder, url, websocket), env, requests_s,
                              websocket)
            finally:
                sandbox.terminate()
                sandbox.wait(30)


def _sandbox_url(log: Path, sandbox: subprocess.Popen[bytes]) -> str:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and sandbox.poll() is None:
        found = re.search(r"sandbox on (http://[0-9.:]+)", log.read_text())
        if found:
            return found.group(1)
        time.sleep(0.05)
    raise RuntimeError(f"the sandbox did not start: {log.read_text()[-2000:]}")


def _count(url: str, config: Path, env: dict[str, str], requests_s: float,
           websocket: bool) -> Row:
    log = config.with_suffix(".err")
    with log.open("w") as err:
        bot = subprocess.Popen([sys.executable, "-m", "runners", "run", "--config", str(config)],
                               cwd=REPO, env=env, stdout=subprocess.DEVNULL, stderr=err)
        try:
            while "reconciliation:" not in log.read_text():
                if bot.poll() is not None:
                    raise RuntimeError(f"the bot stopped: {log.read_text()[-2000:]}")
                time.sleep(0.1)
            first = httpx.get(f"{url}/sandbox/state").json()
            time.sleep(requests_s)
            last = httpx.get(f"{url}/sandbox/state").json()
        finally:
            bot.terminate()
            bot.wait(60)
    made = last["requests"] - first["requests"]
    paths = {p: n - first["paths"].get(p, 0) for p, n in last["paths"].items()}
    return {"benchmark": f"requests-paper-{'websocket' if websocket else 'rest'}",
            "seconds": requests_s, "requests": made,
            "per_hour": round(made * 3600 / requests_s), "ws_pushes": last["ws"]["pushes"],
            "paths": {p: n for p, n in sorted(paths.items()) if n}}


def run(samples: int = 30, rest_interval_s: float = 2.0, requests_s: float = 180.0) -> list[Row]:
    """Measure reaction (streams vs REST polling) and REST requests per hour (on vs off)."""
    streamed = asyncio.run(_reactions(samples, True, 60.0))
    polled = asyncio.run(_reactions(max(5, samples // 2), False, rest_interval_s))
    rows = [_figures("websocket", streamed, interval_s=60),
            _figures("rest-polling", polled, interval_s=rest_interval_s,
                     note="uniform over the interval: at 60 s, median ~30 s, p99 ~59 s")]
    rows += [_requests_per_hour(True, requests_s), _requests_per_hour(False, requests_s)]
    return rows

"""`mexbot run`'s streams: on by default in paper and live, off with `websocket = false`."""

from __future__ import annotations

import asyncio
from pathlib import Path

from dependency_injector import providers

from adapters.mexc.account_cache import AccountCache
from adapters.mexc.stream_watch import StreamWatch
from adapters.mexc.streaming_exchange import StreamingExchange
from adapters.mexc.user_stream import UserStream
from mexcore.config import load_config
from mexcore.policies import MexcPolicy
from runners.container import make_container
from runners.settings import Secrets
from runners.streams import keep_running, stream_symbols, stream_url


def container_for(mode: str, tmp_path: Path, websocket: bool = True):  # type: ignore[no-untyped-def]
    config = load_config({"mode": mode, "state_dir": str(tmp_path),
                          "mexc": {"websocket": websocket}})
    container = make_container(config)
    container.secrets.override(providers.Object(Secrets("mx0KEY", "SECRET")))
    return container


def market_reads(container, mode: str) -> object:  # type: ignore[no-untyped-def]
    """Return what answers the market reads under the shared snapshot."""
    shared = container.exchange().live if mode == "paper" else container.market()
    return shared.inner


def test_paper_streams_the_runners_symbols_and_serves_the_market_from_them(
        tmp_path: Path) -> None:
    container = container_for("paper", tmp_path)

    streams = container.streams()

    assert isinstance(streams.watch, StreamWatch)
    assert isinstance(market_reads(container, "paper"), StreamingExchange)
    assert "user" not in streams.parts  # the paper account is simulated: no user stream
    assert len(streams.tasks) == 1
    container.store().close()


def test_live_adds_the_user_stream_and_its_account_cache_to_the_watch(tmp_path: Path) -> None:
    container = container_for("live", tmp_path)

    streams = container.streams()

    assert isinstance(streams.parts["user"], UserStream)
    assert isinstance(streams.parts["account"], AccountCache)
    assert streams.watch is not None
    assert streams.watch.account is streams.parts["account"]  # type: ignore[attr-defined]
    assert isinstance(market_reads(container, "live"), StreamingExchange)
    container.store().close()


def test_websocket_false_keeps_rest_polling_without_a_watch(tmp_path: Path) -> None:
    for mode in ("paper", "live"):
        container = container_for(mode, tmp_path / mode, websocket=False)

        streams = container.streams()

        assert streams.watch is None
        assert streams.tasks == ()
        assert not isinstance(market_reads(container, mode), StreamingExchange)
        container.store().close()


def test_the_streamed_symbols_are_the_runners_own_not_the_scanners_universe() -> None:
    symbols = stream_symbols(load_config({"mode": "paper"}))

    assert "BTCUSDC" in symbols
    assert len(symbols) < 30


async def test_a_stream_that_fails_starts_again_until_stopped() -> None:
    stop, runs = asyncio.Event(), []

    async def flaky(stop_event: asyncio.Event) -> None:
        runs.append(1)
        if len(runs) == 3:
            stop_event.set()
        raise ConnectionError("dropped")

    await asyncio.wait_for(keep_running(flaky, stop, restart_s=0.001), 2)

    assert len(runs) == 3


def test_the_stream_follows_a_sandbox_base_url_unless_ws_url_is_set() -> None:
    assert stream_url(MexcPolicy()) == "wss://wbs-api.mexc.com/ws"
    assert stream_url(MexcPolicy(base_url="http://127.0.0.1:8900")) == "ws://127.0.0.1:8900/ws"
    assert stream_url(MexcPolicy(base_url="http://127.0.0.1:8900",
                                 ws_url="ws://127.0.0.1:9/ws")) == "ws://127.0.0.1:9/ws"

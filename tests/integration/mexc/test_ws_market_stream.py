"""Market streams end to end on loopback: pushes reach the cache, the watch and its listeners."""

from __future__ import annotations

import json
from decimal import Decimal

from tests.integration.mexc.test_ws_connection import FAST, Script, running, server, until
from websockets.asyncio.server import ServerConnection

from adapters.fake.clock import SystemClock
from adapters.mexc.market_cache import MarketCache
from adapters.mexc.proto.PushDataV3ApiWrapper_pb2 import PushDataV3ApiWrapper
from adapters.mexc.stream_watch import StreamWatch
from adapters.mexc.ws_frames import channel_symbol
from adapters.mexc.ws_pool import market_pool

SYMBOLS = [f"S{i}USDT" for i in range(8)]


def deal(channel: str, price: str) -> bytes:
    wrapper = PushDataV3ApiWrapper(channel=channel, symbol=channel_symbol(channel), sendTime=1)
    wrapper.publicAggreDeals.deals.add(price=price, quantity="1", tradeType=1, time=1)
    return wrapper.SerializeToString()


class Market(Script):
    """Acks, then a deal at 100 on every deals channel of the first subscription only."""

    def __init__(self) -> None:
        super().__init__(self.subscribed)
        self.sockets: dict[str, ServerConnection] = {}  # by the first channel's symbol

    async def subscribed(self, ws: ServerConnection, channels: list[str]) -> None:
        self.sockets.setdefault(channel_symbol(channels[0]), ws)
        await ws.send(json.dumps({"id": 0, "code": 0, "msg": ",".join(channels)}))
        if len(self.subscriptions) <= 2:
            for channel in channels:
                if ".deals." in channel:
                    await ws.send(deal(channel, "100"))


async def test_pushes_reach_the_watch_and_a_dropped_connection_wakes_it() -> None:
    market = Market()
    cache = MarketCache(SystemClock())
    watch = StreamWatch(cache)
    woken: list[int] = []
    watch.add_listener(lambda: woken.append(1))
    async with server(market) as url:
        pool = market_pool(url, SYMBOLS, cache, FAST)
        async with running(pool):
            await until(lambda: all(cache.last_price(s) == Decimal(100) for s in SYMBOLS))
            assert not watch.may_have_reached("S0USDT", Decimal("100.5"))
            heard = len(woken)
            await market.sockets["S0USDT"].close()
            await until(lambda: watch.may_have_reached("S0USDT", Decimal("100.5")))
    assert sorted(len(s) for s in market.subscriptions[:2]) == [4, 28]  # 7 symbols + 1
    assert heard == len(SYMBOLS)
    assert len(woken) > heard
    assert cache.last_price("S0USDT") is None

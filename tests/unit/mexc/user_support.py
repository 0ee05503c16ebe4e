"""Private pushes of the user-data stream as MEXC sends them: protobuf bytes, then decoded."""

from __future__ import annotations

import asyncio
from typing import Any

from adapters.mexc.proto.PushDataV3ApiWrapper_pb2 import PushDataV3ApiWrapper
from adapters.mexc.ws_frames import AccountPush, OrderPush, OwnDealPush, decode_frame

ORDERS = "spot@private.orders.v3.api.pb"
DEALS = "spot@private.deals.v3.api.pb"
ACCOUNT = "spot@private.account.v3.api.pb"
SEND_MS = 1_750_681_724_050

# The myTrades row of signed-samples.json `my_trades[0]`, as the deals push would carry it.
TRADE_ID = "565809460614950913X1"
ORDER_ID = "C02__565809460614950913036"


def deal_frame(**fields: Any) -> bytes:
    """A privateDeals push of the sample fill; `fields` override its body fields."""
    body = {"price": "1", "quantity": "3", "amount": "3", "tradeType": 1, "isMaker": False,
            "tradeId": TRADE_ID, "clientOrderId": "", "orderId": ORDER_ID,
            "feeAmount": "0.0015", "feeCurrency": "USDT", "time": 1_750_681_724_000}
    body.update(fields)
    symbol = body.pop("symbol", "FUSDUSDT")
    wrapper = PushDataV3ApiWrapper(channel=DEALS, symbol=symbol, sendTime=SEND_MS)
    for name, value in body.items():
        setattr(wrapper.privateDeals, name, value)
    return wrapper.SerializeToString()


def order_frame(client_id: str, status: int, **fields: Any) -> bytes:
    """A privateOrders push (status 1 new, 2 filled, 3 partial, 4 canceled, 5 partial+canceled)."""
    body = {"id": ORDER_ID, "clientId": client_id, "price": "1", "quantity": "3",
            "amount": "3", "orderType": 1, "tradeType": 1, "status": status,
            "createTime": 1_750_681_723_000}
    body.update(fields)
    symbol = body.pop("symbol", "FUSDUSDT")
    wrapper = PushDataV3ApiWrapper(channel=ORDERS, symbol=symbol, sendTime=SEND_MS)
    for name, value in body.items():
        setattr(wrapper.privateOrders, name, value)
    return wrapper.SerializeToString()


def account_frame(asset: str, free: str, locked: str = "0") -> bytes:
    """A privateAccount push: `asset` now has `free` available and `locked` frozen."""
    wrapper = PushDataV3ApiWrapper(channel=ACCOUNT, createTime=SEND_MS, sendTime=SEND_MS)
    account = wrapper.privateAccount
    account.vcoinName, account.balanceAmount, account.frozenAmount = asset, free, locked
    account.type, account.time = "ENTRUST", SEND_MS
    return wrapper.SerializeToString()


def deal(**fields: Any) -> OwnDealPush:
    push = decode_frame(deal_frame(**fields))
    assert isinstance(push, OwnDealPush)
    return push


def order(client_id: str, status: int, **fields: Any) -> OrderPush:
    push = decode_frame(order_frame(client_id, status, **fields))
    assert isinstance(push, OrderPush)
    return push


def account(asset: str, free: str, locked: str = "0") -> AccountPush:
    push = decode_frame(account_frame(asset, free, locked))
    assert isinstance(push, AccountPush)
    return push


class ManualClock:
    """A Clock whose sleepers wake only when a test advances it (deterministic wake-ups)."""

    def __init__(self, start_ms: int = 1_767_211_150_000) -> None:
        self.now = start_ms
        self._sleepers: list[tuple[int, asyncio.Future[None]]] = []

    def now_ms(self) -> int:
        return self.now

    async def sleep(self, seconds: float) -> None:
        future: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        entry = (self.now + round(seconds * 1000), future)
        self._sleepers.append(entry)
        try:
            await future
        finally:
            if entry in self._sleepers:
                self._sleepers.remove(entry)

    async def advance(self, seconds: float) -> None:
        """Move time forward, waking each sleeper at its deadline, in order."""
        target = self.now + round(seconds * 1000)
        await settle()
        while due := [d for d, f in self._sleepers if d <= target and not f.done()]:
            self.now = max(self.now, min(due))
            for deadline, future in list(self._sleepers):
                if deadline <= self.now and not future.done():
                    future.set_result(None)
            await settle()
        self.now = target
        await settle()


async def settle(rounds: int = 200) -> None:
    """Let every ready task run until it waits again."""
    for _ in range(rounds):
        await asyncio.sleep(0)

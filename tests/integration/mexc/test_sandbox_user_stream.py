"""The sandbox's user-data stream: listen keys over signed REST, private pushes on `/ws`."""

from __future__ import annotations

from decimal import Decimal

import pytest
from tests.integration.mexc.harness import KEY
from tests.integration.mexc.ws_harness import (
    WsWorld,
    closed,
    next_binary,
    stream,
    subscribe,
    ws_world,
)
from websockets.exceptions import ConnectionClosed

from adapters.mexc.ws_frames import AccountPush, OrderPush, OwnDealPush, decode_frame
from adapters.sandbox.listen_keys import KEY_VALIDITY_S, ListenKeys
from mexcore.values import OrderRequest, OrderType, Side

PATH = "/api/v3/userDataStream"
PRIVATE = ("spot@private.orders.v3.api.pb", "spot@private.deals.v3.api.pb",
           "spot@private.account.v3.api.pb")


async def new_key(world: WsWorld) -> str:
    answer = await world.signed("POST", PATH)
    assert answer.status_code == 200
    key: str = answer.json()["listenKey"]
    return key


async def test_a_listen_key_is_created_listed_kept_alive_and_deleted() -> None:
    async with ws_world() as world:
        key = await new_key(world)
        listed = (await world.signed("GET", PATH)).json()
        kept = await world.signed("PUT", PATH, listenKey=key)
        deleted = await world.signed("DELETE", PATH, listenKey=key)
        after = (await world.signed("GET", PATH)).json()
        again = await world.signed("PUT", PATH, listenKey=key)

    assert key.isalnum()
    assert len(key) == 64
    assert listed == {"listenKey": [key]}
    assert kept.json() == deleted.json() == {"listenKey": key}
    assert after == {"listenKey": []}
    assert again.status_code == 400


async def test_the_listen_key_calls_are_signed_like_every_private_endpoint() -> None:
    async with ws_world() as world:
        answer = await world.http.post(f"{world.base_url}{PATH}")

    assert answer.status_code == 400
    assert answer.json()["msg"] == "api key required"


def test_a_key_expires_60_minutes_after_its_last_keep_alive() -> None:
    now = [0.0]
    keys = ListenKeys(timer=lambda: now[0])
    key = keys.create("acct")
    now[0] = KEY_VALIDITY_S - 1
    keys.keep_alive("acct", key)
    now[0] = 2 * KEY_VALIDITY_S - 2

    assert keys.account_of(key) == "acct"
    now[0] = 2 * KEY_VALIDITY_S - 1
    assert keys.account_of(key) is None
    assert keys.valid("acct") == []


def test_an_account_holds_at_most_60_keys() -> None:
    keys = ListenKeys()
    for _ in range(60):
        keys.create("acct")

    with pytest.raises(Exception, match="at most 60"):
        keys.create("acct")


async def test_a_connection_with_an_unknown_listen_key_is_told_so_and_closed() -> None:
    async with ws_world() as world, stream(f"{world.ws_url}?listenKey=nope") as socket:
        first = await socket.recv()
        with pytest.raises(ConnectionClosed):
            await socket.recv()

    assert first == "Invalid listen key"


async def test_an_order_that_fills_pushes_the_deal_the_order_and_the_balances() -> None:
    async with ws_world() as world:
        key = await new_key(world)
        async with stream(f"{world.ws_url}?listenKey={key}") as socket:
            reply = await subscribe(socket, *PRIVATE)
            fake = world.sandbox.exchanges[KEY]
            await fake.place_order(OrderRequest("BTCUSDC", Side.BUY, OrderType.MARKET, "cid1",
                                                quote_qty=Decimal(20)))
            pushes = [decode_frame(await next_binary(socket)) for _ in range(4)]

    assert reply["msg"] == ",".join(PRIVATE)
    deal, order, *balances = pushes
    fill = fake.all_fills()[0]
    assert isinstance(deal, OwnDealPush)
    assert (deal.client_order_id, deal.price, deal.qty) == ("cid1", fill.price, fill.qty)
    assert isinstance(order, OrderPush)
    assert order.client_order_id == "cid1"
    assert all(isinstance(b, AccountPush) for b in balances)
    free = {b.asset: b.free for b in balances if isinstance(b, AccountPush)}
    assert free == {a: fake.free_balance(a) for a in ("BTC", "USDC")}


async def test_an_expired_listen_key_closes_its_stream() -> None:
    async with ws_world() as world:
        key = await new_key(world)
        async with stream(f"{world.ws_url}?listenKey={key}") as socket:
            await subscribe(socket, *PRIVATE)
            world.sandbox.faults.update({"expire_listen_keys_next": 1})
            assert await closed(socket)
        listed = (await world.signed("GET", PATH)).json()

    assert listed == {"listenKey": []}

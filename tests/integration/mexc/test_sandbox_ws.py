"""The sandbox's `/ws`: MEXC's subscribe/ping protocol and protobuf pushes of the fake market."""

from __future__ import annotations

from decimal import Decimal

from tests.integration.mexc.ws_harness import (
    WsWorld,
    ask,
    next_binary,
    stream,
    subscribe,
    ws_world,
)

from adapters.mexc.ws_frames import (
    BookTickerPush,
    DealsPush,
    DepthDiffPush,
    KlinePush,
    LimitDepthPush,
    decode_frame,
)
from adapters.sandbox.ws_channels import refusal

SYMBOL = "BTCUSDT"
TICKER = f"spot@public.aggre.bookTicker.v3.api.pb@100ms@{SYMBOL}"
DEPTH = f"spot@public.aggre.depth.v3.api.pb@100ms@{SYMBOL}"
LIMIT = f"spot@public.limit.depth.v3.api.pb@{SYMBOL}@5"
DEALS = f"spot@public.aggre.deals.v3.api.pb@100ms@{SYMBOL}"
KLINE = f"spot@public.kline.v3.api.pb@{SYMBOL}@Min1"


async def rest_depth(world: WsWorld, limit: int = 5) -> dict[str, object]:
    answer = await world.http.get(f"{world.base_url}/api/v3/depth",
                                  params={"symbol": SYMBOL, "limit": limit})
    body: dict[str, object] = answer.json()
    return body


async def test_a_subscription_is_acked_with_the_channel_and_the_request_id() -> None:
    async with ws_world() as world, stream(world.ws_url) as socket:
        reply = await subscribe(socket, TICKER, KLINE)

        assert reply == {"id": 7, "code": 0, "msg": f"{TICKER},{KLINE}"}
        assert world.sandbox.ws_stats.subscriptions == 2


async def test_ping_is_answered_with_pong() -> None:
    async with ws_world() as world, stream(world.ws_url) as socket:
        assert await ask(socket, {"method": "PING"}) == {"id": 0, "code": 0, "msg": "PONG"}


async def test_an_old_json_or_unknown_channel_is_refused_in_mexcs_words_with_code_0() -> None:
    old = f"spot@public.deals.v3.api@{SYMBOL}"
    async with ws_world() as world, stream(world.ws_url) as socket:
        reply = await subscribe(socket, old, "spot@public.kline.v3.api.pb@NOPEUSDT@Min1")

    assert reply["code"] == 0
    assert reply["msg"] == refusal([old, "spot@public.kline.v3.api.pb@NOPEUSDT@Min1"])
    assert reply["msg"].endswith("Reason： Blocked! ")


async def test_a_private_channel_is_refused_without_a_listen_key() -> None:
    async with ws_world() as world, stream(world.ws_url) as socket:
        reply = await subscribe(socket, "spot@private.orders.v3.api.pb")

    assert reply["msg"].startswith("Not Subscribed successfully!")


async def test_the_31st_subscription_of_a_connection_is_refused() -> None:
    symbols = sorted(s for s in ("BTCUSDT", "ETHUSDT", "ADAUSDT", "BTCUSDC", "ETHUSDC",
                                 "SOLUSDT", "XRPUSDT"))
    names = [f"spot@public.kline.v3.api.pb@{s}@{i}" for s in symbols
             for i in ("Min1", "Min5", "Min15", "Min30", "Min60")][:31]
    async with ws_world() as world, stream(world.ws_url) as socket:
        known = [n for n in names if n.split("@")[2] in world.sandbox.symbols()]
        for name in known[:30]:
            assert (await subscribe(socket, name))["msg"] == name
        extra = f"spot@public.aggre.bookTicker.v3.api.pb@100ms@{SYMBOL}"
        reply = await subscribe(socket, extra)

    assert len(known) >= 30
    assert reply["msg"] == refusal([extra])


async def test_the_book_ticker_push_decodes_to_the_best_bid_and_ask_of_rest_depth() -> None:
    async with ws_world() as world, stream(world.ws_url) as socket:
        await subscribe(socket, TICKER)
        push = decode_frame(await next_binary(socket))
        depth = await rest_depth(world, 1)

    assert isinstance(push, BookTickerPush)
    assert push.symbol == SYMBOL
    assert [[str(push.bid), str(push.bid_qty)]] == depth["bids"]
    assert [[str(push.ask), str(push.ask_qty)]] == depth["asks"]


async def test_the_limit_depth_push_holds_the_five_levels_of_rest_depth() -> None:
    async with ws_world() as world, stream(world.ws_url) as socket:
        await subscribe(socket, LIMIT)
        push = decode_frame(await next_binary(socket))
        depth = await rest_depth(world, 5)

    assert isinstance(push, LimitDepthPush)
    assert [[str(lv.price), str(lv.qty)] for lv in push.bids] == depth["bids"]
    assert [[str(lv.price), str(lv.qty)] for lv in push.asks] == depth["asks"]
    assert push.version == depth["lastUpdateId"]


async def test_a_price_move_pushes_a_depth_diff_that_continues_the_rest_snapshot() -> None:
    async with ws_world() as world, stream(world.ws_url) as socket:
        await subscribe(socket, DEPTH)
        snapshot = await rest_depth(world, 20)
        world.sandbox.move_price(SYMBOL, 500)
        push = decode_frame(await next_binary(socket))
        after = await rest_depth(world, 20)

    assert isinstance(push, DepthDiffPush)
    assert push.from_version == snapshot["lastUpdateId"] + 1  # type: ignore[operator]
    assert push.to_version == after["lastUpdateId"]
    book = {"bids": dict(snapshot["bids"]), "asks": dict(snapshot["asks"])}  # type: ignore
    for side, levels in (("bids", push.bids), ("asks", push.asks)):
        for level in levels:
            book[side].pop(str(level.price), None)
            if level.qty:
                book[side][str(level.price)] = str(level.qty)
    assert sorted(book["bids"].items(), key=lambda kv: -Decimal(kv[0])) == [
        tuple(lv) for lv in after["bids"]]  # type: ignore[attr-defined]
    assert sorted(book["asks"].items(), key=lambda kv: Decimal(kv[0])) == [
        tuple(lv) for lv in after["asks"]]  # type: ignore[attr-defined]


async def test_a_price_move_pushes_a_deal_at_the_new_last_price() -> None:
    async with ws_world() as world, stream(world.ws_url) as socket:
        await subscribe(socket, DEALS)
        before = world.sandbox.public.last_price(SYMBOL)
        world.sandbox.move_price(SYMBOL, 300)
        push = decode_frame(await next_binary(socket))
        after = world.sandbox.public.last_price(SYMBOL)

    assert isinstance(push, DealsPush)
    assert [d.price for d in push.deals] == [after]
    assert after > before


async def test_the_kline_push_is_the_forming_minute_of_rest_klines() -> None:
    async with ws_world() as world, stream(world.ws_url) as socket:
        await subscribe(socket, KLINE)
        push = decode_frame(await next_binary(socket))
        rows = (await world.http.get(f"{world.base_url}/api/v3/klines", params={
            "symbol": SYMBOL, "interval": "1m", "limit": 1})).json()

    assert isinstance(push, KlinePush)
    assert push.candle.open_time_ms == rows[-1][0]
    assert [str(push.candle.open), str(push.candle.close)] == [rows[-1][1], rows[-1][4]]
    assert push.close_time_ms - push.candle.open_time_ms in (60_000, 59_999, 60_999)


async def test_the_admin_move_shifts_the_book_and_the_state_counts_the_streams() -> None:
    async with ws_world() as world, stream(world.ws_url) as socket:
        await subscribe(socket, TICKER)
        before = world.sandbox.public.last_price(SYMBOL)
        moved = await world.http.post(f"{world.base_url}/sandbox/move",
                                      json={"symbol": SYMBOL, "ticks": 100})
        state = (await world.http.get(f"{world.base_url}/sandbox/state")).json()

    assert moved.status_code == 200
    assert world.sandbox.public.last_price(SYMBOL) == before + Decimal("1.00")
    assert state["ws"]["subscriptions"] == 1
    assert state["ws"]["open"] == 1

"""Typed values → MEXC spot v3 JSON shapes: decimals as plain strings, times as ms integers."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from decimal import ROUND_DOWN, Decimal
from typing import Any

from adapters.fake.market import INTERVAL_MS
from mexcore.money import ZERO, decimals_of, format_decimal
from mexcore.values import (
    Balance,
    Candle,
    Fill,
    Order,
    OrderBook,
    OrderStatus,
    OrderType,
    SymbolRules,
    Ticker24h,
)

Json = dict[str, Any]
_FRACTION = Decimal("0.0001")


def text(value: Decimal | None) -> str | None:
    """Return a decimal as MEXC writes it (no exponent, no trailing zeros), None as null."""
    return None if value is None else format_decimal(value)


def symbol_info(rules: SymbolRules) -> Json:
    """Return one `exchangeInfo` symbol in the 2025 shape (status "1", PERCENT_PRICE_BY_SIDE)."""
    band = []
    if rules.bid_multiplier_up is not None or rules.ask_multiplier_down is not None:
        band = [{"filterType": "PERCENT_PRICE_BY_SIDE",
                 "bidMultiplierUp": text(rules.bid_multiplier_up or ZERO),
                 "askMultiplierDown": text(rules.ask_multiplier_down or ZERO)}]
    base_dp, quote_dp = decimals_of(rules.qty_step), decimals_of(rules.price_tick)
    return {
        "symbol": rules.symbol, "status": rules.status.value, "baseAsset": rules.base,
        "baseAssetPrecision": base_dp, "quoteAsset": rules.quote, "quotePrecision": quote_dp,
        "quoteAssetPrecision": quote_dp, "baseCommissionPrecision": base_dp,
        "quoteCommissionPrecision": quote_dp,
        "orderTypes": [t.value for t in OrderType if t in rules.order_types],
        "isSpotTradingAllowed": rules.api_tradeable, "isMarginTradingAllowed": False,
        "quoteAmountPrecision": text(rules.min_notional),
        "quoteAmountPrecisionMarket": text(rules.min_notional_market),
        "baseSizePrecision": text(rules.min_qty), "permissions": ["SPOT"], "filters": band,
        "maxQuoteAmount": text(rules.max_notional), "makerCommission": text(rules.maker_fee),
        "takerCommission": text(rules.taker_fee),
        "maxQuoteAmountMarket": text(rules.max_notional_market), "fullName": rules.base,
        "tradeSideType": int(rules.trade_side.value), "st": False,
    }


def exchange_info(rules: Iterable[SymbolRules], server_ms: int) -> Json:
    """Return the `exchangeInfo` answer."""
    return {"timezone": "CST", "serverTime": server_ms, "rateLimits": [],
            "exchangeFilters": [], "symbols": [symbol_info(r) for r in rules]}


def envelope(data: Any, server_ms: int) -> Json:
    """Return the `{"code": 0, "data": …}` shape of the newer endpoints."""
    return {"code": 0, "data": data, "msg": "success", "timestamp": server_ms}


def close_time_ms(interval: str, open_ms: int) -> int:
    """Return a kline's closeTime: its open plus the interval (MEXC has no -1 ms)."""
    if interval in INTERVAL_MS:
        return open_ms + INTERVAL_MS[interval]
    start = datetime.fromtimestamp(open_ms / 1000, tz=UTC)
    year, month = (start.year + 1, 1) if start.month == 12 else (start.year, start.month + 1)
    return int(datetime(year, month, 1, tzinfo=UTC).timestamp() * 1000)


def kline(candle: Candle, interval: str) -> list[Any]:
    """Return `[openTime, o, h, l, c, volume, closeTime, quoteVolume]`."""
    return [candle.open_time_ms, text(candle.open), text(candle.high), text(candle.low),
            text(candle.close), text(candle.volume),
            close_time_ms(interval, candle.open_time_ms), text(candle.quote_volume)]


def depth(book: OrderBook, update_id: int) -> Json:
    """Return the `depth` answer, with its undocumented `timestamp`."""
    def levels(side: Iterable[Any]) -> list[list[str | None]]:
        """Render one side of the book."""
        return [[text(level.price), text(level.qty)] for level in side]

    return {"lastUpdateId": update_id, "bids": levels(book.bids), "asks": levels(book.asks),
            "timestamp": book.time_ms}


def ticker(t: Ticker24h, now_ms: int) -> Json:
    """Return a `ticker/24hr` row; `priceChangePercent` is a fraction cut to 4 places."""
    change = t.last_price - t.open_price
    return {
        "symbol": t.symbol, "priceChange": text(change),
        "priceChangePercent": text(t.change_pct.quantize(_FRACTION, ROUND_DOWN)),
        "prevClosePrice": text(t.open_price), "lastPrice": text(t.last_price),
        "bidPrice": text(t.bid), "bidQty": "", "askPrice": text(t.ask), "askQty": "",
        "openPrice": text(t.open_price), "highPrice": text(t.high), "lowPrice": text(t.low),
        "volume": text(t.volume), "quoteVolume": text(t.quote_volume),
        "openTime": now_ms - 10_000, "closeTime": now_ms, "count": None,
    }


def account(balances: Mapping[str, Balance], can_withdraw: bool) -> Json:
    """Return the `account` answer: non-zero balances only, commissions null."""
    rows = [{"asset": b.asset, "free": text(b.free), "locked": text(b.locked),
             "available": text(b.free)} for b in balances.values() if b.total != ZERO]
    return {"makerCommission": None, "takerCommission": None, "buyerCommission": None,
            "sellerCommission": None, "canTrade": True, "canWithdraw": can_withdraw,
            "canDeposit": True, "updateTime": None, "accountType": "SPOT", "balances": rows,
            "permissions": ["SPOT"]}


def order_ack(order: Order) -> Json:
    """Return the new-order answer: no status, no fills (like MEXC)."""
    return {"symbol": order.symbol, "orderId": order.order_id, "orderListId": -1,
            "price": text(order.price) or "0", "origQty": text(order.orig_qty),
            "type": order.type.value, "side": order.side.value,
            "transactTime": order.time_ms, "stpMode": ""}


def order(o: Order) -> Json:
    """Return an order as `GET /api/v3/order` and `openOrders` show it."""
    return {
        "symbol": o.symbol, "orderId": o.order_id, "orderListId": -1,
        "clientOrderId": o.client_order_id, "price": text(o.price) or "0",
        "origQty": text(o.orig_qty), "executedQty": text(o.executed_qty),
        "cummulativeQuoteQty": text(o.cumm_quote_qty), "status": o.status.value,
        "stpMode": "", "timeInForce": None, "type": o.type.value, "side": o.side.value,
        "stopPrice": None, "icebergQty": None, "time": o.time_ms,
        "updateTime": o.update_time_ms if o.update_time_ms != o.time_ms else None,
        "isWorking": True, "origQuoteOrderQty": text(o.orig_quote_qty) or "0",
    }


def cancel_ack(before: Order, after: Order) -> Json:
    """Return a cancel answer: MEXC reports the status the order had *before* the cancel."""
    status = before.status if before.status.is_open else OrderStatus.NEW
    return {"symbol": after.symbol, "origClientOrderId": after.client_order_id,
            "orderId": after.order_id, "clientOrderId": after.client_order_id,
            "price": text(after.price) or "0", "origQty": text(after.orig_qty),
            "executedQty": text(after.executed_qty),
            "cummulativeQuoteQty": text(after.cumm_quote_qty), "status": status.value,
            "timeInForce": None, "type": after.type.value, "side": after.side.value}


def trade(f: Fill) -> Json:
    """Return a `myTrades` row."""
    return {"symbol": f.symbol, "id": f.trade_id, "orderId": f.order_id, "orderListId": -1,
            "price": text(f.price), "qty": text(f.qty), "quoteQty": text(f.quote_qty),
            "commission": text(f.fee), "commissionAsset": f.fee_asset, "time": f.time_ms,
            "isBuyer": f.side.value == "BUY", "isMaker": f.is_maker, "isBestMatch": True,
            "isSelfTrade": False, "clientOrderId": f.client_order_id or None}


def trade_fee_body(maker: Decimal, taker: Decimal, server_ms: int) -> bytes:
    """Return the `tradeFee` answer, whose rates are JSON numbers (not strings)."""
    return (f'{{"data":{{"makerCommission":{format_decimal(maker)},"takerCommission":'
            f'{format_decimal(taker)}}},"code":0,"msg":"success","timestamp":{server_ms}}}'
            ).encode()

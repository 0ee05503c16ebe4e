"""MEXC JSON → typed values. Prices and quantities go from strings straight to Decimal.

Every parser raises `ExchangeDataError` naming the field when the payload is not what
MEXC documents (missing field, NaN, wrong type), never a KeyError or a float.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any

import attrs

from mexcore.errors import ExchangeDataError
from mexcore.money import ZERO, to_decimal
from mexcore.values import (
    Balance,
    BookLevel,
    Candle,
    Fees,
    Fill,
    Order,
    OrderBook,
    OrderStatus,
    OrderType,
    Side,
    SymbolRules,
    SymbolStatus,
    Ticker24h,
    TradeSide,
)

_STATUS = {"1": SymbolStatus.ONLINE, "ENABLED": SymbolStatus.ONLINE, "2": SymbolStatus.PAUSED,
           "3": SymbolStatus.OFFLINE}
_LIMIT_PRICED = (OrderType.IMMEDIATE_OR_CANCEL, OrderType.FILL_OR_KILL)


def _refuse_constant(name: str) -> Any:
    raise ExchangeDataError(f"MEXC sent a non-finite number ({name})")


def parse_json(content: bytes) -> Any:
    """Decode a JSON body, floats as Decimal; NaN/Infinity and bad JSON are data errors."""
    try:
        return json.loads(content, parse_float=Decimal, parse_constant=_refuse_constant)
    except (ValueError, UnicodeDecodeError) as e:
        raise ExchangeDataError(f"MEXC sent a body that is not JSON: {content[:80]!r}") from e


def _field(obj: Any, key: str, what: str) -> Any:
    if not isinstance(obj, Mapping) or key not in obj or obj[key] is None:
        raise ExchangeDataError(f"MEXC {what}: field {key!r} is missing")
    return obj[key]


def dec(obj: Any, key: str, what: str) -> Decimal:
    """Read a decimal field (string or JSON number) exactly."""
    return _to_dec(_field(obj, key, what), key, what)


def _to_dec(value: Any, key: str, what: str) -> Decimal:
    try:
        return to_decimal(value)
    except (TypeError, ValueError) as e:
        raise ExchangeDataError(f"MEXC {what}: field {key!r} is not a number: {value!r}") from e


def opt_dec(obj: Mapping[str, Any], key: str, what: str) -> Decimal | None:
    """Read an optional decimal field; missing, null and "" give None."""
    value = obj.get(key)
    return None if value in (None, "") else _to_dec(value, key, what)


def integer(obj: Any, key: str, what: str) -> int:
    """Read an integer that MEXC may send as a number or a string."""
    value = _field(obj, key, what)
    try:
        return int(value)
    except (TypeError, ValueError) as e:
        raise ExchangeDataError(f"MEXC {what}: field {key!r} is not an integer: {value!r}") from e


def text(obj: Any, key: str, what: str) -> str:
    """Read a string field."""
    value = _field(obj, key, what)
    return str(value)


def _mapping(data: Any, what: str) -> Mapping[str, Any]:
    if not isinstance(data, Mapping):
        raise ExchangeDataError(f"MEXC {what}: expected an object, got {type(data).__name__}")
    return data


def _rows(data: Any, what: str) -> list[Any]:
    if not isinstance(data, list):
        raise ExchangeDataError(f"MEXC {what}: expected a list, got {type(data).__name__}")
    return data


def parse_server_time(data: Any) -> int:
    """`GET /api/v3/time` → epoch ms."""
    return integer(data, "serverTime", "time")


def parse_symbol_list(data: Any) -> frozenset[str]:
    """`defaultSymbols` / `selfSymbols` envelope → the set of symbol names."""
    return frozenset(str(s) for s in _rows(_field(data, "data", "symbol list"), "symbol list"))


def parse_symbol_rules(row: Any, api_symbols: frozenset[str] | None) -> SymbolRules:
    """One `exchangeInfo` symbol → SymbolRules; `api_symbols` None means "not known"."""
    what = "exchangeInfo symbol"
    row = _mapping(row, what)
    name = text(row, "symbol", what)
    allowed = bool(row.get("isSpotTradingAllowed", False))
    band = _price_band(row.get("filters") or [])
    return SymbolRules(
        symbol=name, base=text(row, "baseAsset", what), quote=text(row, "quoteAsset", what),
        qty_step=Decimal(1).scaleb(-integer(row, "baseAssetPrecision", what)),
        price_tick=Decimal(1).scaleb(-integer(row, "quotePrecision", what)),
        min_qty=opt_dec(row, "baseSizePrecision", what) or ZERO,
        min_notional=opt_dec(row, "quoteAmountPrecision", what) or ZERO,
        min_notional_market=opt_dec(row, "quoteAmountPrecisionMarket", what)
        or opt_dec(row, "quoteAmountPrecision", what) or ZERO,
        max_notional=opt_dec(row, "maxQuoteAmount", what),
        max_notional_market=opt_dec(row, "maxQuoteAmountMarket", what),
        bid_multiplier_up=band[0], ask_multiplier_down=band[1],
        order_types=_order_types(row.get("orderTypes") or []),  # type: ignore[arg-type]
        api_tradeable=allowed and (api_symbols is None or name in api_symbols),
        status=_STATUS.get(str(row.get("status")), SymbolStatus.OFFLINE),
        maker_fee=opt_dec(row, "makerCommission", what) or ZERO,
        taker_fee=_or(opt_dec(row, "takerCommission", what), UNKNOWN_TAKER_FEE),
        trade_side=_trade_side(row.get("tradeSideType")),
    )


UNKNOWN_TAKER_FEE = Decimal("0.001")  # SPEC 1.9: 0.1 % when exchangeInfo gives no rate


def _or(value: Decimal | None, default: Decimal) -> Decimal:
    return default if value is None else value  # a zero is a rate, not "unknown"


def _trade_side(value: Any) -> TradeSide:
    """1 all, 2 buy only, 3 sell only, 4 close; absent (before Aug 2024) is all.

    A value MEXC does not document trades nothing: better no order than a refused one.
    """
    if value is None:
        return TradeSide.ALL
    try:
        return TradeSide(str(int(value)))
    except (TypeError, ValueError):
        return TradeSide.NONE


def _price_band(filters: Iterable[Any]) -> tuple[Decimal | None, Decimal | None]:
    for f in filters:
        if isinstance(f, Mapping) and f.get("filterType") == "PERCENT_PRICE_BY_SIDE":
            what = "PERCENT_PRICE_BY_SIDE filter"
            return opt_dec(f, "bidMultiplierUp", what), opt_dec(f, "askMultiplierDown", what)
    return None, None


def _order_types(names: Iterable[Any]) -> frozenset[OrderType]:
    known = {OrderType(n) for n in names if n in OrderType.__members__}
    if OrderType.LIMIT in known:  # IOC and FOK are accepted though exchangeInfo omits them
        known.update(_LIMIT_PRICED)
    return frozenset(known)


def parse_exchange_info(data: Any, api_symbols: frozenset[str] | None) -> dict[str, SymbolRules]:
    """`exchangeInfo` → rules by symbol, API tradeability from the symbol lists."""
    rows = _rows(_field(data, "symbols", "exchangeInfo"), "exchangeInfo symbols")
    return {rules.symbol: rules for rules in (parse_symbol_rules(r, api_symbols) for r in rows)}


@attrs.frozen
class AccountInfo:
    """`GET /api/v3/account`: balances and what the key may do."""

    balances: Mapping[str, Balance]
    can_trade: bool | None
    can_withdraw: bool | None
    can_deposit: bool | None
    permissions: tuple[str, ...]


def _opt_bool(value: Any) -> bool | None:
    return value if isinstance(value, bool) else None


def parse_account(data: Any) -> AccountInfo:
    """`GET /api/v3/account` → AccountInfo."""
    data = _mapping(data, "account")
    balances = {}
    for row in _rows(_field(data, "balances", "account"), "account balances"):
        asset = text(row, "asset", "balance")
        balances[asset] = Balance(asset, dec(row, "free", "balance"), dec(row, "locked", "balance"))
    return AccountInfo(
        balances=balances, can_trade=_opt_bool(data.get("canTrade")),
        can_withdraw=_opt_bool(data.get("canWithdraw")),
        can_deposit=_opt_bool(data.get("canDeposit")),
        permissions=tuple(str(p) for p in data.get("permissions") or ()),
    )


def parse_klines(data: Any) -> list[Candle]:
    """Kline rows `[openTime, o, h, l, c, volume, closeTime, quoteVolume]` → candles."""
    candles = []
    for row in _rows(data, "klines"):
        if not isinstance(row, list) or len(row) < 6:
            raise ExchangeDataError(f"MEXC klines: malformed row {row!r:.80}")
        fields = dict(zip(("t", "o", "h", "l", "c", "v", "T", "q"), row, strict=False))
        candles.append(Candle(
            integer(fields, "t", "kline"), dec(fields, "o", "kline"), dec(fields, "h", "kline"),
            dec(fields, "l", "kline"), dec(fields, "c", "kline"), dec(fields, "v", "kline"),
            opt_dec(fields, "q", "kline") or ZERO))
    return candles


def parse_depth(symbol: str, data: Any) -> OrderBook:
    """`GET /api/v3/depth` → OrderBook (bids best first, asks best first)."""
    def levels(key: str) -> tuple[BookLevel, ...]:
        """Read one side of the book."""
        rows = _rows(_field(data, key, "depth"), f"depth {key}")
        try:
            return tuple(BookLevel(_to_dec(p, key, "depth"), _to_dec(q, key, "depth"))
                         for p, q, *_ in rows)
        except (TypeError, ValueError) as e:
            raise ExchangeDataError(f"MEXC depth: malformed {key} level") from e

    time_ms = data.get("timestamp") if isinstance(data, Mapping) else None
    return OrderBook(symbol, levels("bids"), levels("asks"),
                     int(time_ms) if isinstance(time_ms, int | str) else 0)


def parse_ticker(row: Any) -> Ticker24h:
    """One `ticker/24hr` object → Ticker24h (`count` and `priceChangePercent` unused)."""
    what = "ticker/24hr"
    return Ticker24h(
        symbol=text(row, "symbol", what), last_price=dec(row, "lastPrice", what),
        open_price=dec(row, "openPrice", what), high=dec(row, "highPrice", what),
        low=dec(row, "lowPrice", what), volume=dec(row, "volume", what),
        quote_volume=opt_dec(row, "quoteVolume", what) or ZERO,
        bid=opt_dec(row, "bidPrice", what), ask=opt_dec(row, "askPrice", what),
    )


def parse_tickers(data: Any) -> tuple[dict[str, Ticker24h], list[str]]:
    """`ticker/24hr` list → (tickers by symbol, problems with the rows that were skipped)."""
    tickers: dict[str, Ticker24h] = {}
    problems = []
    for row in _rows(data, "ticker/24hr"):
        try:
            ticker = parse_ticker(row)
        except ExchangeDataError as e:
            problems.append(str(e))
            continue
        tickers[ticker.symbol] = ticker
    return tickers, problems


def _order_status(value: str) -> OrderStatus:
    try:
        return OrderStatus(value)
    except ValueError as e:
        raise ExchangeDataError(f"MEXC order: unknown status {value!r}") from e


def _enum_field(enum: type[Side] | type[OrderType], obj: Any, key: str) -> Any:
    value = text(obj, key, "order")
    try:
        return enum(value)
    except ValueError as e:
        raise ExchangeDataError(f"MEXC order: unknown {key} {value!r}") from e


def parse_order(data: Any, client_order_id: str = "") -> Order:
    """`GET /api/v3/order` (and openOrders items) → Order; avg price = quote / qty."""
    what = "order"
    data = _mapping(data, what)
    time_ms = integer(data, "time", what) if data.get("time") is not None else 0
    update = data.get("updateTime")
    kind = _enum_field(OrderType, data, "type")
    return Order(
        symbol=text(data, "symbol", what), order_id=text(data, "orderId", what),
        client_order_id=str(data.get("clientOrderId") or client_order_id),
        side=_enum_field(Side, data, "side"), type=kind,
        status=_order_status(text(data, "status", what)),
        # a MARKET order's price is MEXC's protective limit, not a price the user set
        price=None if kind is OrderType.MARKET else opt_dec(data, "price", what),
        orig_qty=opt_dec(data, "origQty", what) or ZERO,
        executed_qty=opt_dec(data, "executedQty", what) or ZERO,
        cumm_quote_qty=opt_dec(data, "cummulativeQuoteQty", what) or ZERO,
        orig_quote_qty=opt_dec(data, "origQuoteOrderQty", what),
        time_ms=time_ms,
        update_time_ms=integer(data, "updateTime", what) if update is not None else time_ms,
    )


def parse_cancel_ack(data: Any, client_order_id: str) -> Order:
    """A cancel answer → the order after the cancel (MEXC reports the status before it)."""
    data = _mapping(data, "cancel")
    order = parse_order({**data, "status": data.get("status") or "NEW"}, client_order_id)
    status = (OrderStatus.PARTIALLY_CANCELED if order.executed_qty > 0
              else OrderStatus.CANCELED)
    return attrs.evolve(order, status=status, client_order_id=client_order_id)


def parse_fill(row: Any) -> Fill:
    """One `myTrades` row → Fill (side from isBuyer, fee in commissionAsset)."""
    what = "myTrades"
    row = _mapping(row, what)
    return Fill(
        symbol=text(row, "symbol", what), trade_id=text(row, "id", what),
        order_id=text(row, "orderId", what),
        side=Side.BUY if _field(row, "isBuyer", what) is True else Side.SELL,
        price=dec(row, "price", what), qty=dec(row, "qty", what),
        quote_qty=dec(row, "quoteQty", what), fee=dec(row, "commission", what),
        fee_asset=text(row, "commissionAsset", what), is_maker=row.get("isMaker") is True,
        time_ms=integer(row, "time", what), client_order_id=str(row.get("clientOrderId") or ""),
    )


def parse_fills(data: Any) -> list[Fill]:
    """`myTrades` list → fills."""
    return [parse_fill(row) for row in _rows(data, "myTrades")]


def parse_trade_fee(data: Any) -> Fees:
    """`tradeFee` envelope `{"data": {"makerCommission", "takerCommission"}}` → Fees."""
    body = _field(data, "data", "tradeFee")
    return Fees(dec(body, "makerCommission", "tradeFee"), dec(body, "takerCommission", "tradeFee"))


def envelope_error(data: Any) -> tuple[int, str] | None:
    """Return (code, msg) when a body is MEXC's error shape or a failed envelope."""
    if not isinstance(data, Mapping) or "code" not in data:
        return None
    try:
        code = int(data["code"])
    except (TypeError, ValueError):
        return None
    return None if code in (0, 200) else (code, str(data.get("msg") or ""))

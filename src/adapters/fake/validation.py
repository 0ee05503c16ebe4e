"""Check an order request against its symbol's rules, raising MEXC's errors as core errors."""

from __future__ import annotations

from decimal import Decimal

from adapters.fake.orders import PRICED_TYPES
from mexcore.errors import OrderRejected, PrecisionRejected, SkipSymbol
from mexcore.money import ONE, ZERO, decimals_of, format_decimal
from mexcore.values import OrderRequest, OrderType, Side, SymbolRules, SymbolStatus


def check_tradeable(rules: SymbolRules) -> None:
    """Raise SkipSymbol if this API key may not trade the symbol now (10007, status)."""
    if not rules.api_tradeable:
        raise SkipSymbol(rules.symbol, "symbol not support api (10007)")
    if rules.status is not SymbolStatus.ONLINE:
        raise SkipSymbol(rules.symbol, f"trading disabled, status {rules.status.value} (30016)")


def validate_request(request: OrderRequest, rules: SymbolRules, last_price: Decimal) -> None:
    """Raise the error MEXC would answer for this request, or return if it is acceptable."""
    check_tradeable(rules)
    _check_side(request, rules)
    _check_type(request, rules)
    _check_params(request)
    _check_scales(request, rules)
    _check_size(request, rules, last_price)
    _check_band(request, rules, last_price)


def _check_side(request: OrderRequest, rules: SymbolRules) -> None:
    if not rules.trade_side.allows(request.side):  # tradeSideType 2 buy, 3 sell only, 4 none
        raise OrderRejected("The current transaction direction is not allowed to place an "
                            "order", 30001)


def _check_type(request: OrderRequest, rules: SymbolRules) -> None:
    if request.type in rules.order_types:
        return
    if request.type is OrderType.MARKET:
        raise OrderRejected("api market order is disabled", 30019)
    raise OrderRejected("current order type can not place order", 30041)


def _check_params(request: OrderRequest) -> None:
    qty, quote, price = request.quantity, request.quote_qty, request.price
    if request.type in PRICED_TYPES:
        if qty is None or price is None or quote is not None:
            raise OrderRejected("param is error: a priced order needs quantity and price", 33333)
    elif (qty is None) == (quote is None) or (quote is not None and request.side is Side.SELL):
        raise OrderRejected("Combination of optional parameters invalid.", -1128)
    if any(v is not None and v <= ZERO for v in (qty, quote, price)):
        raise OrderRejected("param is error: amounts must be positive", 33333)


def _check_scales(request: OrderRequest, rules: SymbolRules) -> None:
    checks = (
        (request.quantity, rules.qty_step, "quantity scale is invalid"),
        (request.price, rules.price_tick, "price scale is invalid"),
        (request.quote_qty, rules.quote_amount_step, " amount scale is invalid"),
    )
    for value, step, message in checks:
        if value is not None and decimals_of(value) > decimals_of(step):
            raise PrecisionRejected(message, 400)


def _check_size(request: OrderRequest, rules: SymbolRules, last_price: Decimal) -> None:
    is_market = request.type is OrderType.MARKET
    low = rules.min_notional_market if is_market else rules.min_notional
    high = rules.max_notional_market if is_market else rules.max_notional
    value = request_value(request, last_price)
    if (request.quantity is not None and request.quantity < rules.min_qty) or value < low:
        text = f"The minimum transaction volume cannot be less than:{format_decimal(low)}"
        raise OrderRejected(text + rules.quote, 30002)
    if high is not None and value > high:
        text = f"The maximum transaction volume cannot be greater than:{format_decimal(high)}"
        raise OrderRejected(text + rules.quote, 30003)


def request_value(request: OrderRequest, last_price: Decimal) -> Decimal:
    """Return the order's value in quote: quote_qty, price × qty, or qty × last price (market).

    >>> request_value(OrderRequest("BTCUSDC", Side.BUY, OrderType.LIMIT, "c1",
    ...     quantity=Decimal("0.001"), price=Decimal("30000")), Decimal("29000"))
    Decimal('30.000')
    """
    if request.quote_qty is not None:
        return request.quote_qty
    price = request.price if request.price is not None else last_price
    return price * (request.quantity or ZERO)


def _check_band(request: OrderRequest, rules: SymbolRules, last_price: Decimal) -> None:
    price = request.price
    if price is None or request.type is OrderType.MARKET:
        return
    up, down = rules.bid_multiplier_up, rules.ask_multiplier_down
    if request.side is Side.BUY and up is not None and price > last_price * (ONE + up):
        raise OrderRejected(f"no valid trade price: buy above {last_price * (ONE + up)}", 30010)
    if request.side is Side.SELL and down is not None and price < last_price * (ONE - down):
        raise OrderRejected(f"no valid trade price: sell below {last_price * (ONE - down)}", 30010)

"""MEXC spot v3 facts the adapter relies on: paths, weights, intervals, limits."""

from __future__ import annotations

from typing import Final

API_PREFIX: Final = "/api/v3"

TIME: Final = "/api/v3/time"
EXCHANGE_INFO: Final = "/api/v3/exchangeInfo"
DEFAULT_SYMBOLS: Final = "/api/v3/defaultSymbols"
SELF_SYMBOLS: Final = "/api/v3/selfSymbols"
DEPTH: Final = "/api/v3/depth"
KLINES: Final = "/api/v3/klines"
TICKER_24H: Final = "/api/v3/ticker/24hr"
ACCOUNT: Final = "/api/v3/account"
ORDER: Final = "/api/v3/order"
OPEN_ORDERS: Final = "/api/v3/openOrders"
MY_TRADES: Final = "/api/v3/myTrades"
TRADE_FEE: Final = "/api/v3/tradeFee"

# Weight of one call per endpoint (MEXC docs, "weight" of each endpoint; 500 per endpoint / 10 s).
WEIGHTS: Final[dict[str, int]] = {
    f"GET {TIME}": 1,
    f"GET {EXCHANGE_INFO}": 10,
    f"GET {DEFAULT_SYMBOLS}": 1,
    f"GET {SELF_SYMBOLS}": 1,
    f"GET {DEPTH}": 1,
    f"GET {KLINES}": 1,
    f"GET {TICKER_24H}": 40,  # all symbols; 1 with `symbol`
    f"GET {ACCOUNT}": 10,
    f"POST {ORDER}": 1,
    f"DELETE {ORDER}": 1,
    f"GET {ORDER}": 2,
    f"GET {OPEN_ORDERS}": 3,
    f"GET {MY_TRADES}": 10,
    f"GET {TRADE_FEE}": 20,
}

# MEXC's published limits, and the share of them the limiter allows itself (a safety margin
# for clock jitter, network bunching and other programs on the same IP or key).
MEXC_ENDPOINT_WEIGHT: Final = 500  # per endpoint, per IP (public) or UID (signed), per 10 s
MEXC_WINDOW_S: Final = 10.0
MEXC_REQUESTS_PER_S: Final = 20  # all requests together (MEXC support)
MEXC_ORDERS_PER_S: Final = 12  # order + cancel, shared
SAFE_ENDPOINT_WEIGHT: Final = 400  # 80 %
SAFE_REQUESTS_PER_S: Final = 15.0  # 75 %
SAFE_ORDERS_PER_S: Final = 10.0  # 83 %
MIN_BAN_S: Final = 120.0  # repeated 429s bring IP bans of 2 minutes up to 3 days
MAX_BAN_S: Final = 3 * 24 * 3600.0

# Endpoints that have their own requests-per-second cap beside the weight budget.
PER_SECOND_CAPS: Final[dict[str, int]] = {f"GET {ACCOUNT}": 2}

# Endpoints sharing MEXC's "order + cancel" rate (12 requests/s).
ORDER_ENDPOINTS: Final = frozenset({f"POST {ORDER}", f"DELETE {ORDER}", f"DELETE {OPEN_ORDERS}"})

KLINE_INTERVALS: Final = frozenset({"1m", "5m", "15m", "30m", "60m", "4h", "1d", "1W", "1M"})
# Spellings other exchanges use, mapped to MEXC's.
INTERVAL_ALIASES: Final[dict[str, str]] = {"1h": "60m", "1w": "1W"}
MAX_KLINES: Final = 1000

MY_TRADES_PAGE: Final = 100
MY_TRADES_HISTORY_MS: Final = 30 * 24 * 3600 * 1000

MAX_CLIENT_ORDER_ID: Final = 32
MAX_RECV_WINDOW_MS: Final = 60_000

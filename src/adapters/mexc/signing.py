"""MEXC request signing: HMAC-SHA256 over the exact query string sent, lowercase hex."""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Sequence
from urllib.parse import quote, urlencode


def sign(secret: str, total_params: str) -> str:
    """Return MEXC's signature of `total_params` (query string + body, joined without `&`).

    >>> sign("45d0b3c26f2644f19bfb98b07741b2f5",
    ...      "symbol=BTCUSDT&side=BUY&type=LIMIT&quantity=1&price=11"
    ...      "&recvWindow=5000&timestamp=1644489390087")[:16]
    'fd3e4e8543c51885'
    """
    return hmac.new(secret.encode(), total_params.encode(), hashlib.sha256).hexdigest()


def encode_query(params: Sequence[tuple[str, str]]) -> str:
    """Encode params in order, percent-escapes in upper case (as MEXC signs them)."""
    return urlencode(list(params), quote_via=quote, safe="")


def signed_query(secret: str, params: Sequence[tuple[str, str]]) -> str:
    """Return `query&signature=hex` for params that already hold timestamp and recvWindow."""
    query = encode_query(params)
    return f"{query}&signature={sign(secret, query)}"

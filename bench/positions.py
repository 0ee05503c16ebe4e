"""Benchmark 3: average-cost PnL (`position_from_fills`) over 100,000 fills."""

from __future__ import annotations

import random
import time
from decimal import Decimal

from bench.common import Row
from mexcore.positions import position_from_fills
from mexcore.values import Fill, Side

FEE_RATE = Decimal("0.0005")
FEE_PLACES = Decimal("0.00000001")


def make_fills(count: int, seed: int = 1) -> list[Fill]:
    """Return `count` seeded BTCUSDC fills (55 % buys), fees in USDC."""
    rng = random.Random(seed)
    fills = []
    for i in range(count):
        price = Decimal(rng.randint(2_500_000, 3_000_000)) / 100
        qty = Decimal(rng.randint(1, 1000)) / 100_000
        fills.append(Fill(
            "BTCUSDC", str(i), str(i), Side.BUY if rng.random() < 0.55 else Side.SELL,
            price, qty, price * qty, (price * qty * FEE_RATE).quantize(FEE_PLACES),
            fee_asset="USDC", is_maker=True, time_ms=i * 1000))
    return fills


def run(count: int = 100_000, repeats: int = 3) -> Row:
    """Time the best of `repeats` folds of `count` fills."""
    fills = make_fills(count)
    best = float("inf")
    for _ in range(repeats):
        began = time.perf_counter()
        position = position_from_fills(fills, "BTC", "USDC")
        best = min(best, time.perf_counter() - began)
    return {
        "benchmark": "average-cost PnL", "fills": count, "best_s": round(best, 3),
        "fills_per_s": round(count / best), "realised_pnl": str(position.realised_pnl),
    }

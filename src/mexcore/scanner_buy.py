"""The scanner's buy amount after the anti-hype multiplier (SPEC §1.1 and §1.7).

The multiplier scales the planned amount; then the caps and the minimum apply again: at most
`max_buy` and the free USDT, never under `min_buy` (no buy when that is unaffordable).
"""

from __future__ import annotations

from decimal import Decimal

from mexcore.money import ZERO
from mexcore.planning import scanner_buy_amount
from mexcore.policies import ScannerPolicy


def scaled_buy_amount(
    free_usdt: Decimal, policy: ScannerPolicy, multiplier: Decimal
) -> Decimal | None:
    """Return the planned buy × `multiplier`, capped and floored again; None: no buy.

    Default policy, 100 USDT free (planned 30): ×0.5 → 15; ×2 → 60, capped at 50.
    15 USDT free (planned 9): ×0.5 → 4.5, raised to 6; ×2 → 18, capped at the 15 free.
    A multiplier of 0 (blocked) buys nothing.
    """
    planned = scanner_buy_amount(free_usdt, policy)
    if planned is None or multiplier <= ZERO:
        return None
    amount = min(planned * multiplier, policy.max_buy, free_usdt)
    amount = max(amount, policy.min_buy)
    return amount if amount <= free_usdt else None

"""A runner's promise, after a tick that did nothing, of when its next tick could act."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from types import MappingProxyType

import attrs

_NO_LEVELS: Mapping[str, Decimal] = MappingProxyType({})


@attrs.frozen
class Quiet:
    """Until one of these happens, the service's ticks would do nothing and change nothing.

    - any change of the account: an order placed, filled or cancelled, a balance moved;
    - the clock reaches `until_ms` (a summary or a cooldown falls due);
    - the last price of a symbol in `rises_to` reaches its level.

    A simulation may skip the ticks in between (the backtest does, and can verify the promise
    by running them anyway); a live loop ignores it and polls at its interval.
    """

    until_ms: int | None = None
    rises_to: Mapping[str, Decimal] = attrs.field(default=_NO_LEVELS)

    def __attrs_post_init__(self) -> None:
        for symbol, level in self.rises_to.items():
            if not isinstance(level, Decimal) or not level.is_finite():
                raise ValueError(f"Quiet: the level of {symbol} must be a finite Decimal: "
                                 f"{level!r}")

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

    - any change of the account: an order placed, filled or cancelled, a balance moved; or,
      when `funds` is given, only a free balance reaching its amount (`{"USDT": 6}`: the
      ticks depend on the account only through whether 6 USDT are free);
    - the clock reaches `until_ms` (a summary or a cooldown falls due);
    - the last price of a symbol in `rises_to` reaches its level.

    A simulation may skip the ticks in between (the backtest does, and can verify the promise
    by running them anyway); a live loop ignores it and polls at its interval.
    """

    until_ms: int | None = None
    rises_to: Mapping[str, Decimal] = attrs.field(default=_NO_LEVELS)
    funds: Mapping[str, Decimal] | None = None

    def __attrs_post_init__(self) -> None:
        named = [*self.rises_to.items(), *(self.funds or {}).items()]
        for name, value in named:
            if not isinstance(value, Decimal) or not value.is_finite():
                raise ValueError(f"Quiet: the level of {name} must be a finite Decimal: "
                                 f"{value!r}")

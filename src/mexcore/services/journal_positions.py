"""Average-cost positions of the fill journal, folded once and extended as fills arrive."""

from __future__ import annotations

from collections.abc import Sequence

import attrs

from mexcore.ports import Store
from mexcore.positions import Position, apply_fills, third_asset_fee
from mexcore.values import Fill, SymbolRules


@attrs.frozen
class Folded:
    """One symbol's journal folded up to its `count` oldest fills, the last being `last_id`."""

    base: str
    quote: str
    count: int
    last_id: str
    third_asset_fee: bool
    position: Position  # meaningless when a fee was paid in a third asset (it needs prices)


class JournalPositions:
    """Keep each symbol's position current with the journal without refolding all its fills.

    The journal only grows and lists fills oldest first, so when the fill at the old count is
    still the old last one, only the fills after it are new; otherwise (a late fill sorted in
    between) the symbol is folded again from the start.
    """

    def __init__(self, store: Store) -> None:
        self._store = store
        self._folded: dict[str, Folded] = {}

    def folded(self, symbol: str, rules: SymbolRules) -> Folded | None:
        """Return the symbol's folded journal, or None when it has no fills."""
        fills = self._store.fills(symbol)
        if not fills:
            return None
        found = self._folded.get(symbol)
        if found is None or (found.base, found.quote) != (rules.base, rules.quote):
            found = _fold(Position(rules.base, rules.quote), fills, 0, rules)
        elif found.count != len(fills) or found.last_id != fills[-1].trade_id:
            extends = len(fills) > found.count and fills[found.count - 1].trade_id == found.last_id
            start = found.count if extends else 0
            position = found.position if extends else Position(rules.base, rules.quote)
            found = _fold(position, fills, start, rules, found.third_asset_fee and extends)
        self._folded[symbol] = found
        return found


def _fold(
    position: Position, fills: Sequence[Fill], start: int, rules: SymbolRules,
    seen_third_asset_fee: bool = False,
) -> Folded:
    new = fills[start:]
    third = seen_third_asset_fee or any(
        third_asset_fee(f, rules.base, rules.quote) for f in new)
    # With a third-asset fee the fold needs prices; callers fold such journals themselves.
    folded = position if third else apply_fills(position, new)
    return Folded(rules.base, rules.quote, len(fills), fills[-1].trade_id, third, folded)

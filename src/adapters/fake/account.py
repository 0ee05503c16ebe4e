"""The fake account's balances: free and locked per asset, never negative."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from types import MappingProxyType

from mexcore.money import ZERO
from mexcore.values import Balance


class Account:
    """Free and locked balances; every move checks that nothing goes negative."""

    def __init__(self) -> None:
        self._free: dict[str, Decimal] = {}
        self._locked: dict[str, Decimal] = {}
        self._snapshot: Mapping[str, Balance] | None = None
        self.moves = 0  # counts every change, so a watcher can tell that something moved

    def free(self, asset: str) -> Decimal:
        """Return the free amount of `asset`."""
        return self._free.get(asset, ZERO)

    def locked(self, asset: str) -> Decimal:
        """Return the locked amount of `asset`."""
        return self._locked.get(asset, ZERO)

    def balances(self) -> Mapping[str, Balance]:
        """Return every asset with a non-zero balance (as MEXC's account endpoint does).

        Runners read balances far more often than fills move them: the (read-only) answer is
        kept until the next move.
        """
        if self._snapshot is None:
            assets = sorted(set(self._free) | set(self._locked))
            found = (Balance(a, self.free(a), self.locked(a)) for a in assets)
            self._snapshot = MappingProxyType({b.asset: b for b in found if b.total != ZERO})
        return self._snapshot

    def credit(self, asset: str, amount: Decimal) -> None:
        """Add `amount` to the free balance."""
        self._move(self._free, asset, amount)

    def debit(self, asset: str, amount: Decimal) -> None:
        """Take `amount` from the free balance."""
        self._move(self._free, asset, -amount)

    def lock(self, asset: str, amount: Decimal) -> None:
        """Move `amount` from free to locked."""
        self._move(self._free, asset, -amount)
        self._move(self._locked, asset, amount)

    def unlock(self, asset: str, amount: Decimal) -> None:
        """Move `amount` from locked back to free."""
        self._move(self._locked, asset, -amount)
        self._move(self._free, asset, amount)

    def spend_locked(self, asset: str, amount: Decimal) -> None:
        """Take `amount` out of the locked balance (it left the account in a fill)."""
        self._move(self._locked, asset, -amount)

    def _move(self, book: dict[str, Decimal], asset: str, amount: Decimal) -> None:
        self._snapshot = None
        self.moves += 1
        after = book.get(asset, ZERO) + amount
        if after < ZERO:
            raise AssertionError(f"{asset} balance would go negative ({after})")
        book[asset] = after if after else ZERO

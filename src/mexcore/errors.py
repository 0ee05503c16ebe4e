"""The errors the core knows, named for what the caller should do about them."""

from __future__ import annotations


class MexbotError(Exception):
    """Base of every error mexbot raises on purpose."""


class RetryLater(MexbotError):
    """A transient failure (network, 5xx, rate limit): try again at the next cycle."""

    def __init__(self, message: str, retry_after_s: float | None = None) -> None:
        super().__init__(message)
        self.retry_after_s = retry_after_s


class OutcomeUnknown(RetryLater):
    """An order request may or may not have been executed: look it up before anything else."""


class OrderUnresolved(RetryLater):
    """An earlier order of this runner on this symbol has an unknown outcome: place nothing yet."""


class ClientIdReused(MexbotError):
    """A client order id already names a different order: a new decision needs its own id."""


class SkipSymbol(MexbotError):
    """This symbol cannot be traded now (unknown, paused, not API-tradeable): skip it."""

    def __init__(self, symbol: str, reason: str) -> None:
        super().__init__(f"{symbol}: {reason}")
        self.symbol = symbol
        self.reason = reason


class OrderRejected(MexbotError):
    """The exchange refused an order for a stated reason; nothing was placed."""

    def __init__(self, reason: str, code: int | None = None) -> None:
        super().__init__(f"order rejected ({code}): {reason}" if code is not None else reason)
        self.reason = reason
        self.code = code


class PrecisionRejected(OrderRejected):
    """The exchange refused an order's decimals ("scale is invalid"): re-derive once."""


class InsufficientFunds(OrderRejected):
    """The account lacks the free balance an order needs."""


class OrderNotFound(MexbotError):
    """The exchange knows no order by that id (-2011 / -2013)."""


class ConfigError(MexbotError):
    """The configuration is invalid; the message names the key and the rule."""

    def __init__(self, key: str, rule: str) -> None:
        super().__init__(f"config {key}: {rule}")
        self.key = key
        self.rule = rule


class StopForHuman(MexbotError):
    """Trading must stop until a person looks (bad keys, state that cannot be reconciled)."""


class ExchangeDataError(MexbotError):
    """The exchange sent something we cannot read (bad JSON, missing field, NaN)."""


class TradingPaused(MexbotError):
    """New orders are paused (globally or for this runner); nothing was sent."""

"""The shared hypothesis strategies now ship with the package (adapters.fake.testing.strategies)."""

from adapters.fake.testing.strategies import (
    REGIMES,
    balances,
    fault_plans,
    fill_lists,
    fills,
    fractions,
    markets,
    money,
    order_books,
    positive_money,
    price_paths,
    prices_on,
    steps,
    symbol_rules,
)

__all__ = [
    "REGIMES",
    "balances",
    "fault_plans",
    "fill_lists",
    "fills",
    "fractions",
    "markets",
    "money",
    "order_books",
    "positive_money",
    "price_paths",
    "prices_on",
    "steps",
    "symbol_rules",
]

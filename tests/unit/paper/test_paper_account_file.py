"""The paper account file keeps every balance exactly (Decimal text, never a float)."""

from __future__ import annotations

import tempfile
from decimal import Decimal
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st
from tests.integration.exchange_contract.harness import START_MS
from tests.strategies import positive_money

from adapters.fake.book import BookModel
from adapters.paper import LiveMinutes
from adapters.paper import account_file as account_file_module
from adapters.paper.engine import LiveBookEngine


def an_engine() -> LiveBookEngine:
    return LiveBookEngine(LiveMinutes(START_MS), BookModel())


@given(balances=st.dictionaries(st.sampled_from(["USDC", "USDT", "BTC", "MX"]),
                                st.tuples(positive_money(), positive_money()), min_size=1))
def test_balances_free_and_locked_come_back_exactly(
    balances: dict[str, tuple[Decimal, Decimal]],
) -> None:
    engine = an_engine()
    for asset, (free, locked) in balances.items():
        engine.account.credit(asset, free + locked)
        engine.account.lock(asset, locked)
    with tempfile.TemporaryDirectory() as directory:
        path = Path(directory) / account_file_module.FILE_NAME
        account_file_module.save(path, engine, START_MS)
        again = an_engine()
        account_file_module.load(path, again)

    assert again.account.balances() == engine.account.balances()
    assert again.next_ids() == engine.next_ids()

"""JournalPositions: the fill journal folded once, extended as fills arrive, refolded if needed."""

from __future__ import annotations

from decimal import Decimal

import attrs
from hypothesis import given, settings
from hypothesis import strategies as st
from tests.strategies import fill_lists

from adapters.fake.store import InMemoryStore
from mexcore.positions import Position, position_from_fills
from mexcore.services.journal_positions import JournalPositions
from mexcore.values import Fill, Side, SymbolRules

D = Decimal
BTC = SymbolRules("BTCUSDC", "BTC", "USDC", qty_step=D("0.000001"), price_tick=D("0.01"))
ETH = SymbolRules("ETHUSDC", "ETH", "USDC", qty_step=D("0.0001"), price_tick=D("0.01"))


def fill(
    n: int, side: Side, qty: str, price: str, *, fee: str = "0", fee_asset: str = "USDC",
    time_ms: int | None = None, symbol: str = "BTCUSDC",
) -> Fill:
    return Fill(symbol, str(n), f"o{n}", side, D(price), D(qty), D(price) * D(qty), D(fee),
                fee_asset=fee_asset, is_maker=False, time_ms=n if time_ms is None else time_ms)


def journal(*fills: Fill) -> tuple[InMemoryStore, JournalPositions]:
    store = InMemoryStore()
    store.record_fills(fills)
    return store, JournalPositions(store)


@st.composite
def chunked_journals(draw: st.DrawFn) -> list[list[Fill]]:
    """Draw a journal (fees in USDC or BTC) cut into chunks recorded in a random order."""
    history = draw(fill_lists(fee_assets=("USDC", "BTC"), max_size=15))
    order = draw(st.permutations(history)) if draw(st.booleans()) else history
    cuts = sorted(draw(st.lists(st.integers(0, len(order)), max_size=5)))
    return [order[a:b] for a, b in zip([0, *cuts], [*cuts, len(order)], strict=True)]


@settings(max_examples=100)
@given(chunked_journals())
def test_the_fold_equals_position_from_fills_after_every_chunk(chunks: list[list[Fill]]) -> None:
    store = InMemoryStore()
    positions = JournalPositions(store)
    for chunk in chunks:
        store.record_fills(chunk)

        folded = positions.folded("BTCUSDC", BTC)

        fills = store.fills("BTCUSDC")
        if not fills:
            assert folded is None
            continue
        assert folded is not None
        whole = position_from_fills(fills, "BTC", "USDC")
        assert folded.position == whole
        assert [str(v) for v in attrs.astuple(folded.position)] == [
            str(v) for v in attrs.astuple(whole)]
        assert (folded.count, folded.last_id) == (len(fills), fills[-1].trade_id)
        assert (folded.base, folded.quote, folded.third_asset_fee) == ("BTC", "USDC", False)


@settings(max_examples=50)
@given(fill_lists(fee_assets=("USDC", "BTC"), max_size=10),
       fill_lists(symbol="ETHUSDC", fee_assets=("USDC", "ETH"), max_size=10))
def test_each_symbol_is_folded_from_its_own_fills(
    btc: list[Fill], eth: list[Fill]
) -> None:
    eth = [attrs.evolve(f, trade_id=f"e{f.trade_id}") for f in eth]
    store, positions = journal(*btc)
    positions.folded("BTCUSDC", BTC)
    store.record_fills(eth)

    folded_btc, folded_eth = positions.folded("BTCUSDC", BTC), positions.folded("ETHUSDC", ETH)

    for folded, fills, base in ((folded_btc, btc, "BTC"), (folded_eth, eth, "ETH")):
        if not fills:
            assert folded is None
            continue
        assert folded is not None
        assert folded.position == position_from_fills(fills, base, "USDC")


def test_a_journal_without_fills_of_the_symbol_folds_to_none() -> None:
    _, empty = journal()
    _, other = journal(fill(1, Side.BUY, "1", "2000", symbol="ETHUSDC"))

    assert empty.folded("BTCUSDC", BTC) is None
    assert other.folded("BTCUSDC", BTC) is None


def test_new_fills_after_the_last_extend_the_fold() -> None:
    store, positions = journal(fill(1, Side.BUY, "0.010", "60000", fee="0.6"),
                               fill(2, Side.BUY, "0.010", "62000", fee="0.62"))
    first = positions.folded("BTCUSDC", BTC)
    store.record_fills([fill(3, Side.SELL, "0.015", "65000", fee="0.975")])

    after = positions.folded("BTCUSDC", BTC)

    assert first is not None
    assert after is not None
    assert (first.count, first.last_id, first.position.cost_basis) == (2, "2", D("1221.22"))
    assert (after.count, after.last_id) == (3, "3")
    assert after.position.quantity == D("0.005")
    assert after.position.cost_basis == D("305.305")
    assert after.position.realised_pnl == D("58.11")


def test_a_late_fill_sorted_before_the_newest_refolds_from_the_start() -> None:
    store, positions = journal(fill(1, Side.BUY, "1", "100"), fill(3, Side.SELL, "1", "110"))
    before = positions.folded("BTCUSDC", BTC)
    store.record_fills([fill(2, Side.BUY, "1", "90")])  # learnt late, traded before the sale

    after = positions.folded("BTCUSDC", BTC)

    assert before is not None
    assert (before.position.quantity, before.position.realised_pnl) == (D(0), D(10))
    assert after is not None
    assert [f.trade_id for f in store.fills("BTCUSDC")] == ["1", "2", "3"]
    assert (after.count, after.last_id) == (3, "3")
    # Bought 100 and 90 (average 95), then sold one at 110: realised 15, one left costing 95.
    # Appending the late buy after the sale instead would give realised 10 and a cost of 90.
    assert after.position.quantity == D(1)
    assert after.position.cost_basis == D(95)
    assert after.position.realised_pnl == D(15)


def test_a_late_fill_arriving_with_a_newer_one_still_refolds() -> None:
    store, positions = journal(fill(1, Side.BUY, "1", "100"))
    positions.folded("BTCUSDC", BTC)
    store.record_fills([fill(0, Side.BUY, "1", "80"), fill(2, Side.SELL, "1", "120")])

    after = positions.folded("BTCUSDC", BTC)

    assert after is not None
    assert (after.count, after.last_id) == (3, "2")
    assert (after.position.quantity, after.position.cost_basis) == (D(1), D(90))
    assert after.position.realised_pnl == D(30)


def test_a_fee_paid_in_mx_flags_a_third_asset_fee() -> None:
    store, positions = journal(fill(1, Side.BUY, "1", "100"))
    clean = positions.folded("BTCUSDC", BTC)
    store.record_fills([fill(2, Side.BUY, "1", "100", fee="0.05", fee_asset="MX")])

    flagged = positions.folded("BTCUSDC", BTC)
    store.record_fills([fill(3, Side.BUY, "1", "100")])
    still = positions.folded("BTCUSDC", BTC)

    assert clean is not None
    assert clean.third_asset_fee is False
    assert flagged is not None
    assert flagged.third_asset_fee is True
    assert (flagged.count, flagged.last_id) == (2, "2")
    assert still is not None
    assert still.third_asset_fee is True  # the MX fee is still in the journal
    assert (still.count, still.last_id) == (3, "3")


def test_a_late_mx_fee_sorted_in_between_flags_the_refold() -> None:
    store, positions = journal(fill(1, Side.BUY, "1", "100"), fill(3, Side.BUY, "1", "100"))
    positions.folded("BTCUSDC", BTC)
    store.record_fills([fill(2, Side.BUY, "1", "100", fee="0.05", fee_asset="MX")])

    folded = positions.folded("BTCUSDC", BTC)

    assert folded is not None
    assert folded.third_asset_fee is True


def test_a_zero_fee_in_mx_or_fees_in_base_and_quote_are_not_third_asset_fees() -> None:
    _, positions = journal(fill(1, Side.BUY, "1", "100", fee="0", fee_asset="MX"),
                           fill(2, Side.BUY, "1", "100", fee="0.001", fee_asset="BTC"),
                           fill(3, Side.SELL, "1", "110", fee="0.11", fee_asset="USDC"))

    folded = positions.folded("BTCUSDC", BTC)

    assert folded is not None
    assert folded.third_asset_fee is False
    assert folded.position == position_from_fills(
        [fill(1, Side.BUY, "1", "100"), fill(2, Side.BUY, "1", "100", fee="0.001",
                                            fee_asset="BTC"),
         fill(3, Side.SELL, "1", "110", fee="0.11")], "BTC", "USDC")


def test_asking_again_without_new_fills_gives_the_same_fold() -> None:
    _, positions = journal(fill(1, Side.BUY, "2", "100"), fill(2, Side.SELL, "1", "120"))

    first = positions.folded("BTCUSDC", BTC)
    second = positions.folded("BTCUSDC", BTC)

    assert first is not None
    assert first == second
    assert first.position == Position("BTC", "USDC", quantity=D(1), cost_basis=D(100),
                                      realised_pnl=D(20), spent=D(200), proceeds=D(120))


def test_other_base_and_quote_rules_refold_the_symbol_with_them() -> None:
    _, positions = journal(fill(1, Side.BUY, "1", "100", fee="0.01", fee_asset="BTC"))
    positions.folded("BTCUSDC", BTC)
    renamed = attrs.evolve(BTC, base="XBT")  # BTC is now a third asset: its fee needs a price

    folded = positions.folded("BTCUSDC", renamed)

    assert folded is not None
    assert (folded.base, folded.quote, folded.third_asset_fee) == ("XBT", "USDC", True)

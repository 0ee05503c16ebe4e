"""Active5050Balancer (SPEC §1.5): deviation, minimum, cap, reserve, per-asset minimum, cooldown."""

from __future__ import annotations

from decimal import Decimal

import attrs
import pytest
from tests.unit.services.support import World, flat_closes, order_value, world

from mexcore.policies import Balancer5050Policy
from mexcore.services.balancer_5050 import Balancer5050
from mexcore.values import OrderType, Side

D = Decimal
ALTS = ("ADAUSDC", "DOTUSDC", "LINKUSDC", "AVAXUSDC")  # MATICUSDC is not listed here
SYMBOLS = ("BTCUSDC", "ETHUSDC", "USDCUSDT", *ALTS)


def _world(usdc: str, **held: str) -> World:
    """USDC plus holdings; ADA is worth 0.4, ETH 2000, BTC 30000 (all flat)."""
    return world(flat_closes(SYMBOLS), {"USDC": usdc, **held})


def _balancer(w: World, **changes: object) -> Balancer5050:
    return Balancer5050(w.deps, attrs.evolve(Balancer5050Policy(), **changes))


def _legs(w: World) -> dict[str, Decimal]:
    return {i.symbol: order_value(i) for i in w.intents("balancer_5050")}


@pytest.mark.parametrize(
    ("ada", "eth", "legs"),
    [
        ("150", "0.02", {}),  # alts 60 / majors 40: 10 % off, not more
        ("100", "0.03", {}),  # 40 / 60
        ("155", "0.019", {"BTCUSDC": D(6)}),  # 62 / 38: buy majors for (62 − 50) × 0.5
        ("95", "0.031", {"ADAUSDC": D(6)}),  # 38 / 62: buy alts for 6
    ],
)
async def test_balancer_acts_only_beyond_ten_percent_off_50_50(
    ada: str, eth: str, legs: dict[str, Decimal]
) -> None:
    w = _world("100", ADA=ada, ETH=eth)

    await _balancer(w).tick()

    assert _legs(w) == legs


async def test_balancer_buys_btc_and_eth_60_40_with_market_orders_when_alts_are_over() -> None:
    w = _world("1000", ADA="1000")  # alts 400, majors 0: the gap is 200 × 0.5 → capped at 100

    bought = await _balancer(w).tick()

    assert bought == 2
    assert _legs(w) == {"BTCUSDC": D(60), "ETHUSDC": D(40)}
    assert all(i.type is OrderType.MARKET and i.side is Side.BUY for i in w.intents())
    assert "BUY_BTCETH_USDC" in w.texts("balancer.5050")[0]


async def test_balancer_buys_the_listed_alts_equally_when_majors_are_over() -> None:
    w = _world("1000", BTC="0.01")  # majors 300: buy alts for min(100, 150 × 0.5) = 75

    await _balancer(w).tick()

    assert _legs(w) == {s: D("18.75") for s in ALTS}


@pytest.mark.parametrize(("usdc", "operations"), [("9.99", 0), ("10", 1)])
async def test_balancer_needs_ten_dollars_of_usdc(usdc: str, operations: int) -> None:
    w = _world(usdc, ADA="1000")

    await _balancer(w, reserve=D(0)).tick()  # without the reserve only the minimum applies

    assert len({i.created_ms for i in w.intents()}) == operations


@pytest.mark.parametrize("usdc", ["25", "35", "60", "119.5"])
async def test_balancer_leaves_twenty_dollars_of_usdc(usdc: str) -> None:
    w = _world(usdc, ADA="1000")

    await _balancer(w).tick()

    assert sum(_legs(w).values()) == min(D(usdc) - 20, D(100))
    assert w.free("USDC") >= D(20)


@pytest.mark.parametrize(
    ("usdc", "legs"),
    [
        ("32", {"ADAUSDC": D(6), "DOTUSDC": D(6)}),  # 12 → two alts of 6
        ("27", {"ADAUSDC": D(7)}),  # 7 → one alt
        ("24.99", {}),  # 4.99 → under $5 for a single asset
    ],
)
async def test_balancer_buys_at_least_five_dollars_of_each_asset(
    usdc: str, legs: dict[str, Decimal]
) -> None:
    w = _world(usdc, ETH="0.05")  # majors 100, alts 0

    await _balancer(w).tick()

    assert _legs(w) == legs


async def test_balancer_puts_a_small_majors_amount_all_into_btc() -> None:
    w = _world("28", ADA="1000")  # safe 8: 4.8 / 3.2 would break the $5 minimum

    await _balancer(w).tick()

    assert _legs(w) == {"BTCUSDC": D(8)}


async def test_balancer_waits_60_seconds_between_operations() -> None:
    w = _world("1000", ADA="2000")
    balancer = _balancer(w)
    operations = []

    for second in (0, 59, 60, 119, 120):
        w.at(second)
        await balancer.tick()
        operations.append(len({i.created_ms for i in w.intents()}))

    assert operations == [1, 1, 2, 2, 3]


async def test_balancer_skips_an_unlisted_alt_with_one_warning() -> None:
    w = _world("1000", BTC="0.01")
    balancer = _balancer(w)

    for second in (0, 60, 120):
        w.at(second)
        await balancer.tick()

    [warning] = w.texts("warning.balancer_5050")
    assert "MATICUSDC" in warning
    assert "MATICUSDC" not in {i.symbol for i in w.intents()}
    assert len({i.created_ms for i in w.intents()}) == 3


async def test_balancer_skips_an_alt_the_api_may_not_trade() -> None:
    w = _world("1000", BTC="0.01")
    w.exchange.rules["AVAXUSDC"] = attrs.evolve(w.exchange.rules["AVAXUSDC"],
                                                 api_tradeable=False)

    await _balancer(w).tick()

    assert set(_legs(w)) == {"ADAUSDC", "DOTUSDC", "LINKUSDC"}
    assert len(w.texts("warning.balancer_5050")) == 2  # MATICUSDC and AVAXUSDC


async def test_the_balancer_report_shows_amounts_in_cents() -> None:
    w = _world("1000", ADA="1000")

    await _balancer(w).tick()

    [text] = w.texts("balancer.5050")
    assert "for 100.00 USDC" in text
    assert text.endswith(": BTCUSDC 60.00, ETHUSDC 40.00")

"""The kit's pytest plugin is declared as the `mexbot` entry point and its fixtures wire a world."""

from __future__ import annotations

import os
import subprocess
import sys
import tomllib
from decimal import Decimal
from pathlib import Path

import pytest

from adapters.fake.market import MarketData
from adapters.fake.testing import FakeWorld
from adapters.fake.testing.world import DAY_MS

ROOT = Path(__file__).resolve().parents[4]


def test_the_plugin_is_the_mexbot_pytest_entry_point() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())

    assert project["project"]["entry-points"]["pytest11"] == {
        "mexbot": "adapters.fake.testing.plugin"}
    assert any(d.startswith("hypothesis") for d in project["project"]["dependencies"])


def test_the_world_fixture_starts_a_day_into_the_bundled_market_with_money(
    mexbot_world: FakeWorld, mexbot_market: MarketData
) -> None:
    assert mexbot_world.clock.now_ms() == mexbot_market.start_ms + DAY_MS
    assert mexbot_world.free("USDC") == Decimal(1000)
    assert mexbot_world.free("USDT") == Decimal(1000)
    assert mexbot_world.exchange.sent == []


class TestOverridingTheBalances:
    @pytest.fixture
    def mexbot_balances(self) -> dict[str, Decimal]:
        return {"USDC": Decimal("12.5")}

    def test_a_test_may_give_its_own_balances(self, mexbot_world: FakeWorld) -> None:
        assert mexbot_world.free("USDC") == Decimal("12.5")
        assert mexbot_world.free("USDT") == 0


def test_loading_the_plugin_imports_neither_hypothesis_nor_the_runners() -> None:
    probe = ("import sys, adapters.fake.testing.plugin; "
             "print(sorted(m for m in ('hypothesis', 'runners') if m in sys.modules))")
    env = {**os.environ, "PYTHONPATH": f"{ROOT / 'src'}{os.pathsep}{ROOT}"}

    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                          env=env, check=True, timeout=60)

    assert done.stdout.strip() == "[]"


def test_every_name_the_kit_exports_is_importable() -> None:
    import adapters.fake.testing as kit

    assert all(getattr(kit, name) is not None for name in kit.__all__)
    with pytest.raises(AttributeError, match="no attribute 'nothing_here'"):
        kit.nothing_here  # noqa: B018

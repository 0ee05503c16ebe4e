"""The public surface: what docs/library.md lists is what `__all__` says, and all of it imports."""

from __future__ import annotations

import ast
import importlib
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
LIBRARY = ROOT / "docs" / "library.md"
STRATEGY = ROOT / "examples" / "rsi_dip" / "strategy.py"
PROPERTIES = ROOT / "examples" / "rsi_dip" / "test_rsi_dip.py"
PUBLIC = ("mexcore", "mexcore.ports", "adapters.fake", "adapters.fake.testing", "runners")
MODULE_HEADING = re.compile(r"^### `([\w.]+)`\s*$")
NAME = re.compile(r"`(\w+)`")


def documented_names() -> dict[str, list[str]]:
    """Return the names listed under each `### \\`module\\`` heading of the Public API section."""
    section = LIBRARY.read_text(encoding="utf-8").split("\n## Public API\n", 1)[1]
    names: dict[str, list[str]] = {}
    module = None
    for line in section.splitlines():
        if heading := MODULE_HEADING.match(line):
            module = heading.group(1)
            names[module] = []
        elif module is not None:
            names[module] += NAME.findall(line)
    return names


def _ruff_order(name: str) -> tuple[int, str]:
    """Sort as ruff's RUF022 does: CONSTANTS, then Classes, then functions."""
    kind = 0 if name.isupper() else 1 if name[0].isupper() else 2
    return kind, name


DOCUMENTED = documented_names()


def test_the_library_page_lists_each_public_module() -> None:
    assert tuple(DOCUMENTED) == PUBLIC


@pytest.mark.parametrize("module", PUBLIC)
def test_every_documented_name_imports_from_where_the_page_says(module: str) -> None:
    loaded = importlib.import_module(module)

    missing = [name for name in DOCUMENTED[module] if not hasattr(loaded, name)]

    assert missing == []


@pytest.mark.parametrize("module", PUBLIC)
def test_the_page_lists_exactly_the_modules_all(module: str) -> None:
    assert DOCUMENTED[module] == list(importlib.import_module(module).__all__)


@pytest.mark.parametrize("module", PUBLIC)
def test_each_all_is_sorted_and_has_no_name_twice(module: str) -> None:
    names = list(importlib.import_module(module).__all__)

    assert names == sorted(set(names), key=_ruff_order)


def test_a_strategy_author_needs_the_service_parts_from_mexcore() -> None:
    wanted = {"Service", "ServiceDeps", "MarketView", "MarketOrders", "MakerBuyer",
              "FundsLedger", "FillSync", "JournalPositions", "Position", "snapshot", "Quiet",
              "Side", "SymbolRules", "BotConfig", "ServiceSpec"}

    assert wanted <= set(DOCUMENTED["mexcore"])


def test_the_service_protocol_lives_in_the_ports_and_the_runner_loop_uses_it() -> None:
    from mexcore.ports import Service
    from runners import loop

    assert loop.Service is Service


def test_the_example_strategy_imports_only_public_names_and_is_under_60_lines() -> None:
    text = STRATEGY.read_text(encoding="utf-8")
    tree = ast.parse(text)
    imported = [(node.module, alias.name) for node in ast.walk(tree)
                if isinstance(node, ast.ImportFrom) for alias in node.names]
    ours = [(m, n) for m, n in imported if m and m.split(".")[0] in ("mexcore", "adapters",
                                                                       "runners")]

    assert ours
    assert [(m, n) for m, n in ours if n not in DOCUMENTED.get(str(m), [])] == []
    assert len(text.splitlines()) < 60


def test_the_library_page_shows_the_example_strategy_as_it_is() -> None:
    page = LIBRARY.read_text(encoding="utf-8")

    assert f"```python\n{STRATEGY.read_text(encoding='utf-8')}```" in page


def test_the_readme_links_the_library_page_under_use_it_as_a_library() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Use it as a library\n", 1)[1].split("\n## ", 1)[0]

    assert "docs/library.md" in section


def test_the_library_page_shows_the_example_property_test_as_it_is() -> None:
    page = LIBRARY.read_text(encoding="utf-8")
    section = page.split("\n## Property-test it\n", 1)[1].split("\n## ", 1)[0]

    assert f"```python\n{PROPERTIES.read_text(encoding='utf-8')}```" in section

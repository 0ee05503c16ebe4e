"""examples/mexbot.toml says plainly, before any key, which mode it runs."""

import tomllib
from pathlib import Path

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "mexbot.toml"
SAYS = {"sim": "RUNS THE SIMULATION", "paper": "PAPER", "live": "REAL MONEY"}


def test_the_example_header_names_the_mode_the_file_sets() -> None:
    text = EXAMPLE.read_text(encoding="utf-8")
    mode = tomllib.loads(text)["mode"]
    header = text[:text.index("\nmode = ")]
    assert f'(mode = "{mode}")' in header
    assert SAYS[mode] in header

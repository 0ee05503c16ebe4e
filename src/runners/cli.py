"""The mexbot command line."""

from __future__ import annotations

import sys


def main(argv: list[str] | None = None) -> int:
    """Run the mexbot CLI."""
    args = sys.argv[1:] if argv is None else argv
    print(f"mexbot: nothing to run yet ({args})")
    return 0

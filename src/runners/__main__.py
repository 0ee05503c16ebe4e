"""`python -m runners`: the mexbot command line (the same as the `mexbot` script)."""

from runners.cli import main

if __name__ == "__main__":
    raise SystemExit(main())

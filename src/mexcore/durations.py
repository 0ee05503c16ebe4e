"""Durations as people read them: what periodic reports say about how often they come."""

from __future__ import annotations


def span(seconds: int) -> str:
    """Render a whole number of seconds as '45 s', '10 min', '1 h', '1 h 30 min' or '2 d'."""
    if seconds < 0:
        raise ValueError(f"a duration cannot be negative: {seconds} s")
    days, rest = divmod(seconds, 86_400)
    hours, rest = divmod(rest, 3_600)
    minutes, secs = divmod(rest, 60)
    parts = [f"{days} d" if days else "", f"{hours} h" if hours else "",
             f"{minutes} min" if minutes else "", f"{secs} s" if secs else ""]
    return " ".join(p for p in parts if p) or "0 s"


def every(seconds: int) -> str:
    """Render how often something recurs: 'every 10 min'."""
    return f"every {span(seconds)}"

"""Paper trading: live MEXC market data, a simulated account on the fake's matching engine."""

from adapters.paper.engine import LiveBookEngine
from adapters.paper.exchange import PaperExchange
from adapters.paper.market import LiveMinutes

__all__ = ["LiveBookEngine", "LiveMinutes", "PaperExchange"]

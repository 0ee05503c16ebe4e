"""Paper trading: live MEXC market data, a simulated account on the fake's matching engine."""

from adapters.paper.account_file import FILE_NAME as ACCOUNT_FILE
from adapters.paper.account_file import PaperAccountError
from adapters.paper.engine import LiveBookEngine
from adapters.paper.exchange import PaperExchange
from adapters.paper.market import LiveMinutes

__all__ = ["ACCOUNT_FILE", "LiveBookEngine", "LiveMinutes", "PaperAccountError", "PaperExchange"]

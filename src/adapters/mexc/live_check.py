"""The start-up check for live mode: do the keys work, what may they do, what can they trade."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import attrs

from adapters.mexc.exchange import MexcExchange
from adapters.mexc.schemas import AccountInfo
from mexcore.errors import MexbotError, StopForHuman
from mexcore.values import Balance, SymbolRules, SymbolStatus


@attrs.frozen
class LiveAccountReport:
    """What `check_live_account` found; `ok` is False when live trading must not start."""

    ok: bool
    can_trade: bool | None = None
    can_withdraw: bool | None = None
    tradeable: tuple[str, ...] = ()
    not_tradeable: tuple[tuple[str, str], ...] = ()
    balances: tuple[Balance, ...] = ()
    warnings: tuple[str, ...] = ()
    errors: tuple[str, ...] = ()

    def lines(self) -> list[str]:
        """Return the report as lines for the console and the notifier."""
        out = [f"MEXC keys: {'OK' if self.ok else 'NOT USABLE'}"]
        out += [f"error: {e}" for e in self.errors]
        out += [f"warning: {w}" for w in self.warnings]
        if self.tradeable:
            out.append(f"tradeable by this key: {', '.join(self.tradeable)}")
        out += [f"skipped {symbol}: {why}" for symbol, why in self.not_tradeable]
        return out


async def check_live_account(exchange: MexcExchange,
                             symbols: Iterable[str]) -> LiveAccountReport:
    """Check the keys (account call), warn about withdrawal rights, list tradeable symbols."""
    try:
        account = await exchange.account_info()
    except StopForHuman as e:
        return LiveAccountReport(ok=False, errors=(str(e),))
    except MexbotError as e:
        return LiveAccountReport(ok=False, errors=(f"could not read the account: {e}",))
    try:
        rules = await exchange.symbol_rules()
    except MexbotError as e:
        return _report(account, {}, symbols, (f"could not read exchangeInfo: {e}",))
    return _report(account, rules, symbols, ())


def _report(account: AccountInfo, rules: Mapping[str, SymbolRules],
            symbols: Iterable[str], errors: tuple[str, ...]) -> LiveAccountReport:
    tradeable, skipped = [], []
    for symbol in sorted(set(symbols)):
        why = _why_not(rules.get(symbol))
        if why is None:
            tradeable.append(symbol)
        else:
            skipped.append((symbol, why))
    warnings = _warnings(account)
    ok = not errors and account.can_trade is not False and bool(tradeable)
    if not tradeable and not errors:
        errors = ("none of the configured symbols can be traded with this key",)
    return LiveAccountReport(
        ok=ok, can_trade=account.can_trade, can_withdraw=account.can_withdraw,
        tradeable=tuple(tradeable), not_tradeable=tuple(skipped),
        balances=tuple(account.balances.values()), warnings=warnings, errors=errors)


def _why_not(rules: SymbolRules | None) -> str | None:
    if rules is None:
        return "MEXC does not list this symbol"
    if rules.status is not SymbolStatus.ONLINE:
        return f"trading is {rules.status.name.lower()} on MEXC"
    if not rules.api_tradeable:
        return ("MEXC does not allow API trading on it (not in defaultSymbols / the key's "
                "trading pairs, or isSpotTradingAllowed is false)")
    return None


def _warnings(account: AccountInfo) -> tuple[str, ...]:
    warnings = []
    if account.can_withdraw:
        warnings.append("this API key can WITHDRAW funds: mexbot needs trading permission "
                        "only; create a key without withdrawal rights")
    if account.can_trade is False:
        warnings.append("this API key cannot trade (canTrade is false): enable spot trading")
    if account.permissions and "SPOT" not in account.permissions:
        warnings.append(f"the account has no SPOT permission ({', '.join(account.permissions)})")
    return tuple(warnings)

"""Listen keys of MEXC's user-data stream: create, keep alive, delete and list them over REST.

`POST /api/v3/userDataStream` makes a key valid for 60 minutes, `PUT` with `listenKey` makes it
valid for 60 more, `DELETE` ends it, `GET` lists the account's valid keys (at most 60). All four
are signed. A key lets anyone read the account's orders, fills and balances: it is a secret, so
it travels as a `ListenKey` whose text is masked, and the HTTP client redacts it from its logs
and error texts.
"""

from __future__ import annotations

import logging
from typing import Any

import attrs

from adapters.mexc.client import MexcHttp
from adapters.mexc.errors import ClockSkew
from mexcore.errors import ExchangeDataError, MexbotError, OrderNotFound, RetryLater

log = logging.getLogger("adapters.mexc")

USER_DATA_STREAM = "/api/v3/userDataStream"
MAX_KEYS = 60  # valid keys per account (MEXC docs)
KEY_VALIDITY_S = 3600  # after creation or the last keep-alive
KEEPALIVE_S = 1800  # MEXC recommends a keep-alive every 30 minutes


class ListenKeyRefused(RetryLater):
    """MEXC would not create a listen key now (the account may hold 60): try again later."""


class ListenKeyGone(MexbotError):
    """MEXC no longer accepts this listen key (expired, deleted, never valid): make a new one."""


@attrs.frozen
class ListenKey:
    """A listen key; its text shows only a short prefix, never the key."""

    value: str = attrs.field(repr=False)

    def __attrs_post_init__(self) -> None:
        if not self.value or not self.value.isalnum():
            raise ExchangeDataError("MEXC answered a listen key that is empty or not "
                                    "alphanumeric")

    def __repr__(self) -> str:
        return f"ListenKey({self.value[:4]}…)"

    __str__ = __repr__


def _read_key(data: Any, what: str) -> ListenKey:
    key = data.get("listenKey") if isinstance(data, dict) else None
    if not isinstance(key, str):
        raise ExchangeDataError(f"MEXC {what}: the answer has no listenKey text "
                                f"(got {type(data).__name__})")
    return ListenKey(key)


class ListenKeys:
    """The four listen-key calls, signed, through the adapter's HTTP client."""

    def __init__(self, http: MexcHttp) -> None:
        self._http = http

    async def create(self) -> ListenKey:
        """Create a key valid for 60 minutes (a refusal says when the account holds 60)."""
        try:
            data = await self._post()
        except ExchangeDataError as e:
            raise ListenKeyRefused(f"MEXC refused a new listen key ({e}); an account may hold "
                                   f"{MAX_KEYS} valid keys") from e
        key = _read_key(data, "create listen key")
        self._http.hide(key.value)
        return key

    async def _post(self) -> Any:
        # Sent again only after a refused timestamp (the client has resynced): a lost answer
        # is not retried, it would leave a key nobody uses (it expires within the hour).
        try:
            return await self._http.send("POST", USER_DATA_STREAM, signed=True)
        except ClockSkew:
            return await self._http.send("POST", USER_DATA_STREAM, signed=True)

    async def keep_alive(self, key: ListenKey) -> None:
        """Extend `key` by 60 minutes; ListenKeyGone when MEXC refuses it, RetryLater if unsure."""
        self._http.hide(key.value)
        await self._call_on(key, "PUT", "keep alive")

    async def delete(self, key: ListenKey) -> None:
        """End `key` and its stream; a key MEXC no longer knows counts as deleted."""
        self._http.hide(key.value)
        try:
            await self._call_on(key, "DELETE", "delete")
        except ListenKeyGone:
            log.debug("listen key %s was already gone", key)

    async def valid_keys(self) -> tuple[ListenKey, ...]:
        """Return every key the account holds now (this program's and others')."""
        data = await self._http.signed_read(USER_DATA_STREAM)
        keys = data.get("listenKey") if isinstance(data, dict) else None
        if not isinstance(keys, list) or not all(isinstance(k, str) for k in keys):
            raise ExchangeDataError("MEXC list listen keys: the answer has no listenKey list")
        for key in keys:
            self._http.hide(key)
        return tuple(ListenKey(k) for k in keys)

    async def _call_on(self, key: ListenKey, method: str, what: str) -> None:
        params = [("listenKey", key.value)]
        try:  # network trouble, 5xx and 429 stay RetryLater: the key may well be valid
            await self._http.retrying(
                lambda: self._http.send(method, USER_DATA_STREAM, params, signed=True))
        except (ExchangeDataError, OrderNotFound) as e:
            # What MEXC answers for an unknown key is not documented: any refusal means gone.
            raise ListenKeyGone(f"MEXC refused to {what} listen key {key}: {e}") from e

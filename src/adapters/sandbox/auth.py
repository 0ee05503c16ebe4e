"""Request parameters and MEXC's signature and timestamp checks, as the real API does them."""

from __future__ import annotations

import hmac
from collections.abc import Mapping
from urllib.parse import parse_qsl

import attrs

from adapters.mexc.constants import MAX_RECV_WINDOW_MS
from adapters.mexc.signing import sign
from adapters.sandbox.config import SandboxAccount


class MexcError(Exception):
    """An error answer in MEXC's shape: HTTP status, `{"code", "msg"}`, optional headers."""

    def __init__(self, status: int, code: int, msg: str,
                 headers: Mapping[str, str] | None = None) -> None:
        super().__init__(f"{status} {code} {msg}")
        self.status = status
        self.code = code
        self.msg = msg
        self.headers = dict(headers or {})


def bad_request(code: int, msg: str) -> MexcError:
    """Return MEXC's usual HTTP 400 error."""
    return MexcError(400, code, msg)


@attrs.frozen
class RawRequest:
    """What the signature covers: the raw query string and the raw body, as sent."""

    query: str
    body: str

    def params(self) -> dict[str, str]:
        """Return the parameters of query and body; the query wins on duplicates."""
        merged = dict(parse_qsl(self.body, keep_blank_values=True))
        merged.update(parse_qsl(self.query, keep_blank_values=True))
        return merged

    def signed_text(self) -> str:
        """Return query + body without their `signature` pairs, joined without `&`."""
        return _without_signature(self.query) + _without_signature(self.body)


def _without_signature(text: str) -> str:
    return "&".join(p for p in text.split("&") if p and not p.startswith("signature="))


def authenticate(raw: RawRequest, api_key: str | None, accounts: Mapping[str, SandboxAccount],
                 server_ms: int, window_scale: float = 1.0) -> SandboxAccount:
    """Check key, signature and timestamp like MEXC; return the account or raise MexcError.

    `window_scale` stretches the recvWindow (a fast replay: its real ms are longer there).
    """
    if not api_key:
        raise bad_request(400, "api key required")
    account = accounts.get(api_key)
    if account is None:
        raise bad_request(10072, "Api key info invalid")
    params = raw.params()
    signature = params.get("signature", "")
    if not signature or "timestamp" not in params:
        raise bad_request(700004, "Mandatory parameter 'signature' was not sent, was "
                          "empty/null, or malformed.")
    _check_time(params, server_ms, window_scale)
    if not hmac.compare_digest(signature, sign(account.api_secret, raw.signed_text())):
        raise bad_request(700002, "Signature for this request is not valid.")
    return account


def _check_time(params: Mapping[str, str], server_ms: int, window_scale: float) -> None:
    try:
        timestamp = int(params["timestamp"])
        window = int(params.get("recvWindow", "5000"))
    except ValueError as e:
        raise bad_request(700004, "Mandatory parameter 'timestamp' was malformed.") from e
    if window > MAX_RECV_WINDOW_MS:
        raise bad_request(700005, "recvWindow must less than 60000")
    if not (timestamp < server_ms + 1000 and server_ms - timestamp <= window * window_scale):
        raise bad_request(700003, "Timestamp for this request is outside of the recvWindow.")

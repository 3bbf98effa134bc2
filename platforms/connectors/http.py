"""What a failed HTTP exchange means for a connector call.

A read (or a token fetch) that fails in transit is worth a later retry. A call
that changes the platform (a post, a reply) is different: unless the request
provably never left (no connection was made, the URL was unusable), the
platform may have acted on it, so the outcome is unknown and the caller must
not simply send it again.
"""

import requests
from urllib3.exceptions import ConnectTimeoutError, NewConnectionError

from .base import ConnectorError, OutcomeUnknownError, TransientConnectorError

# Raised before a single byte of the request is sent.
_NEVER_SENT = (
    requests.ConnectTimeout,
    requests.exceptions.InvalidURL,
    requests.exceptions.MissingSchema,
    requests.exceptions.InvalidSchema,
    requests.exceptions.InvalidHeader,
    requests.exceptions.SSLError,
)


def never_sent(exc: requests.RequestException) -> bool:
    """Whether the request certainly did not reach the platform."""
    if isinstance(exc, _NEVER_SENT):
        return True
    if isinstance(exc, requests.ConnectionError) and exc.args:
        # requests wraps urllib3's MaxRetryError, whose reason says what happened.
        reason = getattr(exc.args[0], "reason", exc.args[0])
        return isinstance(reason, NewConnectionError | ConnectTimeoutError)
    return False


def transport_error(
    exc: requests.RequestException, *, platform: str, mutating: bool
) -> ConnectorError:
    """The typed error for a request that got no HTTP answer (never quotes the URL)."""
    name = type(exc).__name__
    if mutating and not never_sent(exc):
        return OutcomeUnknownError(f"{platform} API gave no answer after the request: {name}")
    return TransientConnectorError(f"{platform} API unreachable: {name}")


def status_error(status: int, *, platform: str, mutating: bool) -> ConnectorError | None:
    """The typed error for an HTTP status that carries no platform answer, or None.

    429 says "too many requests" before anything was accepted; a 5xx may come
    after the platform acted (a gateway timing out), so for a call that changes
    the platform it is an unknown outcome.
    """
    if status == 429:
        return TransientConnectorError(f"{platform} API answered HTTP 429", code=status)
    if status >= 500:
        if mutating:
            return OutcomeUnknownError(f"{platform} API answered HTTP {status}", code=status)
        return TransientConnectorError(f"{platform} API answered HTTP {status}", code=status)
    return None

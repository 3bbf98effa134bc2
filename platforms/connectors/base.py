"""One interface for every platform API.

A connector publishes content, reads metrics and interactions, replies and
checks its own health. Failures are typed so callers know what to do:

- ``TransientConnectorError``: try again later with backoff (rate limit,
  timeout, platform busy);
- ``AuthConnectorError``: the credentials no longer work; the account is
  flagged "needs reconnection" and nothing is reported as published;
- ``PermanentConnectorError``: the request itself is wrong; retrying will not help;
  ``ReplyWindowClosedError`` is the permanent refusal of a reply outside the
  platform's window (WeChat's 48 hours after the user's last message);
- ``OutcomeUnknownError``: a call that changes the platform (publishing) may
  have gone through, but no answer says whether it did. It is never retried by
  posting again: ``Connector.lookup_publication`` settles it, read-only.

A publish call reaches the platform's publish endpoint at most once: only
idempotent calls (token fetches, reads) are retried inside a connector.
Exception messages are our own wording plus the platform's error code; a
platform message quoted in one is first scrubbed of secrets (``scrub``).
"""

import abc
import datetime
import re
from dataclasses import dataclass, field

# Query parameters and JSON fields that carry secrets in platform URLs and answers.
_SECRET_PARAM = re.compile(
    r"(?i)((?:access_token|refresh_token|client_secret|app_secret|appsecret|secret|"
    r"token)[\"']?\s*[=:]\s*[\"']?)[^&\s\"',}]+"
)
_QUERY_STRING = re.compile(r"(https?://[^\s?\"']+)\?[^\s\"']*")
MAX_QUOTED = 200


def scrub(text: object, *secrets: str) -> str:
    """``text`` fit for a log or a stored field: query strings, token and secret
    values and every given secret removed, cut to 200 characters."""
    cleaned = _QUERY_STRING.sub(r"\1?…", str(text))
    cleaned = _SECRET_PARAM.sub(r"\1…", cleaned)
    for secret in secrets:
        if secret and len(secret) >= 4:
            cleaned = cleaned.replace(secret, "…")
    cleaned = " ".join(cleaned.split())
    return cleaned[:MAX_QUOTED]


class ConnectorError(Exception):
    """Base of every connector failure; ``code`` is the platform's own error code.

    The message is technical English for logs and support; pages show the
    translated summary of ``kind`` (``platforms.models.error_summary``).
    """

    kind = "permanent"

    def __init__(self, message: str, *, code: str | int | None = None) -> None:
        super().__init__(message)
        self.code = code


class TransientConnectorError(ConnectorError):
    """Temporary: retry with backoff."""

    kind = "transient"


class AuthConnectorError(ConnectorError):
    """Credentials rejected or expired: the account needs reconnection."""

    kind = "auth"


class PermanentConnectorError(ConnectorError):
    """The platform refused the request for good."""

    kind = "permanent"


class OutcomeUnknownError(ConnectorError):
    """The publish request may have reached the platform but no answer says what happened
    (timeout after sending, connection reset, 5xx, an unparsable body)."""

    kind = "unknown"


class ReplyWindowClosedError(PermanentConnectorError):
    """Customer-service replies are allowed only within 48 hours of the user's last message."""


@dataclass(frozen=True)
class PublishContent:
    """What a connector publishes. ``extra`` holds platform specifics
    (e.g. WeChat's ``thumb_media_id``)."""

    title: str
    body: str
    author: str = ""
    summary: str = ""
    source_url: str = ""
    media_urls: tuple[str, ...] = ()
    extra: dict = field(default_factory=dict)
    # The publication's idempotency key (str(UUID)): the post is found again by it.
    client_key: str = ""


@dataclass(frozen=True)
class PublishResult:
    external_id: str
    url: str = ""
    # True when the platform accepted the post but has not finished publishing
    # (WeChat free-publish is asynchronous); the id then names the job.
    pending: bool = False


@dataclass(frozen=True)
class PublicationLookup:
    """What the platform says about a publication, asked read-only."""

    state: str  # "published" | "pending" | "failed" | "not_found"
    external_id: str = ""
    url: str = ""
    error_code: str = ""


LOOKUP_STATES = ("published", "pending", "failed", "not_found")


@dataclass(frozen=True)
class MetricPoint:
    """One metric value for one day (or one hour of it, where the source gives
    hours), account-wide (``post_id`` empty) or per post."""

    date: datetime.date
    metric: str  # a platforms.metrics.Metric code
    value: float
    post_id: str = ""
    hour: int | None = None


@dataclass(frozen=True)
class Interaction:
    external_id: str
    kind: str  # "comment" or "message"
    text: str
    author: str
    created_at: datetime.datetime
    post_id: str = ""
    replied: bool = False
    # The author's platform id (WeChat openid, Weibo uid): where a private reply goes.
    author_id: str = ""
    # The article's position inside a WeChat message (0 = first); 0 elsewhere.
    post_index: int = 0


@dataclass(frozen=True)
class ReplyResult:
    external_id: str
    replied_at: datetime.datetime


@dataclass(frozen=True)
class HealthResult:
    ok: bool
    detail: str = ""
    token_expires_at: datetime.datetime | None = None


class Connector(abc.ABC):
    """A platform API client bound to one account."""

    #: Shown in UI and docs; a simulator says so in its name.
    label: str = ""
    is_sandbox: bool = False

    @abc.abstractmethod
    def publish(self, content: PublishContent) -> PublishResult:
        """Post ``content``; calls the platform's publish endpoint at most once.

        A lost answer raises ``OutcomeUnknownError``; only an explicit
        "busy / rate limited" before acceptance raises ``TransientConnectorError``.
        """

    @abc.abstractmethod
    def lookup_publication(
        self,
        *,
        client_key: str,
        pending_ref: str = "",
        title: str = "",
        since: datetime.datetime | None = None,
    ) -> PublicationLookup:
        """Where a publication stands, asked read-only: never posts anything."""

    @abc.abstractmethod
    def fetch_metrics(self, account, since: datetime.date) -> list[MetricPoint]: ...

    @abc.abstractmethod
    def fetch_interactions(self, account, since: datetime.datetime) -> list[Interaction]: ...

    @abc.abstractmethod
    def reply(self, interaction: Interaction, text: str) -> ReplyResult: ...

    @abc.abstractmethod
    def health_check(self) -> HealthResult: ...

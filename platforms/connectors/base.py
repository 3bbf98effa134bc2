"""One interface for every platform API.

A connector publishes content, reads metrics and interactions, replies and
checks its own health. Failures are typed so callers know what to do:

- ``TransientConnectorError``: try again later with backoff (rate limit,
  timeout, platform busy);
- ``AuthConnectorError``: the credentials no longer work; the account is
  flagged "needs reconnection" and nothing is reported as published;
- ``PermanentConnectorError``: the request itself is wrong; retrying will not help.
"""

import abc
import datetime
from dataclasses import dataclass, field


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


@dataclass(frozen=True)
class PublishResult:
    external_id: str
    url: str = ""
    # True when the platform accepted the post but has not finished publishing
    # (WeChat free-publish is asynchronous); the id then names the job.
    pending: bool = False


@dataclass(frozen=True)
class MetricPoint:
    """One metric value for one day, account-wide (``post_id`` empty) or per post."""

    date: datetime.date
    metric: str  # a platforms.metrics.Metric code
    value: float
    post_id: str = ""


@dataclass(frozen=True)
class Interaction:
    external_id: str
    kind: str  # "comment" or "message"
    text: str
    author: str
    created_at: datetime.datetime
    post_id: str = ""
    replied: bool = False


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
    def publish(self, content: PublishContent) -> PublishResult: ...

    @abc.abstractmethod
    def fetch_metrics(self, account, since: datetime.date) -> list[MetricPoint]: ...

    @abc.abstractmethod
    def fetch_interactions(self, account, since: datetime.datetime) -> list[Interaction]: ...

    @abc.abstractmethod
    def reply(self, interaction: Interaction, text: str) -> ReplyResult: ...

    @abc.abstractmethod
    def health_check(self) -> HealthResult: ...

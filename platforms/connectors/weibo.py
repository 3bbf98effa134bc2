"""Weibo (新浪微博) connector: a real HTTP client of the Weibo Open API v2.

Follows the public documentation (open.weibo.com/wiki):

- the OAuth2 access token travels in the ``Authorization: OAuth2 <token>``
  header, never in a URL; with an app key, app secret and refresh token on file,
  an expired token is renewed once through ``POST /oauth2/access_token``
  (``grant_type=refresh_token``) and the renewed token is cached encrypted;
- ``POST statuses/share.json`` posts (text, which must carry a link of the
  app's secure domain; pictures are not sent yet);
- ``GET statuses/user_timeline.json`` lists the account's recent statuses
  (lookups by text, post metrics: reposts, comments and attitudes counts);
- ``GET comments/show.json`` lists a status's comments, ``POST comments/reply.json``
  answers one;
- ``GET account/get_uid.json`` and ``POST /oauth2/get_token_info`` are the
  health probe and tell when the token expires.

Errors come as ``{"error": ..., "error_code": ..., "request": ...}``, usually
with HTTP 400 or 403. Rate limits (10022 IP, 10023 user, 10024 user per API,
20016 posting too fast) and "busy" (10002, 10009) are transient; the token
family (21301, 21314–21319, 21327, 21332, and 10006 no app key) is auth;
system-side failures (10001, 10003, 10010, 10011) are transient for reads and
an unknown outcome for a post; anything else (20019 repeated content, 20012
text too long, 10014 API not granted...) is permanent.

``statuses/share.json`` and ``comments/reply.json`` are sent at most once per
call: a timeout, a reset connection, a 5xx, a system-side failure or an
unreadable answer raises ``OutcomeUnknownError``; ``lookup_publication``
finds the post read-only among the account's recent statuses.
"""

import datetime
import hashlib
import logging
import re

import requests
from django.conf import settings
from django.core.cache import cache
from django.utils import timezone
from django.utils.translation import gettext

from ..crypto import CredentialsError, decrypt_credentials, encrypt_credentials
from ..metrics import Metric
from .base import (
    AuthConnectorError,
    Connector,
    ConnectorError,
    HealthResult,
    Interaction,
    MetricPoint,
    OutcomeUnknownError,
    PermanentConnectorError,
    PublicationLookup,
    PublishContent,
    PublishResult,
    ReplyResult,
    TransientConnectorError,
    scrub,
)
from .http import status_error, transport_error

logger = logging.getLogger("campaignops.platforms.weibo")

DEFAULT_BASE_URL = "https://api.weibo.com/2"
RATE_LIMITED = {10022, 10023, 10024, 20016}
BUSY = {10002, 10009}
# The platform failed on its side: a post may or may not have been made.
SYSTEM_FAILURE = {10001, 10003, 10010, 10011}
TOKEN_EXPIRED = {21315, 21327, 21332}
AUTH_ERRORS = {10006, 21301, 21314, 21315, 21316, 21317, 21318, 21319, 21327, 21332}
# Weibo keeps post data readable for about ten days.
DATA_WINDOW_DAYS = 10
TIMELINE_PAGE = 100
TIMELINE_MAX_PAGES = 5
COMMENTS_PAGE = 50
COMMENTS_MAX_PAGES = 20
COMMENT_LOOKBACK_DAYS = 7
# Refreshed tokens are dropped this long before Weibo says they expire.
TOKEN_MARGIN_SECONDS = 300
MONTHS = {
    name: number for number, name in enumerate(
        ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"),
        start=1,
    )
}
_URL = re.compile(r"https?://\S+")


def _error_code(data: dict) -> int | str:
    code = data.get("error_code") or 0
    try:
        return int(code)
    except (TypeError, ValueError):
        return str(code)


def parse_created_at(value: str) -> datetime.datetime | None:
    """Weibo's ``created_at`` ("Tue May 31 17:46:55 +0800 2011") as an aware datetime."""
    # Parsed by hand: strptime's %a and %b follow the process locale.
    parts = str(value).split()
    if len(parts) != 6 or parts[1] not in MONTHS:
        return None
    _weekday, month, day, clock, offset, year = parts
    try:
        return datetime.datetime.fromisoformat(
            f"{year}-{MONTHS[month]:02d}-{int(day):02d}T{clock}{offset[:3]}:{offset[3:]}"
        )
    except ValueError:
        return None


def comparable(text: str) -> str:
    """Text as compared with what Weibo shows: links dropped (Weibo shortens them), spaces
    collapsed."""
    return " ".join(_URL.sub(" ", text or "").split())


def status_url(status: dict) -> str:
    status_id = str(status.get("idstr") or status.get("id") or "")
    return f"https://m.weibo.cn/status/{status_id}" if status_id else ""


class WeiboConnector(Connector):
    label = "Weibo Open API"
    is_sandbox = False

    def __init__(
        self,
        account=None,
        *,
        access_token: str,
        app_key: str = "",
        app_secret: str = "",
        refresh_token: str = "",
        uid: str = "",
        base_url: str | None = None,
        oauth_url: str | None = None,
        timeout: float = 10.0,
        session: requests.Session | None = None,
    ) -> None:
        self.account = account
        self._access_token = access_token
        self._stored_token = access_token
        self.app_key = app_key
        self._app_secret = app_secret
        self._refresh_token = refresh_token
        self.uid = str(uid or "")
        self.base_url = (
            base_url or getattr(settings, "WEIBO_API_BASE", None) or DEFAULT_BASE_URL
        ).rstrip("/")
        default_oauth = re.sub(r"/2$", "", self.base_url) + "/oauth2"
        self.oauth_url = (
            oauth_url or getattr(settings, "WEIBO_OAUTH_BASE", None) or default_oauth
        ).rstrip("/")
        self.timeout = timeout
        self.session = session or requests.Session()
        self.token_expires_at: datetime.datetime | None = None
        self._use_cached_token()

    def __repr__(self) -> str:  # never print a token or the secret
        return f"<WeiboConnector uid={self.uid or '?'}>"

    # -- tokens ------------------------------------------------------------------
    @property
    def _cache_key(self) -> str:
        scope = hashlib.sha256(
            f"{self.base_url}|{self.app_key}|{self._stored_token}".encode()
        ).hexdigest()[:24]
        return f"platforms:weibo:token:{scope}"

    @property
    def can_refresh(self) -> bool:
        return bool(self.app_key and self._app_secret and self._refresh_token)

    def _use_cached_token(self) -> None:
        """A token renewed earlier (by any worker) replaces the one on file."""
        cached = cache.get(self._cache_key)
        if not isinstance(cached, str) or not cached:
            return
        try:
            value = decrypt_credentials(cached)
        except CredentialsError:
            return
        if value.get("access_token"):
            self._access_token = value["access_token"]
            self._refresh_token = value.get("refresh_token") or self._refresh_token

    def _secrets(self) -> tuple[str, ...]:
        return (self._access_token, self._stored_token, self._app_secret, self._refresh_token)

    def refresh_access_token(self) -> None:
        """Renew the access token with the refresh token (an idempotent exchange)."""
        data = self._send(
            "POST", f"{self.oauth_url}/access_token", authorized=False,
            data={"client_id": self.app_key, "client_secret": self._app_secret,
                  "grant_type": "refresh_token", "refresh_token": self._refresh_token},
        )
        if _error_code(data) or not data.get("access_token"):
            # A refresh refused for any reason means someone must authorise again.
            error = self._error(data)
            raise AuthConnectorError(str(error), code=error.code)
        self._access_token = str(data["access_token"])
        self._refresh_token = str(data.get("refresh_token") or self._refresh_token)
        expires_in = int(data.get("expires_in") or 0)
        if expires_in:
            self.token_expires_at = timezone.now() + datetime.timedelta(seconds=expires_in)
        cache.set(
            self._cache_key,
            encrypt_credentials(
                {"access_token": self._access_token, "refresh_token": self._refresh_token}
            ),
            timeout=max(expires_in - TOKEN_MARGIN_SECONDS, 60) if expires_in else 24 * 3600,
        )

    # -- HTTP --------------------------------------------------------------------
    def _send(
        self, method: str, url: str, *, params=None, data=None, mutating: bool = False,
        authorized: bool = True,
    ) -> dict:
        """One HTTP exchange; its failures typed (``mutating``: the call changes Weibo)."""
        if not url.startswith("http"):
            url = f"{self.base_url}/{url}"
        headers = {"Authorization": f"OAuth2 {self._access_token}"} if authorized else {}
        failure: ConnectorError | None = None
        try:
            response = self.session.request(
                method, url, params=params, data=data, headers=headers, timeout=self.timeout
            )
        except requests.RequestException as exc:
            # Raised outside this block so the exception (which names the URL) is
            # not carried along as context into logs.
            failure = transport_error(exc, platform="Weibo", mutating=mutating)
        if failure is not None:
            raise failure
        failure = status_error(response.status_code, platform="Weibo", mutating=mutating)
        if failure is not None:
            raise failure
        try:
            body = response.json()
        except ValueError:
            body = None
        if not isinstance(body, dict):
            if response.status_code >= 400:
                raise PermanentConnectorError(
                    f"Weibo API answered HTTP {response.status_code}", code=response.status_code
                )
            if mutating:
                raise OutcomeUnknownError("Weibo API answered with something not readable.")
            raise TransientConnectorError("Weibo API answered with something not readable.")
        if response.status_code >= 400 and not _error_code(body):
            raise PermanentConnectorError(
                f"Weibo API answered HTTP {response.status_code}", code=response.status_code
            )
        return body

    def _error(self, data: dict, *, mutating: bool = False) -> ConnectorError:
        code = _error_code(data)
        quoted = scrub(data.get("error", ""), *self._secrets())
        message = f"Weibo error {code}: {quoted}"
        logger.warning("Weibo API error uid=%s error_code=%s", self.uid or "?", code)
        if code in RATE_LIMITED or code in BUSY:
            return TransientConnectorError(message, code=code)
        if code in SYSTEM_FAILURE:
            if mutating:
                return OutcomeUnknownError(message, code=code)
            return TransientConnectorError(message, code=code)
        if code in AUTH_ERRORS:
            return AuthConnectorError(message, code=code)
        return PermanentConnectorError(message, code=code)

    def _call(
        self, method: str, path: str, *, params=None, data=None, mutating: bool = False
    ) -> dict:
        """An authenticated call; an expired token is renewed once, when the account can.

        A read is then repeated. A call that changes Weibo is not: it was
        refused, so nothing happened, and the caller's next attempt (a
        ``TransientConnectorError``) uses the new token — the platform's
        endpoint is still asked at most once per call.
        """
        for attempt in (1, 2):
            body = self._send(method, path, params=params, data=data, mutating=mutating)
            code = _error_code(body)
            if not code:
                return body
            if code in TOKEN_EXPIRED and attempt == 1 and self.can_refresh:
                self.refresh_access_token()
                if mutating:
                    raise TransientConnectorError(
                        f"Weibo refused an expired token (error {code}); renewed, try again.",
                        code=code,
                    )
                continue
            raise self._error(body, mutating=mutating)
        raise AssertionError("unreachable")  # pragma: no cover

    # -- publishing ----------------------------------------------------------------
    @staticmethod
    def status_text(content: PublishContent) -> str:
        """What is posted: the body (else the title) with the source link, which
        statuses/share requires, appended when missing."""
        text = (content.body or content.title).strip()
        if content.source_url and content.source_url not in text:
            text = f"{text} {content.source_url}".strip()
        return text

    def _memo_key(self, client_key: str) -> str:
        # A client key is a UUID: unique on its own, whichever worker asks.
        digest = hashlib.sha256(f"{self.base_url}|{client_key}".encode()).hexdigest()
        return f"platforms:weibo:publish:{digest[:32]}"

    def publish(self, content: PublishContent) -> PublishResult:
        text = self.status_text(content)
        if not text:
            raise PermanentConnectorError("A Weibo post needs text.")
        if content.client_key:
            # Remembered before sending, so a lookup after a lost answer knows the text.
            cache.set(self._memo_key(content.client_key), {"text": text}, timeout=14 * 24 * 3600)
        status = self._call(
            "POST", "statuses/share.json", data={"status": text}, mutating=True
        )
        status_id = str(status.get("idstr") or status.get("id") or "")
        if not status_id:
            raise OutcomeUnknownError("Weibo statuses/share answered without a status id.")
        return PublishResult(external_id=status_id, url=status_url(status))

    def _timeline(self, since: datetime.datetime | None) -> list[dict]:
        """The account's statuses, newest first, back to ``since`` (a few pages at most)."""
        statuses: list[dict] = []
        for page in range(1, TIMELINE_MAX_PAGES + 1):
            data = self._call(
                "GET", "statuses/user_timeline.json",
                params={"count": TIMELINE_PAGE, "page": page, "trim_user": 1},
            )
            batch = [s for s in data.get("statuses") or [] if isinstance(s, dict)]
            statuses.extend(batch)
            oldest = parse_created_at(batch[-1].get("created_at", "")) if batch else None
            if len(batch) < TIMELINE_PAGE or since is None or (oldest and oldest < since):
                break
        if since is None:
            return statuses
        return [
            s for s in statuses
            if (created := parse_created_at(s.get("created_at", ""))) is None or created >= since
        ]

    def lookup_publication(
        self,
        *,
        client_key: str,
        pending_ref: str = "",
        title: str = "",
        since: datetime.datetime | None = None,
    ) -> PublicationLookup:
        """The account's recent status whose text is the one posted for ``client_key``
        (or contains ``title``). Read-only: only the timeline is read."""
        sent = ""
        if client_key:
            sent = comparable(str((cache.get(self._memo_key(client_key)) or {}).get("text", "")))
        wanted_title = comparable(title)
        if not (sent or wanted_title or pending_ref):
            return PublicationLookup(state="not_found")
        for status in self._timeline(since):
            status_id = str(status.get("idstr") or status.get("id") or "")
            text = comparable(str(status.get("text", "")))
            if (
                (pending_ref and status_id == pending_ref)
                or (sent and text == sent)
                or (not sent and wanted_title and wanted_title in text)
            ):
                return PublicationLookup(
                    state="published", external_id=status_id, url=status_url(status)
                )
        return PublicationLookup(state="not_found")

    # -- metrics -------------------------------------------------------------------
    def fetch_metrics(self, account, since: datetime.date) -> list[MetricPoint]:
        """Reposts, comments and attitudes of every status of the last ten days.

        The counts are each post's totals so far, dated on the day it was posted:
        a later pull updates the same points as the totals grow. ``since`` cannot
        reach behind Weibo's ten-day window; within it every post is refreshed.
        """
        floor = timezone.localdate() - datetime.timedelta(days=DATA_WINDOW_DAYS)
        start_at = datetime.datetime.combine(
            floor, datetime.time(), tzinfo=timezone.get_current_timezone()
        )
        points = []
        for status in self._timeline(start_at):
            created = parse_created_at(status.get("created_at", ""))
            status_id = str(status.get("idstr") or status.get("id") or "")
            if created is None or not status_id:
                continue
            day = timezone.localdate(created)
            for metric, key in (
                (Metric.SHARES, "reposts_count"),
                (Metric.COMMENTS, "comments_count"),
                (Metric.LIKES, "attitudes_count"),
            ):
                if key in status:
                    points.append(
                        MetricPoint(day, str(metric), float(status.get(key) or 0), status_id)
                    )
        return points

    # -- interactions ----------------------------------------------------------------
    def _comments(self, status_id: str, since: datetime.datetime) -> list[Interaction]:
        found = []
        for page in range(1, COMMENTS_MAX_PAGES + 1):
            data = self._call(
                "GET", "comments/show.json",
                params={"id": status_id, "count": COMMENTS_PAGE, "page": page},
            )
            comments = [c for c in data.get("comments") or [] if isinstance(c, dict)]
            reached_older = False
            for comment in comments:
                created = parse_created_at(comment.get("created_at", ""))
                if created is None or created < since:
                    # Comments come newest first: the rest are older still.
                    reached_older = True
                    continue
                user = comment.get("user") or {}
                found.append(
                    Interaction(
                        external_id=str(comment.get("idstr") or comment.get("id")),
                        kind="comment",
                        text=str(comment.get("text", "")),
                        author=str(user.get("screen_name", "")),
                        author_id=str(user.get("idstr") or user.get("id") or ""),
                        created_at=created,
                        post_id=status_id,
                    )
                )
            total = int(data.get("total_number") or 0)
            if reached_older or len(comments) < COMMENTS_PAGE or page * COMMENTS_PAGE >= total:
                break
        return found

    def fetch_interactions(self, account, since: datetime.datetime) -> list[Interaction]:
        """Comments made since ``since`` on the account's statuses of the last week or more.

        Private messages need Weibo's fan-service API and are not read here.
        """
        discover_from = min(since, timezone.now() - datetime.timedelta(days=COMMENT_LOOKBACK_DAYS))
        found = []
        for status in self._timeline(discover_from):
            status_id = str(status.get("idstr") or status.get("id") or "")
            if status_id and int(status.get("comments_count") or 0) > 0:
                found.extend(self._comments(status_id, since))
        return found

    def reply(self, interaction: Interaction, text: str) -> ReplyResult:
        """Answer a comment (comments/reply.json), sent once."""
        if interaction.kind != "comment":
            raise PermanentConnectorError(
                "Weibo private messages cannot be answered through this connector.",
                code="unsupported",
            )
        if not text.strip():
            raise PermanentConnectorError("A reply needs text.")
        if not (interaction.external_id.isdigit() and interaction.post_id.isdigit()):
            raise PermanentConnectorError("Not a Weibo comment id.")
        answer = self._call(
            "POST", "comments/reply.json",
            data={"cid": interaction.external_id, "id": interaction.post_id, "comment": text,
                  "comment_ori": 0, "without_mention": 0},
            mutating=True,
        )
        reply_id = str(answer.get("idstr") or answer.get("id") or "")
        return ReplyResult(
            external_id=reply_id or f"{interaction.external_id}:reply", replied_at=timezone.now()
        )

    def health_check(self) -> HealthResult:
        uid = str(self._call("GET", "account/get_uid.json").get("uid") or "")
        if uid:
            self.uid = uid
        info = self._send(
            "POST", f"{self.oauth_url}/get_token_info", authorized=False,
            data={"access_token": self._access_token},
        )
        if _error_code(info):
            raise self._error(info)
        expire_in = int(info.get("expire_in") or 0)
        if expire_in > 0:
            self.token_expires_at = timezone.now() + datetime.timedelta(seconds=expire_in)
        return HealthResult(
            ok=True,
            # Translated when called: the page shows it right away.
            detail=gettext("Weibo answered for user %(uid)s.") % {"uid": uid or "?"},
            token_expires_at=self.token_expires_at,
        )

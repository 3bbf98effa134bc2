"""WeChat Official Account (微信公众号) connector: a real HTTP client.

Follows the public API documentation (developers.weixin.qq.com/doc/offiaccount):

- ``POST /cgi-bin/stable_token`` — access_token from appid + secret (in the body,
  never in a URL), valid ``expires_in`` seconds; cached (Django cache, shared by
  workers) until shortly before expiry;
- ``POST /cgi-bin/draft/add`` then ``POST /cgi-bin/freepublish/submit`` to publish,
  ``POST /cgi-bin/freepublish/get`` to learn the article URL;
- ``POST /datacube/getarticlesummary`` (one day per call) and
  ``POST /datacube/getusersummary`` (up to seven days) for metrics;
- ``POST /cgi-bin/comment/list`` and ``POST /cgi-bin/comment/reply/add`` for comments;
- ``GET  /cgi-bin/getcallbackip`` as a cheap authenticated health probe.

Errors: an invalid or expired token (40001, 40014, 42001) refreshes the token
once and retries; rate limits and "system busy" (45009, 45011, -1) are
transient; the invalid-credential family (40001, 40014, 42001 after the retry,
40013, 40125, 41004 bad or missing appid/secret, 40164 IP not whitelisted) are
auth errors; any other errcode, 48001 "API unauthorised" included, is permanent.

The access_token is cached encrypted with the credentials' Fernet keys
(``platforms.crypto``), so the cache (Redis in production) never holds it in clear.
A publication is remembered per content (draft media_id, publish_id), so a retry
never adds a second draft or submits twice.
"""

import datetime
import hashlib
import logging

import requests
from django.conf import settings
from django.core.cache import cache
from django.utils import timezone
from django.utils.translation import ngettext

from ..crypto import CredentialsError, decrypt_credentials, encrypt_credentials
from ..metrics import Metric
from .base import (
    AuthConnectorError,
    Connector,
    ConnectorError,
    HealthResult,
    Interaction,
    MetricPoint,
    PermanentConnectorError,
    PublishContent,
    PublishResult,
    ReplyResult,
    TransientConnectorError,
)

logger = logging.getLogger("campaignops.platforms.wechat")

DEFAULT_BASE_URL = "https://api.weixin.qq.com"
TOKEN_ERRORS = {40001, 40014, 42001}
TRANSIENT_ERRORS = {45009, 45011, -1}
# The credential family: bad appid/secret, secret missing, IP not whitelisted.
# 48001 (API not authorised for this account) and 40002 (bad grant type) are permanent.
AUTH_ERRORS = {40013, 40125, 40164, 41004}
PERMANENT_ERRORS = {48001, 40002}
# Tokens are dropped this long before WeChat says they expire.
TOKEN_MARGIN_SECONDS = 300
# getarticlesummary accepts one day per request; data is available up to yesterday.
MAX_DAYS = 30
COMMENTS_PAGE = 50
COMMENT_LOOKBACK_DAYS = 7
# freepublish/get statuses that mean WeChat will not publish: original-check
# failure, regular failure, review failure, deleted after publishing, banned.
PUBLISH_FAILED = {2, 3, 4, 5, 6}
# How long a publication's draft and publish job are remembered for retries.
PUBLISH_MEMO_SECONDS = 7 * 24 * 3600


def _errcode(data: dict) -> int | str:
    """The errcode as an int (WeChat sometimes sends it as a string); 0 when absent."""
    code = data.get("errcode") or 0
    try:
        return int(code)
    except (TypeError, ValueError):
        return str(code)


def _article_index(position: str) -> int:
    """datacube msgids count articles from 1 (``<msg_data_id>_1``); comment APIs from 0."""
    return max(int(position) - 1, 0) if position.isdigit() else 0


class WeChatOfficialAccountConnector(Connector):
    label = "WeChat Official Account API"
    is_sandbox = False

    def __init__(
        self,
        account=None,
        *,
        app_id: str,
        app_secret: str,
        base_url: str | None = None,
        timeout: float = 10.0,
        session: requests.Session | None = None,
    ) -> None:
        self.account = account
        self.app_id = app_id
        self._app_secret = app_secret
        self.base_url = (
            base_url or getattr(settings, "WECHAT_API_BASE", None) or DEFAULT_BASE_URL
        ).rstrip("/")
        self.timeout = timeout
        self.session = session or requests.Session()
        self.token_expires_at: datetime.datetime | None = None

    def __repr__(self) -> str:  # never print the secret
        return f"<WeChatOfficialAccountConnector app_id={self.app_id}>"

    # -- access token ----------------------------------------------------------
    @property
    def _cache_key(self) -> str:
        scope = hashlib.sha256(f"{self.base_url}|{self.app_id}".encode()).hexdigest()[:24]
        return f"platforms:wechat:token:{scope}"

    def access_token(self, *, refresh: bool = False) -> str:
        """A valid access_token: from the cache, or fetched when missing/refreshing."""
        if not refresh:
            cached = self._cached_token()
            if cached:
                self.token_expires_at = datetime.datetime.fromisoformat(cached["expires_at"])
                return cached["token"]
        # The stable-token endpoint takes the secret in the body, so it never
        # appears in a URL (proxy or urllib3 debug logs); a refresh after an
        # invalid-token error forces a new token.
        data = self._send(
            "POST", "/cgi-bin/stable_token",
            json={"grant_type": "client_credential", "appid": self.app_id,
                  "secret": self._app_secret, "force_refresh": refresh},
        )
        if _errcode(data):
            # A token request failing on credentials is an auth failure whatever the code.
            raise self._error(data, token_request=True)
        token = data.get("access_token")
        if not token:
            raise PermanentConnectorError("WeChat returned no access_token.")
        expires_in = int(data.get("expires_in", 7200))
        self.token_expires_at = timezone.now() + datetime.timedelta(seconds=expires_in)
        cache.set(
            self._cache_key,
            encrypt_credentials({"token": token, "expires_at": self.token_expires_at.isoformat()}),
            timeout=max(expires_in - TOKEN_MARGIN_SECONDS, 1),
        )
        return token

    def _cached_token(self) -> dict | None:
        """The cached token, decrypted; a token no key can read (or in clear) is a miss."""
        cached = cache.get(self._cache_key)
        if not isinstance(cached, str) or not cached:
            return None
        try:
            value = decrypt_credentials(cached)
        except CredentialsError:
            return None
        if not value.get("token") or not value.get("expires_at"):
            return None
        return value

    # -- HTTP ------------------------------------------------------------------
    def _send(self, method: str, path: str, *, params=None, json=None) -> dict:
        url = self.base_url + path
        try:
            response = self.session.request(
                method, url, params=params, json=json, timeout=self.timeout
            )
        except requests.RequestException as exc:
            # Every transport failure (connection, timeout, TLS, bad redirect...)
            # is worth a later retry; none may escape as a 500.
            raise TransientConnectorError(f"WeChat API unreachable: {type(exc).__name__}") from exc
        if response.status_code >= 500 or response.status_code == 429:
            raise TransientConnectorError(
                f"WeChat API answered HTTP {response.status_code}", code=response.status_code
            )
        if response.status_code >= 400:
            raise PermanentConnectorError(
                f"WeChat API answered HTTP {response.status_code}", code=response.status_code
            )
        try:
            # WeChat sends UTF-8 JSON, sometimes labelled text/plain.
            response.encoding = "utf-8"
            data = response.json()
        except ValueError as exc:
            raise TransientConnectorError("WeChat API answered with something not JSON.") from exc
        if not isinstance(data, dict):
            raise PermanentConnectorError("WeChat API answered with an unexpected shape.")
        return data

    def _error(self, data: dict, *, token_request: bool = False):
        code = _errcode(data)
        message = f"WeChat error {code}: {data.get('errmsg', '')}"
        logger.warning("WeChat API error app_id=%s errcode=%s", self.app_id, code)
        if code in TRANSIENT_ERRORS:
            return TransientConnectorError(message, code=code)
        if code in PERMANENT_ERRORS:
            return PermanentConnectorError(message, code=code)
        if token_request or code in AUTH_ERRORS or code in TOKEN_ERRORS:
            return AuthConnectorError(message, code=code)
        return PermanentConnectorError(message, code=code)

    def _call(self, method: str, path: str, *, payload: dict | None = None) -> dict:
        """An authenticated call; an invalid token is refreshed once and retried."""
        for attempt in (1, 2):
            token = self.access_token(refresh=attempt == 2)
            data = self._send(
                method, path, params={"access_token": token},
                json=payload if method == "POST" else None,
            )
            errcode = _errcode(data)
            if not errcode:
                return data
            if errcode in TOKEN_ERRORS and attempt == 1:
                cache.delete(self._cache_key)
                continue
            raise self._error(data)
        raise AssertionError("unreachable")  # pragma: no cover

    # -- interface -------------------------------------------------------------
    def publish(self, content: PublishContent) -> PublishResult:
        thumb = content.extra.get("thumb_media_id")
        if not thumb:
            raise PermanentConnectorError(
                "WeChat articles need a cover image uploaded as permanent material "
                "(extra['thumb_media_id'])."
            )
        article = {
            "title": content.title[:64],
            "author": content.author[:16],
            "digest": content.summary[:120],
            "content": content.body,
            "content_source_url": content.source_url,
            "thumb_media_id": thumb,
            "need_open_comment": 1,
            "only_fans_can_comment": 0,
        }
        # Idempotent per content: once WeChat holds a draft or
        # a publish job for this content, a retry reuses it instead of adding a
        # second draft or submitting a second publication.
        memo_key = self._publish_memo_key(content)
        memo = cache.get(memo_key) or {}
        media_id = memo.get("media_id")
        publish_id = memo.get("publish_id")
        if not publish_id:
            if not media_id:
                draft = self._call("POST", "/cgi-bin/draft/add", payload={"articles": [article]})
                media_id = draft.get("media_id")
                if not media_id:
                    raise PermanentConnectorError("WeChat draft/add returned no media_id.")
                cache.set(memo_key, {"media_id": media_id}, timeout=PUBLISH_MEMO_SECONDS)
            submitted = self._call(
                "POST", "/cgi-bin/freepublish/submit", payload={"media_id": media_id}
            )
            publish_id = str(submitted.get("publish_id", ""))
            if not publish_id:
                raise PermanentConnectorError("WeChat freepublish/submit returned no publish_id.")
            cache.set(
                memo_key, {"media_id": media_id, "publish_id": publish_id},
                timeout=PUBLISH_MEMO_SECONDS,
            )
        return self._publish_status(publish_id)

    def _publish_memo_key(self, content: PublishContent) -> str:
        explicit = str(content.extra.get("idempotency_key") or "")
        fingerprint = explicit or "|".join((
            content.title, content.body, content.author, content.summary, content.source_url,
            str(content.extra.get("thumb_media_id") or ""),
        ))
        digest = hashlib.sha256(
            f"{self.base_url}|{self.app_id}|{fingerprint}".encode()
        ).hexdigest()[:32]
        return f"platforms:wechat:publish:{digest}"

    def _publish_status(self, publish_id: str) -> PublishResult:
        """Where a submitted publication stands; never raises a retryable error.

        The publication is already submitted: an error here must not make the
        caller retry (and submit twice), so an unreadable status is "pending".
        """
        try:
            status = self._call(
                "POST", "/cgi-bin/freepublish/get", payload={"publish_id": publish_id}
            )
        except ConnectorError as exc:
            logger.warning(
                "WeChat publish status unknown app_id=%s publish_id=%s error=%s",
                self.app_id, publish_id, type(exc).__name__,
            )
            return PublishResult(external_id=publish_id, url="", pending=True)
        try:
            publish_status = int(status.get("publish_status"))
        except (TypeError, ValueError):
            publish_status = None
        if publish_status == 0:
            detail = status.get("article_detail")
            items = (detail.get("item") if isinstance(detail, dict) else None) or []
            first = items[0] if isinstance(items, list) and items else {}
            url = str(first.get("article_url", "")) if isinstance(first, dict) else ""
            return PublishResult(external_id=str(status.get("article_id") or publish_id), url=url)
        if publish_status not in PUBLISH_FAILED:
            # 1 = still publishing; anything undocumented: we do not know yet.
            return PublishResult(external_id=publish_id, url="", pending=True)
        raise PermanentConnectorError(
            f"WeChat refused to publish (publish_status {publish_status}).", code=publish_status
        )

    def _days(self, since: datetime.date) -> list[datetime.date]:
        yesterday = timezone.localdate() - datetime.timedelta(days=1)
        start = max(since, yesterday - datetime.timedelta(days=MAX_DAYS - 1))
        return [start + datetime.timedelta(days=n) for n in range((yesterday - start).days + 1)]

    def _article_summaries(self, since: datetime.date) -> list[dict]:
        rows = []
        for day in self._days(since):
            stamp = day.isoformat()
            data = self._call(
                "POST", "/datacube/getarticlesummary",
                payload={"begin_date": stamp, "end_date": stamp},
            )
            rows.extend(data.get("list") or [])
        return rows

    def fetch_metrics(self, account, since: datetime.date) -> list[MetricPoint]:
        points = []
        for row in self._article_summaries(since):
            day = datetime.date.fromisoformat(row["ref_date"])
            post = str(row.get("msgid", ""))
            for metric, key in (
                (Metric.READS, "int_page_read_count"),
                (Metric.SHARES, "share_count"),
            ):
                if key in row:
                    points.append(MetricPoint(day, str(metric), float(row[key]), post))
        days = self._days(since)
        # getusersummary spans at most seven days per call.
        for offset in range(0, len(days), 7):
            chunk = days[offset : offset + 7]
            data = self._call(
                "POST", "/datacube/getusersummary",
                payload={"begin_date": chunk[0].isoformat(), "end_date": chunk[-1].isoformat()},
            )
            gained: dict[datetime.date, float] = {}
            for row in data.get("list") or []:
                day = datetime.date.fromisoformat(row["ref_date"])
                gained[day] = gained.get(day, 0) + float(row.get("new_user", 0))
            points.extend(
                MetricPoint(day, str(Metric.FOLLOWERS_GAINED), value)
                for day, value in sorted(gained.items())
            )
        return points

    def fetch_interactions(self, account, since: datetime.datetime) -> list[Interaction]:
        """Comments made since ``since`` on recently read articles (msgid = msg_data_id_index)."""
        # Comments keep arriving on older articles: look for articles over at
        # least the last week, then keep only comments made since ``since``.
        discover_from = min(
            timezone.localdate(since),
            timezone.localdate() - datetime.timedelta(days=COMMENT_LOOKBACK_DAYS),
        )
        msgids = dict.fromkeys(
            str(row["msgid"]) for row in self._article_summaries(discover_from)
            if row.get("msgid")
        )
        found = []
        for msgid in msgids:
            msg_data_id, _, index = msgid.partition("_")
            begin = 0
            while True:
                data = self._call(
                    "POST", "/cgi-bin/comment/list",
                    payload={"msg_data_id": int(msg_data_id), "index": _article_index(index),
                             "begin": begin, "count": COMMENTS_PAGE, "type": 0},
                )
                comments = data.get("comment") or []
                for comment in comments:
                    created = datetime.datetime.fromtimestamp(
                        int(comment.get("create_time", 0)), tz=datetime.UTC
                    )
                    if created < since:
                        continue
                    found.append(
                        Interaction(
                            external_id=f"{msgid}:{comment['user_comment_id']}",
                            kind="comment",
                            text=comment.get("content", ""),
                            author=comment.get("openid", ""),
                            created_at=created,
                            post_id=msgid,
                            replied=bool(comment.get("reply")),
                        )
                    )
                begin += len(comments)
                if not comments or begin >= int(data.get("total", 0)):
                    break
        return found

    def reply(self, interaction: Interaction, text: str) -> ReplyResult:
        msgid, _, comment_id = interaction.external_id.partition(":")
        msg_data_id, _, index = msgid.partition("_")
        if not (msg_data_id.isdigit() and comment_id.isdigit()):
            raise PermanentConnectorError("Not a WeChat comment id.")
        self._call(
            "POST", "/cgi-bin/comment/reply/add",
            payload={"msg_data_id": int(msg_data_id), "index": _article_index(index),
                     "user_comment_id": int(comment_id), "content": text},
        )
        return ReplyResult(external_id=f"{interaction.external_id}:reply", replied_at=timezone.now())

    def health_check(self) -> HealthResult:
        data = self._call("GET", "/cgi-bin/getcallbackip")
        count = len(data.get("ip_list") or [])
        return HealthResult(
            ok=True,
            # Translated when called: the page shows it right away.
            detail=ngettext(
                "WeChat answered; %(count)d callback IP listed.",
                "WeChat answered; %(count)d callback IPs listed.", count,
            ) % {"count": count},
            token_expires_at=self.token_expires_at,
        )

"""WeChat Official Account (微信公众号) connector: a real HTTP client.

Follows the public API documentation (developers.weixin.qq.com/doc/offiaccount):

- ``POST /cgi-bin/stable_token`` — access_token from appid + secret (in the body,
  never in a URL), valid ``expires_in`` seconds; cached (Django cache, shared by
  workers) until shortly before expiry;
- ``POST /cgi-bin/material/add_material?type=image`` (multipart, field ``media``)
  stores the article's cover as permanent material; its ``media_id`` is the
  article's ``thumb_media_id``;
- ``POST /cgi-bin/draft/add`` then ``POST /cgi-bin/freepublish/submit`` to publish,
  ``POST /cgi-bin/freepublish/get`` to learn the article URL;
  ``POST /cgi-bin/freepublish/batchget`` lists what was published (lookups);
- ``POST /datacube/getarticlesummary`` (one day per call, per-article data for
  about seven days) and ``POST /datacube/getusersummary`` (up to seven days per
  call) for metrics; WeChat serves yesterday's data from 08:00 Beijing time;
- ``POST /cgi-bin/comment/list`` (keyed by msg_data_id and article index, at most
  50 a page, paged by begin/count) and ``POST /cgi-bin/comment/reply/add`` for
  comments; ``POST /cgi-bin/message/custom/send`` answers a private message,
  allowed only within 48 hours of the user's last message (45015 otherwise);
- ``GET  /cgi-bin/getcallbackip`` as a cheap authenticated health probe.

Errors: an invalid or expired token (40001, 40014, 42001) refreshes the token
once and retries (the platform refused the call, so repeating it is safe);
rate limits and "system busy" (45009, 45011, -1) are transient; the
invalid-credential family (40001, 40014, 42001 after the retry, 40013, 40125,
41004 bad or missing appid/secret, 40164 IP not whitelisted) are auth errors;
45015 and 45047 (reply window closed, reply quota of the window used up) are
``ReplyWindowClosedError``; any other errcode, 48001 "API unauthorised"
included, is permanent.

``freepublish/submit`` — the call that publishes — is sent at most once per
``publish``: a timeout, a reset connection, a 5xx or an unreadable answer
raises ``OutcomeUnknownError`` and ``lookup_publication`` settles it. The
same goes for the two reply calls. A draft that may or may not have been added
is harmless (nobody reads drafts), so ``draft/add`` failing in transit is transient;
so is a cover upload (a spare image in the material library publishes nothing).

The cover is the first picture of the content WeChat takes as image material
(JPEG, PNG, GIF or BMP of at most 10 MB): a storage name of
``PublishContent.extra["media_files"]``, else a ``media_urls`` entry (a URL of
the project's storage is read from it, another http(s) URL is downloaded). An
``extra["thumb_media_id"]`` given by the caller is used as is. The cover is
uploaded at most once per ``publish`` call and remembered with the draft, so a
later attempt for the same publication reuses it.

The access_token is cached encrypted with the credentials' Fernet keys
(``platforms.crypto``), so the cache (Redis in production) never holds it in clear.
A publication is remembered per client key (draft media_id, publish_id), so
publishing the same publication again reuses its draft and never submits a
job WeChat already has; a job WeChat refused is forgotten, so a person's retry
submits anew.
"""

import datetime
import hashlib
import logging
import posixpath
import zoneinfo
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import unquote, urlparse

import requests
from django.conf import settings
from django.core.cache import cache
from django.core.files.storage import default_storage
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
    OutcomeUnknownError,
    PermanentConnectorError,
    PublicationLookup,
    PublishContent,
    PublishResult,
    ReplyResult,
    ReplyWindowClosedError,
    TransientConnectorError,
    scrub,
)
from .http import status_error, transport_error

logger = logging.getLogger("campaignops.platforms.wechat")

DEFAULT_BASE_URL = "https://api.weixin.qq.com"
TOKEN_ERRORS = {40001, 40014, 42001}
TRANSIENT_ERRORS = {45009, 45011, -1}
# The credential family: bad appid/secret, secret missing, IP not whitelisted.
# 48001 (API not authorised for this account) and 40002 (bad grant type) are permanent.
AUTH_ERRORS = {40013, 40125, 40164, 41004}
PERMANENT_ERRORS = {48001, 40002}
# 45015: more than 48 hours since the user's last message; 45047: the replies
# allowed in the window are used up. Either way only the user can reopen it.
WINDOW_CLOSED_ERRORS = {45015, 45047}
# comment/list on an article whose comments are closed.
COMMENTS_CLOSED = 88000
# Tokens are dropped this long before WeChat says they expire.
TOKEN_MARGIN_SECONDS = 300
# WeChat's clock: its data day starts and yesterday's data is ready at 08:00 there.
WECHAT_ZONE = zoneinfo.ZoneInfo("Asia/Shanghai")
DATA_READY_HOUR = 8
# Per-article summaries exist for about a week; user summaries go back further.
ARTICLE_WINDOW_DAYS = 7
USER_WINDOW_DAYS = 30
USER_SPAN_DAYS = 7  # getusersummary: at most seven days per call
COMMENTS_PAGE = 50
COMMENT_LOOKBACK_DAYS = 7
# freepublish/batchget: at most 20 a page; lookups read at most this many pages.
BATCH_PAGE = 20
BATCH_MAX_PAGES = 5
# freepublish/get statuses that mean WeChat will not publish: original-check
# failure, regular failure, review failure, deleted after publishing, banned.
PUBLISH_FAILED = {2, 3, 4, 5, 6}
PUBLISH_DONE = 0
PUBLISHING = 1
# How long a publication's draft and publish job are remembered.
PUBLISH_MEMO_SECONDS = 7 * 24 * 3600
# Image material WeChat takes (material/add_material?type=image): these formats, 10 MB.
COVER_TYPES = {
    "jpg": "image/jpeg", "jpeg": "image/jpeg", "png": "image/png", "gif": "image/gif",
    "bmp": "image/bmp",
}
COVER_MAX_BYTES = 10 * 1024 * 1024
# draft/add: the thumb_media_id names no material (deleted from the library).
INVALID_MEDIA_ID = 40007


@dataclass(frozen=True)
class Cover:
    """The picture uploaded as an article's cover."""

    filename: str
    content_type: str
    data: bytes


def _cover_type(name: str) -> str:
    """The image type WeChat takes for a file of this name, or "" (by its extension)."""
    extension = posixpath.splitext(name)[1].lstrip(".").lower()
    return COVER_TYPES.get(extension, "")


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
        now: Callable[[], datetime.datetime] | None = None,
    ) -> None:
        self.account = account
        self.app_id = app_id
        self._app_secret = app_secret
        self.base_url = (
            base_url or getattr(settings, "WECHAT_API_BASE", None) or DEFAULT_BASE_URL
        ).rstrip("/")
        self.timeout = timeout
        self.session = session or requests.Session()
        self._now = now or timezone.now
        self._token = ""
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
                self._token = cached["token"]
                return self._token
        # The stable-token endpoint takes the secret in the body, so it never
        # appears in a URL (proxy or urllib3 debug logs); a refresh after an
        # invalid-token error forces a new token. Asking for a token is
        # idempotent: it is retried like any read.
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
        self._token = token
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
    def _send(
        self, method: str, path: str, *, params=None, json=None, files=None,
        mutating: bool = False,
    ) -> dict:
        """One HTTP exchange, its failures typed (``mutating``: the call changes WeChat)."""
        url = self.base_url + path
        failure: ConnectorError | None = None
        try:
            response = self.session.request(
                method, url, params=params, json=json, files=files, timeout=self.timeout
            )
        except requests.RequestException as exc:
            # Raised outside this block: the requests exception names the URL,
            # access_token included, and must not ride along as the context.
            failure = transport_error(exc, platform="WeChat", mutating=mutating)
        if failure is not None:
            raise failure
        failure = status_error(response.status_code, platform="WeChat", mutating=mutating)
        if failure is not None:
            raise failure
        if response.status_code >= 400:
            raise PermanentConnectorError(
                f"WeChat API answered HTTP {response.status_code}", code=response.status_code
            )
        try:
            # WeChat sends UTF-8 JSON, sometimes labelled text/plain.
            response.encoding = "utf-8"
            data = response.json()
        except ValueError:
            data = None
        if not isinstance(data, dict):
            if mutating:
                raise OutcomeUnknownError("WeChat API answered with something not readable.")
            raise TransientConnectorError("WeChat API answered with something not readable.")
        return data

    def _error(self, data: dict, *, token_request: bool = False) -> ConnectorError:
        code = _errcode(data)
        quoted = scrub(data.get("errmsg", ""), self._app_secret, self._token)
        message = f"WeChat error {code}: {quoted}"
        logger.warning("WeChat API error app_id=%s errcode=%s", self.app_id, code)
        if code in TRANSIENT_ERRORS:
            return TransientConnectorError(message, code=code)
        if code in PERMANENT_ERRORS:
            return PermanentConnectorError(message, code=code)
        if code in WINDOW_CLOSED_ERRORS:
            return ReplyWindowClosedError(message, code=code)
        if token_request or code in AUTH_ERRORS or code in TOKEN_ERRORS:
            return AuthConnectorError(message, code=code)
        return PermanentConnectorError(message, code=code)

    def _call(
        self, method: str, path: str, *, payload: dict | None = None, mutating: bool = False,
        query: dict | None = None, files: dict | None = None, once: bool = False,
    ) -> dict:
        """An authenticated call; on an invalid token the token is renewed once.

        A read is then repeated. A call that changes WeChat is not (nor one
        asked ``once``): it was refused, so nothing happened, and the caller's
        next attempt (a ``TransientConnectorError``) uses the new token — the
        platform's endpoint is still asked at most once per call. ``files``
        sends a multipart body instead of ``payload``.
        """
        for attempt in (1, 2):
            token = self.access_token(refresh=attempt == 2)
            data = self._send(
                method, path, params={"access_token": token, **(query or {})},
                json=payload if method == "POST" and files is None else None, files=files,
                mutating=mutating,
            )
            errcode = _errcode(data)
            if not errcode:
                return data
            if errcode in TOKEN_ERRORS and attempt == 1:
                cache.delete(self._cache_key)
                if mutating or once:
                    self.access_token(refresh=True)
                    raise TransientConnectorError(
                        f"WeChat refused an expired token (errcode {errcode}); renewed, "
                        "try again.", code=errcode,
                    )
                continue
            raise self._error(data)
        raise AssertionError("unreachable")  # pragma: no cover

    # -- publishing ------------------------------------------------------------
    def publish(self, content: PublishContent) -> PublishResult:
        memo_key = self._publish_memo_key(content)
        memo = cache.get(memo_key) or {}
        media_id = memo.get("media_id")
        publish_id = memo.get("publish_id")
        if publish_id:
            # WeChat already holds a job for this publication: report it, never submit again.
            return self._publish_status(publish_id, memo_key)
        if not media_id:
            media_id = self._add_draft(content, memo_key, memo)
        # The one call that publishes: made once; a lost answer is OutcomeUnknownError.
        submitted = self._call(
            "POST", "/cgi-bin/freepublish/submit", payload={"media_id": media_id}, mutating=True
        )
        publish_id = str(submitted.get("publish_id", ""))
        if not publish_id:
            raise OutcomeUnknownError("WeChat freepublish/submit answered without a publish_id.")
        cache.set(
            memo_key, {"media_id": media_id, "publish_id": publish_id},
            timeout=PUBLISH_MEMO_SECONDS,
        )
        return self._publish_status(publish_id, memo_key)

    def _add_draft(self, content: PublishContent, memo_key: str, memo: dict) -> str:
        """The draft's media_id, its cover uploaded first unless given or remembered."""
        thumb = str(content.extra.get("thumb_media_id") or "")
        uploaded = False
        if not thumb:
            thumb = str(memo.get("thumb_media_id") or "")
        if not thumb:
            cover = self._cover(content)
            if cover is None:
                raise PermanentConnectorError(
                    "WeChat articles need a cover: a JPEG, PNG, GIF or BMP picture of at "
                    "most 10 MB among the media, or extra['thumb_media_id']."
                )
            thumb = self._upload_cover(cover)
            uploaded = True
            cache.set(memo_key, {"thumb_media_id": thumb}, timeout=PUBLISH_MEMO_SECONDS)
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
        try:
            draft = self._call("POST", "/cgi-bin/draft/add", payload={"articles": [article]})
        except PermanentConnectorError as exc:
            if exc.code == INVALID_MEDIA_ID and not uploaded:
                # A remembered cover deleted from the library: the next attempt uploads anew.
                cache.delete(memo_key)
            raise
        media_id = draft.get("media_id")
        if not media_id:
            raise PermanentConnectorError("WeChat draft/add returned no media_id.")
        cache.set(
            memo_key, {"media_id": media_id, "thumb_media_id": thumb},
            timeout=PUBLISH_MEMO_SECONDS,
        )
        return media_id

    def _cover(self, content: PublishContent) -> Cover | None:
        """The first picture of the content WeChat takes as a cover, read; None if none."""
        for name in content.extra.get("media_files") or ():
            cover = self._stored_cover(str(name))
            if cover is not None:
                return cover
        stored_prefix = str(getattr(default_storage, "base_url", "") or "")
        for url in content.media_urls:
            path = urlparse(url).path
            if not _cover_type(path):
                continue
            if stored_prefix and url.startswith(stored_prefix):
                cover = self._stored_cover(unquote(url[len(stored_prefix):]))
            elif urlparse(url).scheme in ("http", "https"):
                cover = self._downloaded_cover(url)
            else:
                cover = None
            if cover is not None:
                return cover
        return None

    def _stored_cover(self, name: str) -> Cover | None:
        content_type = _cover_type(name)
        if not content_type:
            return None
        try:
            if default_storage.size(name) > COVER_MAX_BYTES:
                return None
            with default_storage.open(name, "rb") as handle:
                data = handle.read(COVER_MAX_BYTES + 1)
        except (OSError, ValueError):
            # Gone from storage (or an unusable name): the next picture may do.
            logger.warning("WeChat cover %s not readable from storage", name)
            return None
        if not data or len(data) > COVER_MAX_BYTES:
            return None
        return Cover(posixpath.basename(name), content_type, data)

    def _downloaded_cover(self, url: str) -> Cover | None:
        """A picture fetched from its URL (a read; a failure skips it), at most 10 MB."""
        try:
            with self.session.get(url, timeout=self.timeout, stream=True) as response:
                if response.status_code != 200:
                    return None
                data = b""
                for chunk in response.iter_content(64 * 1024):
                    data += chunk
                    if len(data) > COVER_MAX_BYTES:
                        return None
        except requests.RequestException as exc:
            logger.warning("WeChat cover not downloadable: %s", type(exc).__name__)
            return None
        if not data:
            return None
        name = posixpath.basename(urlparse(url).path) or "cover"
        return Cover(name, _cover_type(name), data)

    def _upload_cover(self, cover: Cover) -> str:
        """Store ``cover`` as permanent image material; its media_id.

        Asked once per call, never repeated within it. It is not a publish (a
        spare picture in the library shows nowhere), so a failure in transit is
        transient and a later attempt may upload again.
        """
        data = self._call(
            "POST", "/cgi-bin/material/add_material", query={"type": "image"},
            files={"media": (cover.filename, cover.data, cover.content_type)}, once=True,
        )
        media_id = str(data.get("media_id") or "")
        if not media_id:
            raise PermanentConnectorError("WeChat material/add_material returned no media_id.")
        return media_id

    def _publish_memo_key(self, content: PublishContent) -> str:
        explicit = content.client_key or str(content.extra.get("idempotency_key") or "")
        fingerprint = explicit or "|".join((
            content.title, content.body, content.author, content.summary, content.source_url,
            str(content.extra.get("thumb_media_id") or ""),
        ))
        digest = hashlib.sha256(
            f"{self.base_url}|{self.app_id}|{fingerprint}".encode()
        ).hexdigest()[:32]
        return f"platforms:wechat:publish:{digest}"

    def _job_status(self, publish_id: str) -> PublicationLookup:
        """What ``freepublish/get`` says of a job (a read: errors propagate typed)."""
        status = self._call("POST", "/cgi-bin/freepublish/get", payload={"publish_id": publish_id})
        try:
            # A missing status is None here, turned into "unknown" by the TypeError below.
            publish_status = int(status.get("publish_status"))  # type: ignore[arg-type]
        except (TypeError, ValueError):
            publish_status = None
        if publish_status == PUBLISH_DONE:
            detail = status.get("article_detail")
            items = (detail.get("item") if isinstance(detail, dict) else None) or []
            first = items[0] if isinstance(items, list) and items else {}
            url = str(first.get("article_url", "")) if isinstance(first, dict) else ""
            return PublicationLookup(
                state="published", external_id=str(status.get("article_id") or publish_id),
                url=url,
            )
        if publish_status in PUBLISH_FAILED:
            return PublicationLookup(
                state="failed", external_id=publish_id, error_code=str(publish_status)
            )
        # 1 = still publishing; anything undocumented: not known yet.
        return PublicationLookup(state="pending", external_id=publish_id)

    def _publish_status(self, publish_id: str, memo_key: str) -> PublishResult:
        """Where a submitted publication stands; never raises a retryable error.

        The publication is already submitted: an error here must not make the
        caller retry (and submit twice), so an unreadable status is "pending"
        with the job id, which ``lookup_publication`` resolves later.
        """
        try:
            found = self._job_status(publish_id)
        except ConnectorError as exc:
            logger.warning(
                "WeChat publish status unknown app_id=%s publish_id=%s error=%s",
                self.app_id, publish_id, type(exc).__name__,
            )
            return PublishResult(external_id=publish_id, url="", pending=True)
        if found.state == "published":
            return PublishResult(external_id=found.external_id, url=found.url)
        if found.state == "failed":
            # WeChat will not publish this job: a person's retry starts afresh.
            cache.delete(memo_key)
            raise PermanentConnectorError(
                f"WeChat refused to publish (publish_status {found.error_code}).",
                code=found.error_code,
            )
        return PublishResult(external_id=publish_id, url="", pending=True)

    def lookup_publication(
        self,
        *,
        client_key: str,
        pending_ref: str = "",
        title: str = "",
        since: datetime.datetime | None = None,
    ) -> PublicationLookup:
        """The job ``pending_ref`` (or the one remembered for ``client_key``) through
        ``freepublish/get``, else a recent article titled ``title`` through
        ``freepublish/batchget``. Read-only: nothing is drafted or submitted."""
        ref = pending_ref
        memo_key = ""
        if client_key:
            memo_key = self._publish_memo_key(
                PublishContent(title="", body="", client_key=client_key)
            )
            ref = ref or str((cache.get(memo_key) or {}).get("publish_id") or "")
        if ref:
            try:
                found = self._job_status(ref)
            except PermanentConnectorError as exc:
                # An unknown or foreign job id: the title may still find the article.
                logger.info("WeChat job %s not readable (errcode %s)", ref, exc.code)
            else:
                if found.state == "failed" and memo_key:
                    cache.delete(memo_key)
                # A job still publishing is not in the article list yet either.
                return found
        if not title:
            return PublicationLookup(state="not_found")
        return self._find_article(title=title[:64], since=since)

    def _find_article(self, *, title: str, since: datetime.datetime | None) -> PublicationLookup:
        """The most recent published article with this title, newest pages first."""
        since_ts = int(since.timestamp()) if since is not None else 0
        offset = 0
        for _page in range(BATCH_MAX_PAGES):
            data = self._call(
                "POST", "/cgi-bin/freepublish/batchget",
                payload={"offset": offset, "count": BATCH_PAGE, "no_content": 1},
            )
            items = data.get("item") or []
            older = False
            for item in items:
                updated = int(item.get("update_time") or 0)
                if updated and updated < since_ts:
                    older = True
                    continue
                news = ((item.get("content") or {}).get("news_item")) or []
                for article in news:
                    if article.get("title") == title and not article.get("is_deleted"):
                        return PublicationLookup(
                            state="published", external_id=str(item.get("article_id", "")),
                            url=str(article.get("url", "")),
                        )
            offset += len(items)
            if not items or older or offset >= int(data.get("total_count") or 0):
                break
        return PublicationLookup(state="not_found")

    # -- metrics -----------------------------------------------------------------
    def latest_data_day(self) -> datetime.date:
        """The newest day WeChat's datacube serves: yesterday from 08:00 Beijing time."""
        here = timezone.localtime(self._now(), WECHAT_ZONE)
        back = 1 if here.hour >= DATA_READY_HOUR else 2
        return here.date() - datetime.timedelta(days=back)

    def _days(self, since: datetime.date, window: int) -> list[datetime.date]:
        latest = self.latest_data_day()
        start = max(since, latest - datetime.timedelta(days=window - 1))
        return [start + datetime.timedelta(days=n) for n in range((latest - start).days + 1)]

    def _article_summaries(self, since: datetime.date) -> list[dict]:
        rows: list[dict] = []
        # getarticlesummary serves one day per call.
        for day in self._days(since, ARTICLE_WINDOW_DAYS):
            stamp = day.isoformat()
            data = self._call(
                "POST", "/datacube/getarticlesummary",
                payload={"begin_date": stamp, "end_date": stamp},
            )
            rows.extend(data.get("list") or [])
        return rows

    def fetch_metrics(self, account, since: datetime.date) -> list[MetricPoint]:
        """Per-article reads and shares (the last seven days of data) and new followers
        (the last 30), from ``since`` to the newest day WeChat serves."""
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
        days = self._days(since, USER_WINDOW_DAYS)
        for offset in range(0, len(days), USER_SPAN_DAYS):
            chunk = days[offset : offset + USER_SPAN_DAYS]
            data = self._call(
                "POST", "/datacube/getusersummary",
                payload={"begin_date": chunk[0].isoformat(), "end_date": chunk[-1].isoformat()},
            )
            gained: dict[datetime.date, float] = {}
            # One row per day and source of the new followers (search, QR code...).
            for row in data.get("list") or []:
                day = datetime.date.fromisoformat(row["ref_date"])
                gained[day] = gained.get(day, 0) + float(row.get("new_user", 0))
            points.extend(
                MetricPoint(day, str(Metric.FOLLOWERS_GAINED), value)
                for day, value in sorted(gained.items())
            )
        return points

    # -- interactions --------------------------------------------------------------
    def _comments(self, msgid: str, since: datetime.datetime) -> list[Interaction]:
        msg_data_id, _, position = msgid.partition("_")
        index = _article_index(position)
        found: list[Interaction] = []
        begin = 0
        while True:
            try:
                data = self._call(
                    "POST", "/cgi-bin/comment/list",
                    payload={"msg_data_id": int(msg_data_id), "index": index,
                             "begin": begin, "count": COMMENTS_PAGE, "type": 0},
                )
            except PermanentConnectorError as exc:
                if exc.code != COMMENTS_CLOSED:
                    raise
                # Comments are closed on this article: nothing to read there.
                return found
            comments = data.get("comment") or []
            for comment in comments:
                created = datetime.datetime.fromtimestamp(
                    int(comment.get("create_time", 0)), tz=datetime.UTC
                )
                if created < since:
                    continue
                openid = str(comment.get("openid", ""))
                found.append(
                    Interaction(
                        external_id=f"{msgid}:{comment['user_comment_id']}",
                        kind="comment",
                        text=comment.get("content", ""),
                        # The comment API gives no nickname: the openid stands in.
                        author=openid,
                        author_id=openid,
                        created_at=created,
                        post_id=msg_data_id,
                        post_index=index,
                        replied=bool(comment.get("reply")),
                    )
                )
            begin += len(comments)
            if not comments or begin >= int(data.get("total", 0)):
                return found

    def fetch_interactions(self, account, since: datetime.datetime) -> list[Interaction]:
        """Comments made since ``since`` on recently read articles (msgid = msg_data_id_index).

        Private messages reach the product through WeChat's message push, not here.
        """
        # Comments keep arriving on older articles: look for articles over at
        # least the last week, then keep only comments made since ``since``.
        discover_from = min(
            timezone.localdate(since, WECHAT_ZONE),
            self.latest_data_day() - datetime.timedelta(days=COMMENT_LOOKBACK_DAYS),
        )
        msgids = dict.fromkeys(
            str(row["msgid"]) for row in self._article_summaries(discover_from)
            if row.get("msgid")
        )
        found = []
        for msgid in msgids:
            found.extend(self._comments(msgid, since))
        return found

    def reply(self, interaction: Interaction, text: str) -> ReplyResult:
        """A comment reply (comment/reply/add) or, for a private message, a
        customer-service message (message/custom/send, 48-hour window). Each is sent once."""
        if not text.strip():
            raise PermanentConnectorError("A reply needs text.")
        if interaction.kind == "message":
            if not interaction.author_id:
                raise PermanentConnectorError("A WeChat message reply needs the user's openid.")
            self._call(
                "POST", "/cgi-bin/message/custom/send",
                payload={"touser": interaction.author_id, "msgtype": "text",
                         "text": {"content": text}},
                mutating=True,
            )
            return ReplyResult(
                external_id=f"{interaction.external_id}:reply", replied_at=timezone.now()
            )
        msgid, _, comment_id = interaction.external_id.rpartition(":")
        if interaction.post_id.isdigit():
            msg_data_id, index = interaction.post_id, interaction.post_index
        else:
            msg_data_id, _, position = msgid.partition("_")
            index = _article_index(position)
        if not (msg_data_id.isdigit() and comment_id.isdigit()):
            raise PermanentConnectorError("Not a WeChat comment id.")
        self._call(
            "POST", "/cgi-bin/comment/reply/add",
            payload={"msg_data_id": int(msg_data_id), "index": index,
                     "user_comment_id": int(comment_id), "content": text},
            mutating=True,
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

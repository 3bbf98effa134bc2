"""Sandbox connector: a simulated platform, named as such everywhere.

It never talks to a platform. It behaves like a real one that does NOT
de-duplicate: every ``publish`` call adds a post (a ``platforms.SandboxPost``
row with a generated external id), so a publication posted twice shows as two
rows with one ``client_key``; ``lookup_publication`` finds posts by that key,
read-only. Metrics and interactions are derived from the account id (and the
account's sandbox posts), so the same account shows the same history on every
run: daily curves with a weekly rhythm, slow growth and noise for every count
and money metric of the catalogue, per-post curves that fade after a week, and
Chinese comments and private messages of mixed sentiment.

Behaviour is steered per account through its credentials dict (for tests and
the benchmark):

- ``{"fail": "timeout_before_post"}`` — publish raises ``OutcomeUnknownError``
  and nothing is posted; ``"timeout_after_post"`` — the post is made, then
  ``OutcomeUnknownError`` (the answer was lost);
- ``{"fail": "rate_limited" | "auth" | "permanent"}`` — every call raises the
  transient, auth or permanent error;
- ``{"fail": "refuse_post"}`` — publish raises ``PermanentConnectorError`` (the
  platform's review refuses the post); every other call works;
- ``{"fail": "no_answer"}`` — publish loses its answer before anything is posted
  (``OutcomeUnknownError``) and lookups answer "pending": the platform never
  says what became of the post, so its outcome stays open for a person;
- ``{"fail": "reply_window_closed"}`` — replies raise ``ReplyWindowClosedError``;
- ``{"latency_ms": N}`` — a publish takes N ms, half before the post is
  written and half after, as a real round trip does.

The older ``"sandbox_fail"`` key (in the credentials, or in
``PublishContent.extra`` for one call) with ``"auth"``, ``"transient"`` or
``"permanent"`` still works.

A post is written in the caller's database transaction: publish from outside
one (as the publishing task does) so the post stays whatever the caller does next.
"""

import datetime
import hashlib
import math
import random
import time
import uuid

from django.utils import timezone
from django.utils.translation import gettext as _

from ..metrics import Metric
from .base import (
    AuthConnectorError,
    Connector,
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
)

VIDEO_PLATFORMS = {"douyin", "bilibili", "wechat_channels", "kuaishou"}
MAX_DAYS = 120
# A post's own metrics are produced for this many days after it went out.
POST_METRIC_DAYS = 7
# Comments land on the latest post at most this old, else on an older, simulated one.
POST_COMMENT_DAYS = 7
BASE_URL = "https://sandbox.campaignops.invalid"

POSITIVE = (
    "太喜欢这个了，已经推荐给朋友！",
    "质量很好，物流也快，好评👍",
    "这期内容干货满满，收藏了",
    "终于等到新品了，冲！",
    "客服态度很好，耐心解答问题",
)
NEGATIVE = (
    "收到的货有破损，很失望",
    "价格比上次贵了，有点不划算",
    "广告太多了，内容越来越水",
    "等了一周还没发货，怎么回事？",
    "用了两天就坏了，要求退货",
)
QUESTIONS = (
    "请问什么时候补货？",
    "这个适合敏感肌吗？",
    "有没有优惠券可以领？",
    "支持全国包邮吗？",
    "直播是几点开始？",
)
NICKNAMES = ("小鱼", "阿杰", "晴天", "木子", "橙子酱", "老王", "Lily", "大白", "星星", "糖糖")

# The steering values of ``credentials["fail"]``.
FAIL_TIMEOUT_BEFORE_POST = "timeout_before_post"
FAIL_TIMEOUT_AFTER_POST = "timeout_after_post"
FAIL_RATE_LIMITED = "rate_limited"
FAIL_AUTH = "auth"
FAIL_PERMANENT = "permanent"
FAIL_REPLY_WINDOW_CLOSED = "reply_window_closed"
FAIL_REFUSE_POST = "refuse_post"
FAIL_NO_ANSWER = "no_answer"
FAIL_MODES = (
    FAIL_TIMEOUT_BEFORE_POST, FAIL_TIMEOUT_AFTER_POST, FAIL_RATE_LIMITED, FAIL_AUTH,
    FAIL_PERMANENT, FAIL_REPLY_WINDOW_CLOSED, FAIL_REFUSE_POST, FAIL_NO_ANSWER,
)
# Failures every call raises, and the older "sandbox_fail" names of them.
EVERY_CALL = {
    FAIL_RATE_LIMITED: (TransientConnectorError, "sandbox-rate-limited"),
    FAIL_AUTH: (AuthConnectorError, "sandbox-auth"),
    FAIL_PERMANENT: (PermanentConnectorError, "sandbox-permanent"),
}
LEGACY = {"transient": FAIL_RATE_LIMITED, "auth": FAIL_AUTH, "permanent": FAIL_PERMANENT}


def _rng(*parts: object) -> random.Random:
    digest = hashlib.sha256(":".join(map(str, parts)).encode()).hexdigest()
    return random.Random(int(digest[:16], 16))  # noqa: S311 - simulation, not security


def _legacy_mode(value: object) -> str:
    return LEGACY.get(str(value or ""), "")


class SandboxConnector(Connector):
    label = "Sandbox (simulated)"
    is_sandbox = True

    def __init__(self, account, credentials: dict | None = None) -> None:
        self.account = account
        self.credentials = credentials or {}

    # -- steering ------------------------------------------------------------
    @property
    def fail_mode(self) -> str:
        mode = str(self.credentials.get("fail") or "")
        if mode in FAIL_MODES:
            return mode
        return _legacy_mode(self.credentials.get("sandbox_fail"))

    @property
    def latency(self) -> float:
        try:
            milliseconds = float(self.credentials.get("latency_ms") or 0)
        except (TypeError, ValueError):
            return 0.0
        return max(0.0, min(milliseconds, 60_000.0)) / 1000

    def _maybe_fail(self, mode: str | None = None) -> None:
        mode = mode or self.fail_mode
        if mode in EVERY_CALL:
            error, code = EVERY_CALL[mode]
            raise error(f"Sandbox simulated a {mode} failure.", code=code)

    @property
    def _platform_code(self) -> str:
        return self.account.platform.code

    def _base_level(self) -> float:
        # Each account gets its own audience size, 2 000–40 000 daily reads.
        return _rng("level", self.account.pk).uniform(2000, 40000)

    def _posts(self):
        from ..models import SandboxPost

        return SandboxPost.objects.filter(account_id=self.account.pk)

    # -- publishing ------------------------------------------------------------
    def publish(self, content: PublishContent) -> PublishResult:
        from ..models import SandboxPost

        self._maybe_fail(_legacy_mode(content.extra.get("sandbox_fail")))
        mode = self.fail_mode
        self._maybe_fail(mode)
        if not (content.title.strip() or content.body.strip()):
            raise PermanentConnectorError("Sandbox refuses an empty post.", code="sandbox-empty")
        if mode == FAIL_REFUSE_POST:
            raise PermanentConnectorError(
                "Sandbox simulated the platform refusing the post.", code="sandbox-refused"
            )
        time.sleep(self.latency / 2)
        if mode in (FAIL_TIMEOUT_BEFORE_POST, FAIL_NO_ANSWER):
            raise OutcomeUnknownError(
                "Sandbox simulated a timeout before the post was made.", code="sandbox-timeout"
            )
        external_id = f"sbx-{self.account.pk}-{uuid.uuid4().hex[:16]}"
        post = SandboxPost.objects.create(
            account_id=self.account.pk, external_id=external_id,
            url=f"{BASE_URL}/{self._platform_code}/{external_id}",
            client_key=content.client_key[:64], title=(content.title or content.body)[:300],
        )
        time.sleep(self.latency / 2)
        if mode == FAIL_TIMEOUT_AFTER_POST:
            raise OutcomeUnknownError(
                "Sandbox simulated a timeout after the post was made.", code="sandbox-timeout"
            )
        return PublishResult(external_id=post.external_id, url=post.url)

    def lookup_publication(
        self,
        *,
        client_key: str,
        pending_ref: str = "",
        title: str = "",
        since: datetime.datetime | None = None,
    ) -> PublicationLookup:
        """The earliest sandbox post with this client key (else the pending ref, else the
        title since ``since``); read-only."""
        self._maybe_fail()
        if self.fail_mode == FAIL_NO_ANSWER:
            return PublicationLookup(state="pending")
        posts = self._posts()
        if client_key:
            posts = posts.filter(client_key=client_key[:64])
        elif pending_ref:
            posts = posts.filter(external_id=pending_ref)
        elif title:
            posts = posts.filter(title=title[:300])
            if since is not None:
                posts = posts.filter(created_at__gte=since)
        else:
            return PublicationLookup(state="not_found")
        post = posts.order_by("created_at", "pk").first()
        if post is None:
            return PublicationLookup(state="not_found")
        return PublicationLookup(state="published", external_id=post.external_id, url=post.url)

    # -- metrics ---------------------------------------------------------------
    def _views_metric(self) -> str:
        return str(Metric.PLAYS if self._platform_code in VIDEO_PLATFORMS else Metric.READS)

    def _day_points(self, day: datetime.date, base: float, views_metric: str) -> list[MetricPoint]:
        rng = _rng("day", self.account.pk, day.isoformat())
        age = (day - datetime.date(2024, 1, 1)).days
        # Reads peak mid-week and dip on Sundays; audiences grow slowly.
        weekly = 1 + 0.25 * math.sin(2 * math.pi * (day.weekday() - 1) / 7)
        trend = 1 + 0.002 * age
        views = base * weekly * trend * rng.uniform(0.75, 1.3)
        impressions = views * rng.uniform(4, 9)
        likes = views * rng.uniform(0.025, 0.06)
        shares = views * rng.uniform(0.006, 0.018)
        comments = views * rng.uniform(0.002, 0.006)
        clicks = views * rng.uniform(0.02, 0.05)
        followers = views * rng.uniform(0.002, 0.008)
        conversions = clicks * rng.uniform(0.02, 0.08)
        registrations = conversions * rng.uniform(0.3, 0.6)
        leads = conversions * rng.uniform(0.5, 1.2)
        shop = self.account.platform.category == "ecommerce"
        orders = conversions * (rng.uniform(0.6, 0.9) if shop else rng.uniform(0.1, 0.3))
        units = orders * rng.uniform(1.0, 1.8)
        price = rng.uniform(60, 260)
        values = (
            (Metric.IMPRESSIONS, round(impressions)),
            (views_metric, round(views)),
            (Metric.CLICKS, round(clicks)),
            (Metric.LIKES, round(likes)),
            (Metric.SHARES, round(shares)),
            (Metric.COMMENTS, round(comments)),
            (Metric.INTERACTIONS, round(likes) + round(shares) + round(comments)),
            (Metric.FOLLOWERS_GAINED, round(followers)),
            (Metric.CONVERSIONS, round(conversions)),
            (Metric.REGISTRATIONS, round(registrations)),
            (Metric.LEADS, round(leads)),
            (Metric.ORDERS, round(orders)),
            (Metric.UNITS_SOLD, round(units)),
            # Money keeps its fen.
            (Metric.REVENUE, round(round(orders) * price, 2)),
        )
        return [MetricPoint(date=day, metric=str(m), value=float(v)) for m, v in values]

    def _post_points(
        self, post, start: datetime.date, today: datetime.date, base: float, views_metric: str
    ) -> list[MetricPoint]:
        posted = timezone.localdate(post.created_at)
        scale = _rng("post", post.external_id).uniform(0.2, 0.8) * base
        points = []
        for offset in range(POST_METRIC_DAYS):
            day = posted + datetime.timedelta(days=offset)
            if day < start or day >= today:
                continue
            rng = _rng("post-day", post.external_id, day.isoformat())
            # Most reads come on the first days, then the post fades.
            views = round(scale * math.exp(-0.7 * offset) * rng.uniform(0.8, 1.2))
            for metric, value in (
                (views_metric, views),
                (str(Metric.LIKES), round(views * rng.uniform(0.025, 0.06))),
                (str(Metric.SHARES), round(views * rng.uniform(0.006, 0.018))),
                (str(Metric.COMMENTS), round(views * rng.uniform(0.002, 0.006))),
            ):
                points.append(
                    MetricPoint(date=day, metric=metric, value=float(value),
                                post_id=post.external_id)
                )
        return points

    def fetch_metrics(self, account, since: datetime.date) -> list[MetricPoint]:
        """Daily account-wide points for every day from ``since`` to yesterday (at most
        120 days back), then per-post points of the account's sandbox posts."""
        self._maybe_fail()
        today = timezone.localdate()
        start = max(since, today - datetime.timedelta(days=MAX_DAYS))
        views_metric = self._views_metric()
        base = self._base_level()
        points = []
        day = start
        while day < today:
            points.extend(self._day_points(day, base, views_metric))
            day += datetime.timedelta(days=1)
        earliest = datetime.datetime.combine(
            start - datetime.timedelta(days=POST_METRIC_DAYS), datetime.time(),
            tzinfo=timezone.get_current_timezone(),
        )
        for post in self._posts().filter(created_at__gte=earliest).order_by("created_at", "pk"):
            points.extend(self._post_points(post, start, today, base, views_metric))
        return points

    # -- interactions ------------------------------------------------------------
    def _author(self, rng: random.Random) -> tuple[str, str]:
        index = rng.randrange(len(NICKNAMES))
        return NICKNAMES[index], f"sbx-user-{self.account.pk}-{index}"

    def _text(self, rng: random.Random) -> str:
        pool = rng.choices((POSITIVE, NEGATIVE, QUESTIONS), weights=(5, 2, 3))[0]
        return rng.choice(pool)

    def fetch_interactions(self, account, since: datetime.datetime) -> list[Interaction]:
        """Comments and private messages made since ``since`` (at most 120 days back).

        Each day brings a few; a comment lands on the account's latest sandbox post
        of the last week when there is one, and every post draws its first
        comments in the hours after it went out.
        """
        self._maybe_fail()
        now = timezone.now()
        tz = timezone.get_current_timezone()
        start = max(since, now - datetime.timedelta(days=MAX_DAYS))
        posts = list(
            self._posts()
            .filter(created_at__gte=start - datetime.timedelta(days=POST_COMMENT_DAYS))
            .order_by("created_at", "pk")
        )
        found = []
        day = timezone.localtime(start, tz).date()
        while day <= timezone.localtime(now, tz).date():
            rng = _rng("comments", self.account.pk, day.isoformat())
            for index in range(rng.randint(2, 6)):
                text = self._text(rng)
                author, author_id = self._author(rng)
                created = datetime.datetime.combine(
                    day, datetime.time(rng.randint(8, 22), rng.randint(0, 59)), tzinfo=tz
                )
                is_message = rng.random() < 0.2
                if created < since or created > now:
                    continue
                if is_message:
                    found.append(Interaction(
                        external_id=f"sbx-m-{self.account.pk}-{day:%Y%m%d}-{index}",
                        kind="message", text=text, author=author, author_id=author_id,
                        created_at=created,
                    ))
                    continue
                post_id = f"sbx-{self.account.pk}-post-{day:%Y%m%d}"
                recent = [
                    p for p in posts
                    if p.created_at <= created
                    and created - p.created_at <= datetime.timedelta(days=POST_COMMENT_DAYS)
                ]
                if recent:
                    post_id = recent[-1].external_id
                found.append(Interaction(
                    external_id=f"sbx-c-{self.account.pk}-{day:%Y%m%d}-{index}",
                    kind="comment", text=text, author=author, author_id=author_id,
                    created_at=created, post_id=post_id,
                ))
            day += datetime.timedelta(days=1)
        for post in posts:
            rng = _rng("post-comments", post.external_id)
            # The first reaction comes at once, the others within six hours.
            offsets = [0] + sorted(rng.randint(1, 360) for _ in range(rng.randint(0, 3)))
            for index, minutes in enumerate(offsets):
                created = post.created_at + datetime.timedelta(minutes=minutes)
                text = self._text(rng)
                author, author_id = self._author(rng)
                if created < since or created > now:
                    continue
                found.append(Interaction(
                    external_id=f"sbx-pc-{post.external_id}-{index}",
                    kind="comment", text=text, author=author, author_id=author_id,
                    created_at=created, post_id=post.external_id,
                ))
        found.sort(key=lambda i: (i.created_at, i.external_id))
        return found

    def reply(self, interaction: Interaction, text: str) -> ReplyResult:
        mode = self.fail_mode
        self._maybe_fail(mode)
        if mode == FAIL_REPLY_WINDOW_CLOSED:
            raise ReplyWindowClosedError(
                "Sandbox simulated a closed reply window.", code="45015"
            )
        if not text.strip():
            raise PermanentConnectorError("A reply needs text.")
        return ReplyResult(external_id=f"{interaction.external_id}-reply", replied_at=timezone.now())

    def health_check(self) -> HealthResult:
        self._maybe_fail()
        return HealthResult(
            ok=True,
            # Translated when called: the page shows it right away.
            detail=_("Sandbox connector: simulated data, no platform is contacted."),
            token_expires_at=timezone.now() + datetime.timedelta(hours=2),
        )

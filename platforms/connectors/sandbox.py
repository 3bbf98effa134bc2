"""Sandbox connector: a deterministic simulator, named as such everywhere.

It never talks to a platform. Everything it returns is derived from the
account id, so the same account shows the same history on every run: daily
curves with a weekly rhythm, slow growth and noise for reads (or plays on
video platforms), likes, shares, followers and conversions, and Chinese
comments of mixed sentiment (praise, complaints, questions). Used by the demo
data and the test-suite; a real connector sits beside it
(``wechat_official_account``).

For tests of failure handling, ``PublishContent.extra["sandbox_fail"]`` set to
``"auth"``, ``"transient"`` or ``"permanent"`` raises that error, and so does a
``"sandbox_fail"`` key in the account's credentials for every call.
"""

import datetime
import hashlib
import math
import random

from django.utils import timezone
from django.utils.translation import gettext as _

from ..metrics import Metric
from .base import (
    AuthConnectorError,
    Connector,
    HealthResult,
    Interaction,
    MetricPoint,
    PermanentConnectorError,
    PublishContent,
    PublishResult,
    ReplyResult,
    TransientConnectorError,
)

VIDEO_PLATFORMS = {"douyin", "bilibili", "wechat_channels"}
MAX_DAYS = 120

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

FAILURES = {
    "auth": AuthConnectorError,
    "transient": TransientConnectorError,
    "permanent": PermanentConnectorError,
}


def _rng(*parts: object) -> random.Random:
    digest = hashlib.sha256(":".join(map(str, parts)).encode()).hexdigest()
    return random.Random(int(digest[:16], 16))  # noqa: S311 - simulation, not security


class SandboxConnector(Connector):
    label = "Sandbox (simulated)"
    is_sandbox = True

    def __init__(self, account, credentials: dict | None = None) -> None:
        self.account = account
        self.credentials = credentials or {}

    # -- helpers -------------------------------------------------------------
    def _maybe_fail(self, requested: str | None = None) -> None:
        mode = requested or self.credentials.get("sandbox_fail")
        if mode in FAILURES:
            raise FAILURES[mode](f"Sandbox simulated a {mode} failure.", code=f"sandbox-{mode}")

    @property
    def _platform_code(self) -> str:
        return self.account.platform.code

    def _base_level(self) -> float:
        # Each account gets its own audience size, 2 000–40 000 daily reads.
        return _rng("level", self.account.pk).uniform(2000, 40000)

    # -- interface -----------------------------------------------------------
    def publish(self, content: PublishContent) -> PublishResult:
        self._maybe_fail(content.extra.get("sandbox_fail"))
        key = hashlib.sha256(
            f"{self.account.pk}:{content.title}:{content.body}".encode()
        ).hexdigest()[:16]
        external_id = f"sbx-{self.account.pk}-{key}"
        return PublishResult(
            external_id=external_id,
            url=f"https://sandbox.campaignops.invalid/{self._platform_code}/{external_id}",
        )

    def fetch_metrics(self, account, since: datetime.date) -> list[MetricPoint]:
        self._maybe_fail()
        today = timezone.localdate()
        start = max(since, today - datetime.timedelta(days=MAX_DAYS))
        views_metric = Metric.PLAYS if self._platform_code in VIDEO_PLATFORMS else Metric.READS
        base = self._base_level()
        points = []
        day = start
        while day < today:
            rng = _rng("day", self.account.pk, day.isoformat())
            age = (day - datetime.date(2024, 1, 1)).days
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
            for metric, value in (
                (Metric.IMPRESSIONS, impressions),
                (views_metric, views),
                (Metric.CLICKS, clicks),
                (Metric.LIKES, likes),
                (Metric.SHARES, shares),
                (Metric.COMMENTS, comments),
                (Metric.FOLLOWERS_GAINED, followers),
                (Metric.CONVERSIONS, conversions),
            ):
                points.append(MetricPoint(date=day, metric=str(metric), value=float(round(value))))
            day += datetime.timedelta(days=1)
        return points

    def fetch_interactions(self, account, since: datetime.datetime) -> list[Interaction]:
        self._maybe_fail()
        now = timezone.now()
        tz = timezone.get_current_timezone()
        start = max(since, now - datetime.timedelta(days=MAX_DAYS))
        day = timezone.localtime(start, tz).date()
        found = []
        while day <= timezone.localtime(now, tz).date():
            rng = _rng("comments", self.account.pk, day.isoformat())
            for index in range(rng.randint(2, 6)):
                pool = rng.choices((POSITIVE, NEGATIVE, QUESTIONS), weights=(5, 2, 3))[0]
                created = datetime.datetime.combine(
                    day, datetime.time(rng.randint(8, 22), rng.randint(0, 59)), tzinfo=tz
                )
                if created < since or created > now:
                    continue
                found.append(
                    Interaction(
                        external_id=f"sbx-c-{self.account.pk}-{day:%Y%m%d}-{index}",
                        kind="comment",
                        text=rng.choice(pool),
                        author=rng.choice(NICKNAMES),
                        created_at=created,
                        post_id=f"sbx-{self.account.pk}-post-{day:%Y%m%d}",
                    )
                )
            day += datetime.timedelta(days=1)
        return found

    def reply(self, interaction: Interaction, text: str) -> ReplyResult:
        self._maybe_fail()
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

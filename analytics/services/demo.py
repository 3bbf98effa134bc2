"""Demo data: metric histories that reproduce the spec's example figures (S4.2).

- the running WeChat OA campaign is behind pace: its click rate fell after the
  teasers, the diagnosis says so with the numbers, and an action is planned;
- its earlier edition (closed) had 100,000 reads in its promotion week, 5 %
  conversion and 10,000 new followers (S4.2.1);
- last month's Douyin short videos (closed) had 500,000 plays, 3 % conversion
  and 20,000 new followers (S4.2.1);
- the earlier JD flash sale (closed) sold 30 % more units at a 15 % higher
  average order value, 20 % more revenue, than the week before (S4.2.2);
- the Taobao live stream sold 11,200 units at 8.5 % conversion (S4.2.2).

The demo's own Douyin and JD campaigns start in the future, so the S4.2
figures of those platforms live on closed earlier editions this seeder adds.
Metrics go in through the store like any import; everything is looked up
before it is written, so seeding twice changes nothing.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.contrib.auth.models import User
from django.utils import timezone

from campaigns.content.models import ContentItem
from campaigns.planning.demo import _seed_campaign
from campaigns.planning.models import Campaign, CampaignStatus, Objective, PhaseKind
from platforms.models import PlatformAccount
from teams.demo import DemoContext

from ..models import FindingKind, MetricSource, OptimisationAction
from .diagnosis import campaign_diagnose
from .optimisation import action_create
from .reviews import (
    evaluation_report_write,
    phase_review_summarise,
    phase_review_write,
    report_week,
)
from .store import STORED_METRICS, PointIn, points_upsert

D = Decimal
DAY = datetime.timedelta(days=1)

RUNNING_WECHAT = "微信公众号品牌故事周"
TAOBAO_LIVE = "淘宝直播专场"
EARLIER_WECHAT = "微信公众号品牌故事周（首期）"
EARLIER_DOUYIN = "抖音短视频种草月（上月）"
EARLIER_JD = "京东限时折扣周（上期）"


def _earlier_campaigns(today: datetime.date) -> list[dict]:
    """Closed earlier editions, in the planning demo's campaign spec format."""
    # The JD sale week runs Monday to Sunday, so the weekly report compares whole weeks.
    last_monday = today - (today.weekday() + 7) * DAY
    jd_promotion = last_monday - 21 * DAY
    return [
        {
            "name": EARLIER_WECHAT,
            "description": "S4.2.1：公众号图文一周阅读 10 万，转化率 5%，新增粉丝 1 万。",
            "objective": Objective.AWARENESS, "platform": "wechat_oa",
            "status": CampaignStatus.CLOSED, "start": -70, "budget": D("60000"),
            "phases": [(PhaseKind.PRODUCTION, 7), (PhaseKind.PROMOTION, 7),
                       (PhaseKind.EVALUATION, 3)],
            "goals": [("一周内公众号阅读 10 万、转化率 5%、新增粉丝 1 万", Objective.AWARENESS, [
                {"metric": "reads", "baseline": D("40000"), "target": D("100000"),
                 "achieved": D("100000")},
                {"metric": "conversion_rate", "baseline": D("0.03"), "target": D("0.05"),
                 "achieved": D("0.05")},
                {"metric": "followers_gained", "baseline": D("4000"), "target": D("10000"),
                 "achieved": D("10000")},
            ])],
            "milestones": [], "audience": (["25-34", "35-44"], "any", ["brand", "lifestyle"]),
        },
        {
            "name": EARLIER_DOUYIN,
            "description": "S4.2.1：抖音短视频一个月播放 50 万，转化率 3%，新增粉丝 2 万。",
            "objective": Objective.AWARENESS, "platform": "douyin",
            "status": CampaignStatus.CLOSED, "start": -110, "budget": D("120000"),
            "phases": [(PhaseKind.PRODUCTION, 5), (PhaseKind.PROMOTION, 30),
                       (PhaseKind.EVALUATION, 5)],
            "goals": [("一个月播放 50 万、转化率 3%、新增粉丝 2 万", Objective.AWARENESS, [
                {"metric": "plays", "baseline": D("200000"), "target": D("500000"),
                 "achieved": D("500000")},
                {"metric": "conversion_rate", "baseline": D("0.02"), "target": D("0.03"),
                 "achieved": D("0.03")},
                {"metric": "followers_gained", "baseline": D("8000"), "target": D("20000"),
                 "achieved": D("20000")},
            ])],
            "milestones": [], "audience": (["18-24", "25-34"], "any", ["gaming", "beauty"]),
        },
        {
            "name": EARLIER_JD,
            "description": "S4.2.2：京东限时折扣一周，销量提升 30%，客单价提升 15%，总销售额提升 20%。",
            "objective": Objective.SALES, "platform": "jd",
            "status": CampaignStatus.CLOSED,
            # The sale week alone is the KPIs' window; the week before it is the
            # shop's baseline export, dated before the campaign.
            "start": (jd_promotion - today).days, "budget": D("100000"),
            "phases": [(PhaseKind.PROMOTION, 7), (PhaseKind.EVALUATION, 3)],
            "goals": [("限时折扣一周销量 +30%、客单价 +15%、销售额 +20%", Objective.SALES, [
                {"metric": "units_sold", "baseline": D("2000"), "percent": D("30"),
                 "achieved": D("2600")},
                {"metric": "aov", "baseline": D("180"), "percent": D("15"),
                 "achieved": D("206.9957")},
                {"metric": "revenue", "baseline": D("360000"), "percent": D("20"),
                 "achieved": D("432000")},
            ])],
            "milestones": [], "audience": (["25-34", "35-44"], "male", ["electronics"]),
        },
    ]


def _spread(total: int | Decimal, days: int, weights: list[int] | None = None) -> list[Decimal]:
    """``total`` over ``days`` days, by weights, whole units, summing exactly to ``total``."""
    weights = weights or [1] * days
    whole = sum(weights)
    values = [D(int(D(total) * w / whole)) for w in weights]
    values[-1] += D(total) - sum(values)
    return values


def _account(team_id: int, code: str) -> PlatformAccount | None:
    return PlatformAccount.objects.filter(team_id=team_id, platform__code=code).order_by("pk").first()


class _Points:
    """Collects a campaign's points; content items, when the campaign has some, share them."""

    def __init__(self, campaign: Campaign, account: PlatformAccount) -> None:
        self.campaign, self.account = campaign, account
        self.items = list(
            ContentItem.objects.filter(campaign=campaign).order_by("pk").values_list("pk", flat=True)
        )[:3]
        self.points: list[PointIn] = []

    def day(self, day: datetime.date, **metrics) -> None:
        for metric, value in metrics.items():
            if metric not in STORED_METRICS or value is None:
                continue  # e.g. "spend" until the catalogue has it
            value = D(value)
            if not self.items or metric in ("followers_gained", "orders", "units_sold", "revenue"):
                self.points.append(PointIn(self.campaign.pk, self.account.pk, day, metric, value))
                continue
            # Per piece of content, so the dashboard can rank the content: 50/30/20.
            shares = _spread(value, len(self.items), [5, 3, 2][: len(self.items)])
            for item_id, share in zip(self.items, shares, strict=True):
                self.points.append(PointIn(self.campaign.pk, self.account.pk, day, metric,
                                           share, content_item_id=item_id))

    def save(self) -> None:
        points_upsert(points=self.points, source=MetricSource.IMPORT)


def _running_wechat(campaign: Campaign, today: datetime.date) -> None:
    """Behind pace: teasers clicked well, the promotion week's articles far less."""
    wechat = _account(campaign.team_id, "wechat_oa")
    douyin = _account(campaign.team_id, "douyin")
    if wechat is None:
        return
    points = _Points(campaign, wechat)
    elapsed = (today - campaign.start_date).days
    for offset in range(elapsed):
        day = campaign.start_date + offset * DAY
        if offset < 3:  # teasers
            reads, clicks = 3000, 300
        elif day < today - 3 * DAY:  # the rest of production
            reads, clicks = 4000, 200
        else:  # the promotion week so far
            reads, clicks = 12000, 480
        points.day(day, reads=reads, clicks=clicks, conversions=clicks // 20,
                   followers_gained=reads // 12, likes=reads // 25, shares=reads // 60,
                   comments=reads // 150, spend=D(reads) * D("0.35"))
    points.save()
    if douyin is not None:
        video = _Points(campaign, douyin)
        for offset in range(max(elapsed - 5, 0), elapsed):
            day = campaign.start_date + offset * DAY
            video.day(day, plays=6000, clicks=240, conversions=2, followers_gained=90,
                      likes=300, spend=D("1800"))
        video.save()


def _earlier_wechat(campaign: Campaign) -> None:
    account = _account(campaign.team_id, "wechat_oa")
    if account is None:
        return
    points = _Points(campaign, account)
    promotion = campaign.start_date + 7 * DAY
    reads = _spread(100_000, 7, [22, 18, 15, 13, 12, 10, 10])
    clicks = _spread(20_000, 7, [22, 18, 15, 13, 12, 10, 10])
    conversions = _spread(1_000, 7, [22, 18, 15, 13, 12, 10, 10])
    followers = _spread(10_000, 7, [22, 18, 15, 13, 12, 10, 10])
    for i in range(7):
        points.day(promotion + i * DAY, reads=reads[i], clicks=clicks[i],
                   conversions=conversions[i], followers_gained=followers[i],
                   spend=reads[i] * D("0.3"))
    points.save()


def _earlier_douyin(campaign: Campaign) -> None:
    account = _account(campaign.team_id, "douyin")
    if account is None:
        return
    points = _Points(campaign, account)
    promotion = campaign.start_date + 5 * DAY
    weights = [8 + (i % 7) for i in range(30)]
    plays = _spread(500_000, 30, weights)
    clicks = _spread(40_000, 30, weights)
    conversions = _spread(1_200, 30, weights)
    followers = _spread(20_000, 30, weights)
    for i in range(30):
        points.day(promotion + i * DAY, plays=plays[i], impressions=plays[i] * 3,
                   clicks=clicks[i], conversions=conversions[i], followers_gained=followers[i],
                   spend=plays[i] * D("0.2"))
    points.save()


def _earlier_jd(campaign: Campaign) -> None:
    """The sale week against the week before it (the shop's own export of that week)."""
    account = _account(campaign.team_id, "jd")
    if account is None:
        return
    points = _Points(campaign, account)
    sale = campaign.start_date
    before = sale - 7 * DAY
    weights = [12, 13, 14, 15, 16, 15, 15]
    for start, units, orders, revenue, clicks in (
        (before, 2000, 2000, D("360000"), 40_000),
        (sale, 2600, 2087, D("432000"), 46_000),
    ):
        u, o, r, c = (_spread(v, 7, weights) for v in (units, orders, revenue, clicks))
        for i in range(7):
            points.day(start + i * DAY, units_sold=u[i], orders=o[i], revenue=r[i], clicks=c[i],
                       conversions=o[i], impressions=c[i] * 12)
    points.save()


def _taobao_live(campaign: Campaign) -> None:
    account = _account(campaign.team_id, "taobao")
    if account is None:
        return
    points = _Points(campaign, account)
    live = campaign.start_date + 7 * DAY  # the one-day promotion phase
    points.day(live, impressions=600_000, clicks=60_000, conversions=5_100, orders=5_100,
               units_sold=11_200, revenue=D("996800"), likes=85_000, comments=12_000,
               spend=D("45000"))
    points.save()


def _diagnose_and_act(ctx: DemoContext, campaign: Campaign, today: datetime.date) -> None:
    findings = campaign_diagnose(campaign=campaign, today=today)
    finding = next((f for f in findings if f.kind == FindingKind.LOW_CTR), None)
    if finding is None or OptimisationAction.objects.filter(campaign=campaign).exists():
        return
    reads = next(
        (k for g in campaign.goals.all() for k in g.kpis.all() if k.metric == "reads"), None
    )
    actor = ctx.users.get("analyst") or ctx.users.get("manager")
    owner = ctx.users["marketer"]
    # seed_demo gives every role an auth User (DemoContext types them as AbstractBaseUser).
    assert isinstance(actor, User)
    assert isinstance(owner, User)
    action_create(
        actor=actor, campaign=campaign, finding=finding, kpi=reads,
        title="重写推文标题与封面，首屏突出福利",
        expected_effect="点击率回到 8% 以上，阅读量追上每日进度",
        owner=owner, due_date=today + 2 * DAY, window_days=3, today=today,
    )


def seed(ctx: DemoContext) -> None:
    today = timezone.localdate()
    owner = ctx.users["marketer"]
    approver = ctx.users.get("manager")
    for spec in _earlier_campaigns(today):
        _seed_campaign(ctx, ctx.team, owner, spec, approver)
    campaigns = {
        c.name: c for c in Campaign.objects.filter(team=ctx.team).prefetch_related(
            "goals__kpis", "phases"
        )
    }
    fillers = {
        RUNNING_WECHAT: lambda c: _running_wechat(c, today), EARLIER_WECHAT: _earlier_wechat,
        EARLIER_DOUYIN: _earlier_douyin, EARLIER_JD: _earlier_jd, TAOBAO_LIVE: _taobao_live,
    }
    for name, fill in fillers.items():
        campaign = campaigns.get(name)
        if campaign is not None:
            fill(campaign)
    for name in (RUNNING_WECHAT, TAOBAO_LIVE):
        campaign = campaigns.get(name)
        if campaign is None:
            continue
        for phase in campaign.phases.all():
            if phase.end_date >= today:
                continue
            review = phase_review_write(phase=phase, today=today)
            if campaign.status == CampaignStatus.CLOSED and not review.summary:
                phase_review_summarise(actor=campaign.owner, review=review, summary=(
                    "阶段目标达成，直播销量超过 1 万件；下一场提前两天预热。"
                ))
    jd = campaigns.get(EARLIER_JD)
    if jd is not None:
        # The Monday after the sale week: its report compares it with the week before.
        sale_end = jd.start_date + 6 * DAY
        evaluation_report_write(campaign=jd, today=sale_end + DAY)
    wechat = campaigns.get(RUNNING_WECHAT)
    if wechat is not None:
        start, _end = report_week(today)
        if start >= wechat.start_date - 6 * DAY:
            evaluation_report_write(campaign=wechat, today=today)
        _diagnose_and_act(ctx, wechat, today)
    ctx.say(
        "analytics: metric histories for 5 campaigns (S4.2), phase reviews, weekly reports, "
        f"a diagnosis and an optimisation action on “{RUNNING_WECHAT}”"
    )

"""Demo data: the spec's example campaigns (S4.2) with goals, KPIs, phases, milestones.

Idempotent: every row is looked up by a natural key before it is created, so
``seed_demo`` run twice creates nothing twice.
"""

import datetime
from decimal import Decimal

from django.utils import timezone
from django.utils.translation import gettext_noop

from platforms.models import Platform
from teams.demo import DemoContext
from teams.services import audit_record

from .models import (
    KPI,
    Campaign,
    CampaignStatus,
    Direction,
    Goal,
    Milestone,
    Objective,
    Phase,
    PhaseKind,
)

D = Decimal
DAY = datetime.timedelta(days=1)

# name, objective, platform, status, start offset (days from today),
# phases [(kind, days)], goals [(statement, objective, [kpi dicts])], milestones
# [(phase kind, day offset within campaign, title)], audience.
EXAMPLES = [
    {
        "name": "微信公众号品牌故事周",
        "description": "S4.2.1: 公众号图文一周阅读 10 万，转化率 5%，新增粉丝 1 万。",
        "objective": Objective.AWARENESS, "platform": "wechat_oa",
        "status": CampaignStatus.RUNNING, "start": -10, "budget": D("80000"),
        "phases": [(PhaseKind.PRODUCTION, 7), (PhaseKind.PROMOTION, 7), (PhaseKind.EVALUATION, 3)],
        "goals": [
            ("一周内公众号文章阅读量达到 10 万，新增粉丝 1 万", Objective.AWARENESS, [
                {"metric": "reads", "baseline": D("40000"), "target": D("100000")},
                {"metric": "followers_gained", "baseline": D("4000"), "target": D("10000")},
            ]),
            ("阅读到注册的转化率达到 5%", Objective.LEADS, [
                {"metric": "conversion_rate", "baseline": D("0.03"), "target": D("0.05")},
            ]),
        ],
        "milestones": [(PhaseKind.PRODUCTION, 3, "品牌故事图文定稿"),
                       (PhaseKind.PROMOTION, 7, "首篇推文发布")],
        "audience": (["25-34", "35-44"], "any", ["brand", "lifestyle"]),
    },
    {
        "name": "抖音短视频新品种草月",
        "description": "S4.2.1: 抖音短视频一个月播放 50 万，转化率 3%，新增粉丝 2 万。",
        "objective": Objective.AWARENESS, "platform": "douyin",
        "status": CampaignStatus.PLANNED, "start": 7, "budget": D("150000"),
        "phases": [(PhaseKind.PRODUCTION, 7), (PhaseKind.PROMOTION, 30), (PhaseKind.EVALUATION, 7)],
        "goals": [
            ("一个月内短视频播放量达到 50 万，新增粉丝 2 万", Objective.AWARENESS, [
                {"metric": "plays", "baseline": D("200000"), "target": D("500000")},
                {"metric": "followers_gained", "baseline": D("8000"), "target": D("20000")},
            ]),
            ("视频带货转化率达到 3%", Objective.SALES, [
                {"metric": "conversion_rate", "baseline": D("0.02"), "target": D("0.03")},
            ]),
        ],
        "milestones": [(PhaseKind.PRODUCTION, 5, "首批 5 条视频剪辑完成"),
                       (PhaseKind.PROMOTION, 20, "达人合作视频上线")],
        "audience": (["18-24", "25-34"], "any", ["gaming", "beauty"]),
    },
    {
        "name": "京东限时折扣周",
        "description": "S4.2.2: 京东限时折扣一周，销量提升 30%，客单价提升 15%，总销售额提升 20%。",
        "objective": Objective.SALES, "platform": "jd",
        "status": CampaignStatus.DRAFT, "submitted": True, "start": 14, "budget": D("120000"),
        "phases": [(PhaseKind.PRODUCTION, 7), (PhaseKind.PROMOTION, 7), (PhaseKind.EVALUATION, 3)],
        "goals": [
            ("限时折扣一周内销量、客单价和销售额全面提升", Objective.SALES, [
                {"metric": "units_sold", "baseline": D("2000"), "percent": D("30")},
                {"metric": "aov", "baseline": D("180"), "percent": D("15")},
                {"metric": "revenue", "baseline": D("360000"), "percent": D("20")},
            ]),
        ],
        "milestones": [(PhaseKind.PRODUCTION, 4, "折扣商品清单确认")],
        "audience": (["25-34", "35-44"], "male", ["electronics"]),
    },
    {
        "name": "淘宝直播专场",
        "description": "S4.2.2: 淘宝直播单场销量超过 1 万件，转化率 8%。",
        "objective": Objective.SALES, "platform": "taobao",
        "status": CampaignStatus.CLOSED, "start": -40, "budget": D("60000"),
        "phases": [(PhaseKind.PRODUCTION, 7), (PhaseKind.PROMOTION, 1), (PhaseKind.EVALUATION, 7)],
        "goals": [
            ("单场直播销量超过 1 万件，转化率达到 8%", Objective.SALES, [
                {"metric": "units_sold", "baseline": D("6000"), "target": D("10000"),
                 "achieved": D("11200")},
                {"metric": "conversion_rate", "baseline": D("0.05"), "target": D("0.08"),
                 "achieved": D("0.085")},
            ]),
        ],
        "milestones": [(PhaseKind.PRODUCTION, 5, "直播脚本定稿"),
                       (PhaseKind.PROMOTION, 7, "直播开播")],
        "audience": (["18-24", "25-34"], "female", ["fashion", "beauty"]),
    },
]

_PATH = {
    CampaignStatus.PLANNED: [CampaignStatus.PLANNED],
    CampaignStatus.RUNNING: [CampaignStatus.PLANNED, CampaignStatus.RUNNING],
    CampaignStatus.CLOSED: [CampaignStatus.PLANNED, CampaignStatus.RUNNING,
                            CampaignStatus.EVALUATING, CampaignStatus.CLOSED],
}


def _seed_campaign(ctx: DemoContext, team, owner, spec: dict, approver) -> bool:
    today = timezone.localdate()
    start = today + spec["start"] * DAY
    total = sum(days for _kind, days in spec["phases"])
    end = start + (total - 1) * DAY
    bands, gender, interests = spec["audience"]
    campaign, created = Campaign.objects.get_or_create(
        team=team, name=spec["name"],
        defaults={
            "owner": owner, "objective": spec["objective"], "description": spec["description"],
            "budget": spec["budget"], "start_date": start, "end_date": end,
            "status": spec["status"], "target_age_bands": bands, "target_gender": gender,
            "target_interests": interests,
            "submitted_at": timezone.now() if spec.get("submitted") else None,
        },
    )
    if not created:
        return False
    platform = Platform.objects.filter(code=spec["platform"]).first()
    phase_by_kind = {}
    cursor = campaign.start_date
    for order, (kind, days) in enumerate(spec["phases"]):
        phase = Phase.objects.create(
            campaign=campaign, kind=kind, order=order, start_date=cursor,
            end_date=cursor + (days - 1) * DAY,
        )
        phase_by_kind[kind] = phase
        cursor = phase.end_date + DAY
    promotion_end = phase_by_kind[PhaseKind.PROMOTION].end_date
    for order, (statement, objective, kpis) in enumerate(spec["goals"]):
        goal = Goal.objects.create(
            campaign=campaign, statement=statement, objective=objective, order=order
        )
        for item in kpis:
            percent = item.get("percent")
            target = item.get("target")
            if percent is not None:
                target = (item["baseline"] * (1 + percent / 100)).quantize(D("0.0001"))
            KPI.objects.create(
                goal=goal, metric=item["metric"], platform=platform, baseline=item["baseline"],
                target=target, target_change_percent=percent, direction=Direction.INCREASE,
                deadline=promotion_end, achieved=item.get("achieved"),
            )
    for kind, offset, title in spec["milestones"]:
        Milestone.objects.create(
            phase=phase_by_kind[kind], title=title, due_date=campaign.start_date + offset * DAY,
            owner=owner,
            done_at=timezone.now() if campaign.start_date + offset * DAY < today else None,
        )
    audit_record(actor=owner, action="campaign.create", summary=gettext_noop("Campaign drafted"),
                 target=campaign, team=team)
    previous = CampaignStatus.DRAFT
    for status in _PATH.get(spec["status"], []):
        audit_record(
            actor=approver if status == CampaignStatus.PLANNED else None,
            action="campaign.transition", summary=gettext_noop("Moved from %(from)s to %(to)s"),
            target=campaign, team=team, data={"from": previous, "to": status},
        )
        previous = status
    ctx.say(f"campaign “{campaign.name}” ({campaign.get_status_display()})")
    return True


def seed(ctx: DemoContext) -> None:
    owner = ctx.users["marketer"]
    approver = ctx.users.get("manager")
    for spec in EXAMPLES:
        _seed_campaign(ctx, ctx.team, owner, spec, approver)
    if ctx.other_team is not None:
        # A campaign the demo team must never see (cross-team checks).
        member = ctx.other_team.memberships.select_related("user").first()
        other_owner = member.user if member is not None else owner
        _seed_campaign(ctx, ctx.other_team, other_owner, {
            "name": "华东区域：春季会员通讯",
            "description": "另一个团队的小型活动。",
            "objective": Objective.LEADS, "platform": "wechat_oa",
            "status": CampaignStatus.DRAFT, "start": 21, "budget": D("5000"),
            "phases": [(PhaseKind.PRODUCTION, 7), (PhaseKind.PROMOTION, 14),
                       (PhaseKind.EVALUATION, 7)],
            "goals": [("收集 300 个会员通讯订阅", Objective.LEADS, [
                {"metric": "registrations", "baseline": D("120"), "target": D("300")},
            ])],
            "milestones": [],
            "audience": (["25-34"], "any", ["newsletter"]),
        }, approver)

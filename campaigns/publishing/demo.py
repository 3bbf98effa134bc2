"""Demo calendar (S2.3.1): this month filled, a recurring plan, published and scheduled posts.

Everything goes through the services: items are written, submitted, approved
(content's services), then scheduled (``publication_schedule``). The published
ones went out through the sandbox connector on the real path
(``publication_publish``), so they carry the sandbox's post ids and URLs; their
scheduled times were then set back to earlier days of the month, which is
where the calendar shows them (the history a month of use would leave).
Idempotent: items are looked up by (campaign, title), plans by (campaign, name).
"""

from __future__ import annotations

import datetime

from django.utils import timezone

from campaigns.content import services as content
from campaigns.content.models import ContentItem, ContentKind, ReviewDecision
from campaigns.planning.models import Campaign
from platforms.models import PlatformAccount
from teams.demo import DemoContext

from . import services, timing
from .models import Publication, PublicationStatus, PublishingPlan, Slot

BRAND_CAMPAIGN = "微信公众号品牌故事周"
VIDEO_CAMPAIGN = "抖音短视频新品种草月"
CHECKLIST = {"accuracy_ok": True, "compliance_ok": True, "safety_ok": True}

# title, kind, body, platforms, days before today (published earlier this month), hour
PUBLISHED = [
    ("春茶采摘日记（一）：清晨的茶园", ContentKind.IMAGE_TEXT,
     "清晨五点，茶农已经在云雾里采下第一批嫩芽。跟着镜头看看一片茶叶的起点。", ("wechat_oa",), 6, 20),
    ("三十秒看懂春茶杀青", ContentKind.SHORT_VIDEO,
     "杀青决定茶香：高温锅里翻炒三分钟，看老师傅怎么掌握火候。", ("douyin",), 4, 19),
    ("茶艺小课堂：冲泡绿茶的三个要点", ContentKind.ARTICLE,
     "水温八十度、先注水后投茶、头泡浸泡三十秒。欢迎在评论区分享你的冲泡方法。",
     ("wechat_oa", "douyin"), 2, 20),
]
# title, kind, body, platforms, days after today, hour, minute
SCHEDULED = [
    ("春茶品鉴问答：你问我答", ContentKind.IMAGE_TEXT,
     "关于春茶的储存、冲泡和选购，把你的问题留在评论区，我们的茶艺师逐一回答。",
     ("wechat_oa", "douyin"), 3, 20, 30),
    ("会员日专属福利预告", ContentKind.IMAGE_TEXT,
     "本月会员日，老会员可领取新茶试饮装一份，详情请关注下周推送。", ("wechat_oa",), 8, 12, 0),
]
# Filled into the plan's next slot.
IN_SLOT = ("茶园故事：守茶人的一天", ContentKind.IMAGE_TEXT,
           "从日出到日落，记录守茶人老陈照看茶园的一天。")


def _approved(ctx: DemoContext, campaign: Campaign, title: str, kind: str, body: str,
              accounts: list[PlatformAccount]) -> ContentItem | None:
    """The demo item, written, submitted and approved through content's services; None if
    it already exists (seeded before)."""
    if ContentItem.objects.filter(campaign=campaign, title=title).exists():
        return None
    item = content.content_item_create(
        actor=ctx.users["marketer"], campaign=campaign, kind=kind, title=title, body=body,
        accounts=accounts,
    )
    content.content_item_submit(actor=ctx.users["marketer"], item=item)
    content.content_item_review(
        actor=ctx.users["reviewer"], item=item, decision=ReviewDecision.APPROVED, **CHECKLIST
    )
    item.refresh_from_db()
    return item


def _publish_earlier(pubs: list[Publication], at: datetime.datetime) -> None:
    """Send due publications on the real path, then place them on the day they belong to."""
    Publication.objects.filter(pk__in=[p.pk for p in pubs]).update(scheduled_at=timezone.now())
    for pub in pubs:
        services.publication_publish(publication_id=pub.pk)
    Publication.objects.filter(pk__in=[p.pk for p in pubs]).update(scheduled_at=at)


def seed(ctx: DemoContext) -> None:
    campaigns = {c.name: c for c in Campaign.objects.filter(team=ctx.team)}
    brand = campaigns.get(BRAND_CAMPAIGN)
    if brand is None:
        return
    marketer = ctx.users["marketer"]
    zone = ctx.team.zone
    accounts = {
        a.platform.code: a
        for a in PlatformAccount.objects.filter(team=ctx.team).select_related("platform")
    }
    wechat = accounts.get("wechat_oa")
    if wechat is None:
        return
    today = timezone.localtime(timezone.now(), zone).date()
    first = today.replace(day=1)
    made = 0

    plan = PublishingPlan.objects.filter(campaign=brand, name="公众号图文每日推送").first()
    if plan is None:
        plan = services.plan_create(
            actor=marketer, campaign=brand, account=wechat, name="公众号图文每日推送",
            preset="image_text_daily", starts_on=first,
        )
        made += 1
    video = campaigns.get(VIDEO_CAMPAIGN)
    douyin = accounts.get("douyin")
    if video is not None and douyin is not None and not PublishingPlan.objects.filter(
        campaign=video, name="抖音短视频每周五"
    ).exists():
        services.plan_create(
            actor=marketer, campaign=video, account=douyin, name="抖音短视频每周五",
            preset="video_weekly_friday", starts_on=first,
        )
        made += 1

    for title, kind, body, codes, days_ago, hour in PUBLISHED:
        targets = [accounts[c] for c in codes if c in accounts]
        item = _approved(ctx, brand, title, kind, body, targets)
        if item is None:
            continue
        pubs = services.publication_schedule(
            actor=marketer, item=item, at=timezone.now() + datetime.timedelta(minutes=5)
        )
        day = max(today - datetime.timedelta(days=days_ago), first)
        _publish_earlier(pubs, timing.local_to_aware(day, datetime.time(min(hour, 23)), zone))
        made += 1

    for title, kind, body, codes, days_ahead, hour, minute in SCHEDULED:
        targets = [accounts[c] for c in codes if c in accounts]
        item = _approved(ctx, brand, title, kind, body, targets)
        if item is None:
            continue
        day = today + datetime.timedelta(days=days_ahead)
        services.publication_schedule(
            actor=marketer, item=item,
            at=timing.local_to_aware(day, datetime.time(hour, minute), zone),
        )
        made += 1

    slot = (
        Slot.objects.filter(plan=plan, item__isnull=True, starts_at__gt=timezone.now())
        .order_by("starts_at").first()
    )
    title, kind, body = IN_SLOT
    item = _approved(ctx, brand, title, kind, body, [wechat])
    if item is not None and slot is not None:
        services.publication_schedule(actor=marketer, item=item, slot=slot)
        made += 1

    published = Publication.objects.filter(team=ctx.team, status=PublicationStatus.PUBLISHED)
    ctx.say(
        f"publishing: {made} new entries; {published.count()} published through the sandbox, "
        f"{Slot.objects.filter(plan__team=ctx.team, item__isnull=True).count()} unfilled slots"
    )

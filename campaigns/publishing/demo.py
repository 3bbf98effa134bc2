"""Demo calendar (S2.3.1): this month filled, a recurring plan, published and scheduled posts,
one publication the platform refused and one whose outcome the platform never told.

Everything goes through the services: items are written, submitted, approved
(content's services), then scheduled (``publication_schedule``). The published
ones went out through the sandbox connector on the real path
(``publication_publish``), so they carry the sandbox's post ids and URLs; their
scheduled times were then set back to earlier days of the month, which is
where the calendar shows them (the history a month of use would leave). The
refused and the unknown one went the same path on two sandbox accounts of their
own (platforms' services), steered to simulate that platform behaviour and
named so; the unknown one was then checked with the platform, read-only, which
could not tell either.
Idempotent: items are looked up by (campaign, title), plans by (campaign, name),
the steered accounts by handle.
"""

from __future__ import annotations

import datetime

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from campaigns.content import services as content
from campaigns.content.demo import PNG
from campaigns.content.models import (
    ContentItem,
    ContentKind,
    MediaAsset,
    MediaSource,
    ReviewDecision,
)
from campaigns.planning.models import Campaign
from platforms import services as platform_services
from platforms.models import (
    ConnectorKind,
    DocumentKind,
    Platform,
    PlatformAccount,
    VerificationStatus,
)
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
# Whatever its kind, an item goes out on WeChat as an article, with a cover picture
# (content refuses one without).
COVER_TITLE = "茶艺小课堂配图（示例占位图）"
# handle, sandbox steering (platforms.connectors.sandbox), title, body, days before
# today, hour: a post the platform refused, and one it never said anything about.
TROUBLE = [
    ("演示服务号（沙盒：模拟平台拒发）", "refuse_post", "春茶礼盒开箱：今年的包装变了",
     "新版礼盒换成了可回收纸材，内附冲泡卡片。", 1, 10),
    ("演示服务号（沙盒：模拟平台无应答）", "no_answer", "茶园直播预告：周六上午十点",
     "周六上午十点，茶艺师带你在线逛茶园，评论区提问有机会被现场解答。", 1, 11),
]
STEERED_CERTIFICATE = "91310000MA1DEMO0X1"
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
    it already exists (seeded before). An item for a WeChat Official Account gets a cover
    picture: WeChat publishes every kind as an article, and an article needs one."""
    if ContentItem.objects.filter(campaign=campaign, title=title).exists():
        return None
    on_wechat = any(a.platform.code == "wechat_oa" for a in accounts)
    media = [_cover(ctx)] if on_wechat else []
    item = content.content_item_create(
        actor=ctx.users["marketer"], campaign=campaign, kind=kind, title=title, body=body,
        accounts=accounts, media=media,
    )
    content.content_item_submit(actor=ctx.users["marketer"], item=item)
    content.content_item_review(
        actor=ctx.users["reviewer"], item=item, decision=ReviewDecision.APPROVED, **CHECKLIST
    )
    item.refresh_from_db()
    return item


def _cover(ctx: DemoContext) -> MediaAsset:
    asset = MediaAsset.objects.filter(team=ctx.team, title=COVER_TITLE).first()
    if asset is None:
        asset = content.media_asset_upload(
            actor=ctx.users["marketer"], team=ctx.team, title=COVER_TITLE,
            source=MediaSource.ORIGINAL,
            file=SimpleUploadedFile("cover.png", PNG, content_type="image/png"),
        )
    return asset


def _steered_account(ctx: DemoContext, handle: str, fail: str) -> PlatformAccount:
    """A qualified sandbox account on WeChat whose sandbox simulates ``fail``, made as a
    person would (add, record the platform's verification, file the documents)."""
    existing = PlatformAccount.objects.filter(team=ctx.team, handle=handle).first()
    if existing is not None:
        return existing
    manager = ctx.users["manager"]
    platform = Platform.objects.get(code="wechat_oa")
    today = timezone.localdate()
    account = platform_services.account_create(
        actor=manager, team=ctx.team, platform=platform, handle=handle,
        connector=ConnectorKind.SANDBOX, external_id=f"demo-{fail}",
        enterprise_certificate_number=STEERED_CERTIFICATE, owner=ctx.users["marketer"],
        credentials={"fail": fail},
    )
    platform_services.account_set_verification(
        actor=manager, account=account, status=VerificationStatus.VERIFIED,
        verified_on=today - datetime.timedelta(days=200),
        certification_expires_on=today + datetime.timedelta(days=300),
    )
    for kind in platform.required_documents:
        # An administrator's ID number must be a real resident ID (its checksum is
        # checked); the demo holds nobody's, so that document is filed without one.
        number = "" if kind == DocumentKind.ADMINISTRATOR_ID else f"DEMO-{kind[:4].upper()}-001"
        platform_services.document_add(
            actor=manager, account=account, kind=kind, number=number,
            expires_on=today + datetime.timedelta(days=400),
        )
    account.refresh_from_db()
    return account


def _trouble(ctx: DemoContext, campaign: Campaign, today: datetime.date,
             first: datetime.date) -> int:
    """The refused publication and the one whose outcome is unknown; how many were made."""
    made = 0
    for handle, fail, title, body, days_ago, hour in TROUBLE:
        account = _steered_account(ctx, handle, fail)
        item = _approved(ctx, campaign, title, ContentKind.IMAGE_TEXT, body, [account])
        if item is None:
            continue
        pubs = services.publication_schedule(
            actor=ctx.users["marketer"], item=item,
            at=timezone.now() + datetime.timedelta(minutes=5),
        )
        day = max(today - datetime.timedelta(days=days_ago), first)
        at = timing.local_to_aware(day, datetime.time(hour), ctx.team.zone)
        _publish_earlier(pubs, min(at, timezone.now() - datetime.timedelta(minutes=5)))
        for pub in pubs:
            # The read-only check reconciliation makes; the platform cannot tell.
            services.publication_reconcile(publication_id=pub.pk)
        made += 1
    return made


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

    made += _trouble(ctx, brand, today, first)

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
    open_ended = Publication.objects.filter(
        team=ctx.team, status__in=[PublicationStatus.FAILED, PublicationStatus.UNKNOWN]
    )
    ctx.say(
        f"publishing: {made} new entries; {published.count()} published through the sandbox, "
        f"{open_ended.count()} failed or unknown, "
        f"{Slot.objects.filter(plan__team=ctx.team, item__isnull=True).count()} unfilled slots"
    )

"""Demo content for the demo campaigns, in every status content owns (S2.2.3, S3.1.2).

Made through the services (versions, checks, reviews, audit rows as in real use).
Idempotent: an item is looked up by (campaign, title) first, media by (team, title),
so ``seed_demo`` run twice creates nothing twice.
"""

from __future__ import annotations

import base64
import contextlib
import datetime

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from campaigns.planning.models import Campaign
from platforms.models import PlatformAccount
from teams.demo import DemoContext

from . import services
from .models import (
    ContentItem,
    ContentKind,
    ContentStatus,
    InteractionPrompt,
    MediaAsset,
    MediaSource,
    ReviewDecision,
)

S = ContentStatus
CHECKLIST = {"accuracy_ok": True, "compliance_ok": True, "safety_ok": True}
# A 1×1 PNG: the demo's pictures are placeholders, named as such.
PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII="
)
BRAND_CAMPAIGN = "微信公众号品牌故事周"
VIDEO_CAMPAIGN = "抖音短视频新品种草月"
SALE_CAMPAIGN = "京东限时折扣周"


def _at(days: int, hour: int, zone) -> datetime.datetime:
    day = timezone.localtime(timezone.now(), zone).date() + datetime.timedelta(days=days)
    return datetime.datetime.combine(day, datetime.time(hour, 0), tzinfo=zone)


def _media(ctx: DemoContext) -> dict[str, MediaAsset]:
    team, marketer = ctx.team, ctx.users["marketer"]
    today = timezone.localdate()
    made = {}
    for key, title, source, reference, expires in (
        ("photo", "茶园实拍（示例占位图）", MediaSource.ORIGINAL, "", None),
        ("stock", "春茶图库照片（示例占位图）", MediaSource.LICENSED, "图库授权 VCG-2026-0412",
         today + datetime.timedelta(days=180)),
    ):
        asset = MediaAsset.objects.filter(team=team, title=title).first()
        if asset is None:
            asset = services.media_asset_upload(
                actor=marketer, team=team, title=title, source=source,
                licence_reference=reference, licence_expires_on=expires,
                file=SimpleUploadedFile("demo.png", PNG, content_type="image/png"),
            )
        made[key] = asset
    # A licence that has lapsed: the upload service refuses it, so it is written
    # as it would stand a year after a valid upload.
    title = "去年活动海报（授权已过期，示例占位图）"
    lapsed = MediaAsset.objects.filter(team=team, title=title).first()
    if lapsed is None:
        lapsed = MediaAsset.objects.create(
            team=team, title=title, file=ContentFile(PNG, name="demo-lapsed.png"),
            content_type="image/png", size=len(PNG), source=MediaSource.AUTHORISED,
            licence_reference="摄影师授权书 2025-03", uploaded_by=marketer,
            licence_expires_on=today - datetime.timedelta(days=20),
        )
    made["lapsed"] = lapsed
    return made


def _item(ctx, campaign, title, **fields) -> tuple[ContentItem, bool]:
    existing = ContentItem.objects.filter(campaign=campaign, title=title).first()
    if existing is not None:
        return existing, False
    return services.content_item_create(
        actor=ctx.users["marketer"], campaign=campaign, title=title, **fields
    ), True


def _approve(ctx, item: ContentItem) -> None:
    services.content_item_submit(actor=ctx.users["marketer"], item=item)
    services.content_item_review(
        actor=ctx.users["reviewer"], item=item, decision=ReviewDecision.APPROVED, **CHECKLIST
    )


def seed(ctx: DemoContext) -> None:
    # Every item for the WeChat Official Account carries a picture: WeChat
    # publishes any kind as an article, and an article needs a cover.
    campaigns = {c.name: c for c in Campaign.objects.filter(team=ctx.team)}
    brand = campaigns.get(BRAND_CAMPAIGN)
    if brand is None:
        return
    zone = ctx.team.zone
    accounts = {
        a.platform.code: a
        for a in PlatformAccount.objects.filter(team=ctx.team).select_related("platform")
    }
    wechat, douyin, jd = accounts.get("wechat_oa"), accounts.get("douyin"), accounts.get("jd")
    media = _media(ctx)
    made = 0

    # Approved, with a Douyin variant: ready for the calendar.
    item, created = _item(
        ctx, brand, "品牌故事：一杯好茶的旅程", kind=ContentKind.ARTICLE,
        body="从云雾茶园到你的茶杯，我们记录了采茶、杀青、揉捻的每一步。欢迎在评论区分享你的饮茶故事。",
        planned_theme="品牌故事：认知阶段", accounts=[a for a in (wechat, douyin) if a],
        variants={douyin.pk: {"title": "", "body": "一杯好茶的旅程，60 秒看完。#春茶#"}} if douyin else {},
        media=[media["photo"]], planned_at=_at(1, 20, zone),
        interaction_prompt=InteractionPrompt.TOPIC, interaction_prompt_text="#我的饮茶故事#",
    )
    if created:
        services.content_item_update(
            actor=ctx.users["marketer"], item=item,
            body=item.body + "每一片茶叶都经过三道人工挑选。",
        )
        _approve(ctx, item)
        made += 1

    # In review.
    item, created = _item(
        ctx, brand, "新品预告：春茶上市", kind=ContentKind.IMAGE_TEXT,
        body="今年的春茶将在下周五上市，首批限量三千份。", accounts=[a for a in (wechat,) if a],
        media=[media["stock"]], planned_at=_at(3, 20, zone),
    )
    if created:
        services.content_item_submit(actor=ctx.users["marketer"], item=item)
        made += 1

    # Changes requested, with the reviewer's comment.
    item, created = _item(
        ctx, brand, "粉丝互动：你常喝哪款茶", kind=ContentKind.IMAGE_TEXT,
        body="留言说说你平时常喝的茶和冲泡习惯，我们会挑选有趣的留言在下期分享。",
        accounts=[a for a in (wechat,) if a], media=[media["photo"]],
        interaction_prompt=InteractionPrompt.TOPIC, interaction_prompt_text="你常喝哪一款茶？",
        planned_at=_at(5, 20, zone),
    )
    if created:
        services.content_item_submit(actor=ctx.users["marketer"], item=item)
        services.content_item_review(
            actor=ctx.users["reviewer"], item=item, decision=ReviewDecision.CHANGES_REQUESTED,
            accuracy_ok=True, safety_ok=True,
            comment="请写明下期分享的时间，并说明不会公开读者的昵称以外的个人信息。",
        )
        made += 1

    # A draft the checker blocked (an absolute claim): waits for a fix or an override.
    item, created = _item(
        ctx, brand, "春茶限时抢购", kind=ContentKind.IMAGE_TEXT,
        body="全网最低价！春茶限时抢购，手慢无。", accounts=[a for a in (wechat,) if a],
        media=[media["photo"]], planned_at=_at(6, 12, zone),
    )
    if created:
        # Refused on purpose: the blocked draft is the point of this example.
        with contextlib.suppress(ValidationError):
            services.content_item_submit(actor=ctx.users["marketer"], item=item)
        made += 1

    # Expired: still a draft when its planned time passed; the owner got a task.
    item, created = _item(
        ctx, brand, "门店品鉴会回顾", kind=ContentKind.ARTICLE,
        body="上周末的门店品鉴会来了两百多位茶友，感谢大家。", accounts=[a for a in (wechat,) if a],
        planned_at=_at(1, 9, zone),
    )
    if created:
        # Seeded as it stands once its time has passed unapproved.
        ContentItem.objects.filter(pk=item.pk).update(
            planned_at=timezone.now() - datetime.timedelta(hours=3)
        )
        item.refresh_from_db()
        services.content_item_expire(item=item)
        made += 1

    # Withdrawn after approval.
    item, created = _item(
        ctx, brand, "旧版品牌海报文案", kind=ContentKind.IMAGE_TEXT,
        body="品牌焕新前的海报文案，保留作参考。", accounts=[a for a in (wechat,) if a],
        media=[media["photo"]],
    )
    if created:
        _approve(ctx, item)
        services.content_item_withdraw(
            actor=ctx.users["marketer"], item=item, reason="品牌视觉已更新，改用新版海报。"
        )
        made += 1

    video = campaigns.get(VIDEO_CAMPAIGN)
    if video is not None and douyin is not None:
        item, created = _item(
            ctx, video, "新品开箱短视频", kind=ContentKind.SHORT_VIDEO,
            body="开箱春茶礼盒：茶叶、茶具和冲泡小卡片。", accounts=[douyin],
            interaction_prompt=InteractionPrompt.POLL,
            interaction_prompt_text="你更喜欢绿茶还是红茶？",
            planned_at=_at(8, 19, zone),
        )
        made += int(created)
        item, created = _item(
            ctx, video, "达人合作视频脚本", kind=ContentKind.SHORT_VIDEO,
            body="达人在茶园现场讲解春茶的采摘标准。", accounts=[douyin],
            media=[media["photo"]], planned_at=_at(10, 19, zone),
        )
        if created:
            _approve(ctx, item)
            made += 1

    sale = campaigns.get(SALE_CAMPAIGN)
    if sale is not None and jd is not None:
        # Paid, without a filing for JD: submitting it is refused with that reason.
        item, created = _item(
            ctx, sale, "限时折扣商品图文", kind=ContentKind.PRODUCT_LISTING,
            body="广告 | 春茶礼盒限时八折，活动期间满 200 元包邮。", accounts=[jd],
            is_paid_promotion=True, media=[media["lapsed"]], planned_at=_at(15, 10, zone),
        )
        made += int(created)

    if ctx.other_team is not None:
        other = Campaign.objects.filter(team=ctx.other_team).first()
        member = ctx.other_team.memberships.select_related("user").first()
        if other is not None and member is not None and not ContentItem.objects.filter(
            campaign=other
        ).exists():
            services.content_item_create(
                actor=member.user, campaign=other, kind=ContentKind.ARTICLE,
                title="华东区域：会员通讯预告", body="订阅我们的春季会员通讯。",
            )
            made += 1
    ctx.say(f"content: {made} demo items (draft, in review, changes requested, approved, "
            "expired, withdrawn)")

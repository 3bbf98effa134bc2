"""Demo data of engagement: an inbox pulled from the sandbox connector, templates, a
response policy, a finished lottery with its proof, a poll, segments and Q&A.

Idempotent: a second run finds every row by its natural key and adds nothing.
Everything goes through the services, except a month of first-response history
for the report, which no service can write after the fact.
"""

from __future__ import annotations

import datetime
import hashlib
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from campaigns.planning.models import Campaign, CampaignStatus
from compliance.privacy.models import ConsentRecord
from compliance.privacy.services import consent_record_create
from platforms.models import Platform, PlatformAccount

from . import services
from .models import (
    AudienceMember,
    Interaction,
    InteractionStatus,
    Lottery,
    Poll,
    Question,
    ReplyTemplate,
    ResponsePolicy,
    Segment,
)

TEMPLATES = {
    "感谢好评": "{nickname}，感谢您的支持！我们会继续努力，期待下次再见～",
    "售后致歉": "{nickname}，非常抱歉给您带来不好的体验。请私信我们订单号，客服会在一个工作日内为您处理。",
    "欢迎新粉丝": "欢迎关注{account}！{nickname}，新人专享券已放入您的账户，记得查收哦。",
    "老客专享": "{nickname}，感谢一直以来的支持！{campaign}期间老客专享八折，私信领取。",
}
LOTTERY_TITLE = "春季新品直播抽奖"
LOTTERY_PURPOSE = "直播抽奖活动"
LOTTERY_RULES = (
    "关注直播间并在活动帖下留言即可参与，每人限一次。抽奖结果在本页公布，"
    "中奖者将在开奖后三个工作日内收到私信，奖品七个工作日内寄出。"
)
ENTRANTS = [f"wx-fan-{n:03d}" for n in range(1, 13)]


def _digest(*parts: object) -> int:
    return int(hashlib.sha256(":".join(map(str, parts)).encode()).hexdigest()[:8], 16)


def _campaign(ctx) -> Campaign | None:
    campaigns = Campaign.objects.filter(team=ctx.team)
    return (
        campaigns.filter(status=CampaignStatus.RUNNING).order_by("pk").first()
        or campaigns.order_by("pk").first()
    )


def _policy_and_templates(ctx) -> dict[str, ReplyTemplate]:
    manager = ctx.users["manager"]
    if not ResponsePolicy.objects.filter(team=ctx.team).exists():
        services.response_policy_save(
            actor=manager, team=ctx.team, first_response_minutes=120,
            working_days=[1, 2, 3, 4, 5], work_starts=datetime.time(9), work_ends=datetime.time(18),
        )
    found = {t.name: t for t in ReplyTemplate.objects.filter(team=ctx.team)}
    for name, body in TEMPLATES.items():
        if name not in found:
            found[name] = services.reply_template_create(
                actor=ctx.users["marketer"], team=ctx.team, name=name, body=body)
    return found


def _inbox(ctx, templates: dict[str, ReplyTemplate]) -> int:
    accounts = PlatformAccount.objects.filter(
        team=ctx.team, connector="sandbox", needs_reconnection=False,
    ).select_related("platform", "team").order_by("pk")
    for account in accounts:
        services.interactions_pull(account=account)
    items = list(
        Interaction.objects.filter(team=ctx.team).select_related("account", "campaign")
        .order_by("occurred_at", "pk")
    )
    if not items or Interaction.objects.filter(team=ctx.team, replies__isnull=False).exists():
        return len(items)
    marketer, manager = ctx.users["marketer"], ctx.users["manager"]
    now = timezone.now()
    # The older half was answered over the past days: their first-response times
    # make the report. Written directly because they lie in the past.
    older = [i for i in items if i.occurred_at < now - datetime.timedelta(days=2)]
    for n, item in enumerate(older):
        if n % 4 == 3:
            continue  # some stay unanswered: overdue in the inbox
        responder = marketer if n % 3 else manager
        minutes = 10 + _digest("response", item.external_id) % (60 if n % 2 else 600)
        Interaction.objects.filter(pk=item.pk).update(
            first_response_at=item.occurred_at + datetime.timedelta(minutes=minutes),
            first_responder=responder,
            status=InteractionStatus.RESOLVED if n % 2 else InteractionStatus.PENDING,
            resolved_at=now if n % 2 else None,
        )
    recent = [i for i in items if i.occurred_at >= now - datetime.timedelta(days=2)]
    for item in recent[:4]:
        template = templates["售后致歉"] if item.sentiment_label == "negative" else templates["感谢好评"]
        services.interaction_reply(actor=marketer, interaction=item, template=template)
    for item in recent[4:8]:
        services.interaction_assign(actor=manager, interaction=item, assignee=marketer)
    negative = [i for i in recent if i.sentiment_label == "negative"][:2]
    for item in negative:
        services.interaction_triage(actor=marketer, interaction=item, priority="high",
                                    tags=["售后"])
        services.interaction_note_add(actor=marketer, interaction=item,
                                      text="已转客服核实订单，跟进物流情况。")
    return len(items)


def _lottery(ctx, campaign: Campaign) -> Lottery:
    existing = Lottery.objects.filter(team=ctx.team, title=LOTTERY_TITLE).first()
    if existing is not None:
        return existing
    marketer = ctx.users["marketer"]
    # A lottery that ran last week: each step at the time it happened.
    start = timezone.now() - datetime.timedelta(days=10)
    for ref in ENTRANTS:
        if not ConsentRecord.objects.filter(
            team=ctx.team, subject_ref=ref, purpose=LOTTERY_PURPOSE, withdrawn_at__isnull=True
        ).exists():
            consent_record_create(
                actor=None, team=ctx.team, subject_ref=ref, purpose=LOTTERY_PURPOSE,
                data_categories=["behaviour", "contact"], notice_version="lottery-v1",
                channel="微信公众号活动页", consented_at=start,
            )
    lottery = services.lottery_create(
        actor=marketer, campaign=campaign, title=LOTTERY_TITLE, rules=LOTTERY_RULES,
        prizes=[{"name": "新品礼盒", "count": 2, "value_cny": "299"},
                {"name": "品牌保温杯", "count": 1, "value_cny": "129"}],
        entries_open_at=start + datetime.timedelta(hours=1),
        entries_close_at=start + datetime.timedelta(days=3),
        draw_at=start + datetime.timedelta(days=3, hours=2),
        platform=Platform.objects.filter(code="wechat_oa").first(),
        consent_purpose=LOTTERY_PURPOSE, now=start,
    )
    services.lottery_open(actor=marketer, lottery=lottery, now=start + datetime.timedelta(hours=1))
    csv_text = "entrant_id,display_name\n" + "\n".join(
        f"{ref},粉丝{ref[-3:]}" for ref in ENTRANTS) + "\n"
    services.lottery_entrants_import(
        actor=marketer, lottery=lottery,
        upload=SimpleUploadedFile("entrants.csv", csv_text.encode("utf-8"), "text/csv"),
        now=start + datetime.timedelta(days=1),
    )
    services.lottery_close(actor=None, lottery=lottery, now=start + datetime.timedelta(days=3))
    services.lottery_draw(
        actor=marketer, lottery=lottery, beacon="福彩3D 2025001 开奖号码 372",
        now=start + datetime.timedelta(days=3, hours=2),
    )
    return lottery


def _poll(ctx, campaign: Campaign) -> None:
    title = "你最期待哪款春季新品？"
    if Poll.objects.filter(team=ctx.team, title=title).exists():
        return
    now = timezone.now()
    poll = services.poll_create(
        actor=ctx.users["marketer"], campaign=campaign, title=title,
        options=["樱花限定礼盒", "抹茶系列", "柚子气泡茶"],
        opens_at=now - datetime.timedelta(days=2), closes_at=now + datetime.timedelta(days=5),
    )
    options = list(poll.options.order_by("order"))
    for n in range(17):
        services.poll_vote(actor=ctx.users["marketer"], poll=poll,
                           option=options[_digest("vote", n) % len(options)],
                           participant_ref=f"wx-voter-{n:03d}")


def _audience_and_segments(ctx, campaign: Campaign, templates: dict[str, ReplyTemplate]) -> None:
    account = PlatformAccount.objects.filter(
        team=ctx.team, platform__code="wechat_oa").order_by("pk").first()
    if account is not None and not AudienceMember.objects.filter(
        account=account, external_ref__startswith="wx-member-"
    ).exists():
        today = timezone.localdate()
        lines = ["platform_user_id,nickname,followed_at,orders,total_spend,last_order_at"]
        for n in range(40):
            followed = today - datetime.timedelta(days=_digest("followed", n) % 200)
            orders = _digest("orders", n) % 6
            spend = Decimal(orders * (80 + _digest("spend", n) % 400))
            last_order = (followed + datetime.timedelta(days=_digest("last", n) % 30)
                          if orders else "")
            lines.append(f"wx-member-{n:03d},会员{n:03d},{followed},{orders},{spend},{last_order}")
        services.audience_import(
            actor=ctx.users["marketer"], account=account,
            upload=SimpleUploadedFile("audience.csv", "\n".join(lines).encode(), "text/csv"),
        )
    specs = [
        ("新粉丝欢迎", {"rule": "new_followers", "days": 30, "strategy": "welcome",
                   "template": templates["欢迎新粉丝"]}),
        ("复购老客", {"rule": "returning_buyers", "min_orders": 2, "strategy": "exclusive_offer",
                  "template": templates["老客专享"]}),
        ("高价值客户", {"rule": "high_value", "min_spend": Decimal("1000"),
                   "strategy": "exclusive_offer", "template": templates["老客专享"]}),
        ("活动评论者", {"rule": "commenters", "campaign": campaign, "strategy": "thank_you",
                   "template": templates["感谢好评"]}),
        ("沉睡粉丝", {"rule": "dormant", "days": 60, "strategy": "win_back"}),
    ]
    existing = set(Segment.objects.filter(team=ctx.team).values_list("name", flat=True))
    for name, spec in specs:
        if name not in existing:
            services.segment_create(actor=ctx.users["marketer"], team=ctx.team, name=name, **spec)


def _question(ctx) -> None:
    comment = (
        Interaction.objects.filter(team=ctx.team, kind="comment", publication__isnull=False,
                                   text__contains="？")
        .select_related("publication__item").order_by("pk").first()
    )
    if comment is None or Question.objects.filter(interaction=comment).exists():
        return
    question = services.question_create(actor=ctx.users["marketer"],
                                        item=comment.publication.item, question="",
                                        interaction=comment)
    services.question_answer(actor=ctx.users["marketer"], question=question,
                             answer="您好，下周一统一补货，届时会在公众号通知～", publish=True)


def seed(ctx) -> None:
    campaign = _campaign(ctx)
    templates = _policy_and_templates(ctx)
    count = _inbox(ctx, templates)
    if campaign is None:
        ctx.say(f"engagement: {count} interactions; no campaign for activities")
        return
    lottery = _lottery(ctx, campaign)
    _poll(ctx, campaign)
    _audience_and_segments(ctx, campaign, templates)
    _question(ctx)
    overdue = Interaction.objects.filter(
        team=ctx.team, first_response_at__isnull=True, response_due_at__lt=timezone.now(),
    ).exclude(status=InteractionStatus.RESOLVED).count()
    ctx.say(
        f"engagement: {count} interactions ({overdue} overdue), {len(TEMPLATES)} templates, "
        f"lottery “{lottery.title}” drawn (winners {', '.join(lottery.winners)}), "
        f"a poll, 5 segments"
    )

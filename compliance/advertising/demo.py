"""Demo data for the content checker and filings (S3.1.1, S3.2.2); idempotent."""

import datetime
from decimal import Decimal

from django.utils import timezone

from platforms.models import Platform
from teams.demo import DemoContext

from .models import ContentCheck, FindingOverride, PromotionFiling
from .services import content_check_run, finding_override, ruleset_ensure_default

SAMPLE_TEXT = "【广告】全网最低价！国家级品质，转发集赞送礼，活动时间6月1日–6月3日。"


def seed(ctx: DemoContext) -> None:
    """Rules, two filings and one reviewed check for the demo team."""
    ruleset = ruleset_ensure_default()
    ctx.say(f"Content rules: {ruleset}")
    today = timezone.localdate()
    platforms = {p.code: p for p in Platform.objects.filter(code__in=["weibo", "xiaohongshu"])}
    author = ctx.users.get("marketer")
    for code, number, amount, days in (
        ("weibo", "WB-2026-0001", Decimal("30000.00"), 90),
        ("xiaohongshu", "PGY-2026-0815", Decimal("12000.00"), 30),
    ):
        if code not in platforms:
            continue
        PromotionFiling.objects.get_or_create(
            team=ctx.team, platform=platforms[code], filing_number=number,
            defaults={
                "contract_reference": f"HT-{number}", "amount_cny": amount,
                "starts_on": today - datetime.timedelta(days=7),
                "ends_on": today + datetime.timedelta(days=days),
                "created_by": author,
            },
        )
    ctx.say("Promotion filings: weibo, xiaohongshu")
    reviewer = ctx.users.get("reviewer")
    if author is None or reviewer is None:
        return
    check = ContentCheck.objects.filter(team=ctx.team, text=SAMPLE_TEXT).first()
    if check is None:
        check = content_check_run(
            actor=author, team=ctx.team, text=SAMPLE_TEXT, platform="wechat_oa"
        )
    if not FindingOverride.objects.filter(check_run=check).exists():
        blocking = [i for i, f in enumerate(check.findings) if f["severity"] == "block"]
        if blocking:
            finding_override(
                actor=reviewer, check=check, finding_index=blocking[0],
                reason="价格已由法务确认：全网比价截图已存档（示例）。",
            )
    ctx.say(f"Content check #{check.pk} with an override")

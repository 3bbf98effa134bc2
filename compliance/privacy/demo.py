"""Demo data for the privacy ledger: retention policies, two consents, one request (S3.1.3).

Idempotent: every row is looked up by its natural key first.
"""

import datetime

from django.utils import timezone

from .models import ConsentRecord, DataSubjectRequest, RetentionPolicy
from .services import dsr_due_date


def seed(ctx) -> None:
    """Retention policies, consents of two members and one access request."""
    team = ctx.team
    now = timezone.now()
    for category, days, action in (("contact", 365 * 3, "anonymise"),
                                   ("behaviour", 180, "delete"),
                                   ("marketing", 365, "anonymise")):
        RetentionPolicy.objects.get_or_create(
            data_category=category, defaults={"retention_days": days, "action": action})
    for ref, name, phone, purpose in (
        ("member-1001", "王小丽", "13912345678", "会员营销短信"),
        ("member-1002", "李强", "13698765432", "直播抽奖活动"),
    ):
        ConsentRecord.objects.get_or_create(
            team=team, subject_ref=ref, purpose=purpose,
            defaults={"subject_name": name, "subject_phone": phone,
                      "data_categories": ["contact", "marketing"], "notice_version": "v2.1",
                      "channel": "微信小程序", "consented_at": now - datetime.timedelta(days=30),
                      "created_by": ctx.users.get("reviewer")},
        )
    DataSubjectRequest.objects.get_or_create(
        team=team, subject_ref="member-1002", kind="access",
        defaults={"received_at": now, "due_date": dsr_due_date(timezone.localdate(now)),
                  "details": "用户要求获取其个人信息副本"},
    )
    ctx.say("privacy: 3 retention policies, 2 consents, 1 data-subject request")

"""Demo accounts: sandbox connectors (simulated, named so) for the demo team."""

import datetime

from django.utils import timezone

from .models import (
    ConnectorKind,
    DocumentKind,
    Platform,
    PlatformAccount,
    QualificationDocument,
    VerificationStatus,
)

# platform code -> handle
VERIFIED = {
    "wechat_oa": "演示品牌服务号",
    "douyin": "演示品牌官方抖音",
    "jd": "演示品牌京东自营旗舰店",
    "taobao": "演示品牌天猫旗舰店",
}
EXPIRED_LICENCE = ("xiaohongshu", "演示品牌小红书")


def _account(ctx, code: str, handle: str, certificate: str) -> PlatformAccount:
    today = timezone.localdate()
    account, _ = PlatformAccount.objects.get_or_create(
        team=ctx.team, platform=Platform.objects.get(code=code), handle=handle,
        defaults={
            "connector": ConnectorKind.SANDBOX,
            "external_id": f"demo-{code}",
            "verification_status": VerificationStatus.VERIFIED,
            "enterprise_certificate_number": certificate,
            "verified_on": today - datetime.timedelta(days=200),
            "certification_expires_on": today + datetime.timedelta(days=300),
            "owner": ctx.users.get("marketer"),
            "needs_reconnection": False,
        },
    )
    return account


def seed(ctx) -> None:
    today = timezone.localdate()
    valid_until = today + datetime.timedelta(days=400)
    for code, handle in VERIFIED.items():
        account = _account(ctx, code, handle, "91310000MA1DEMO0X1")
        for kind in account.platform.required_documents:
            QualificationDocument.objects.get_or_create(
                account=account, kind=kind,
                defaults={"number": f"DEMO-{kind[:4].upper()}-001", "expires_on": valid_until},
            )
    code, handle = EXPIRED_LICENCE
    account = _account(ctx, code, handle, "91310000MA1DEMO0X1")
    for kind in account.platform.required_documents:
        expired = kind == DocumentKind.BUSINESS_LICENCE
        QualificationDocument.objects.get_or_create(
            account=account, kind=kind,
            defaults={
                "number": f"DEMO-{kind[:4].upper()}-001",
                "expires_on": today - datetime.timedelta(days=12) if expired else valid_until,
            },
        )
    ctx.say(
        f"platforms: {len(VERIFIED)} verified sandbox accounts; "
        f"{handle} cannot publish (business licence expired)"
    )

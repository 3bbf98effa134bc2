import pytest
from django.core.management import call_command

from platforms.models import PlatformAccount, QualificationDocument
from platforms.selectors import account_can_publish


@pytest.mark.django_db
def test_seed_demo_creates_sandbox_accounts_once():
    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    counts = (PlatformAccount.objects.count(), QualificationDocument.objects.count())
    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert (PlatformAccount.objects.count(), QualificationDocument.objects.count()) == counts
    accounts = {a.platform.code: a for a in PlatformAccount.objects.select_related("platform")}
    assert set(accounts) == {"wechat_oa", "douyin", "jd", "taobao", "xiaohongshu"}
    assert {a.connector for a in accounts.values()} == {"sandbox"}
    for code in ("wechat_oa", "douyin", "jd", "taobao"):
        assert account_can_publish(accounts[code]) == (True, [])
    allowed, reasons = account_can_publish(accounts["xiaohongshu"])
    assert allowed is False
    assert len(reasons) == 1

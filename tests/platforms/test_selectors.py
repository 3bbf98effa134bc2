"""Platform selectors: whether an account may publish, and why not."""

import pytest

from platforms.models import ConnectorKind
from platforms.selectors import account_can_publish

from .factories import qualified_account

pytestmark = pytest.mark.django_db


def test_wechat_account_without_credentials_cannot_publish_and_says_why(team):
    account = qualified_account(
        team, "wechat_oa", connector=ConnectorKind.WECHAT_OFFICIAL_ACCOUNT,
        credentials_ciphertext="",
    )
    allowed, reasons = account_can_publish(account)
    assert allowed is False
    assert len(reasons) == 1
    assert "app id" in reasons[0] or "AppID" in reasons[0]

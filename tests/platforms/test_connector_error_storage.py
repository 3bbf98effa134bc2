"""A platform's error text is never stored: ``last_error`` keeps the error's class and
code, in the account, its history table and admin, whatever the platform answered."""

import pytest
from django.urls import reverse

from platforms.connectors import AuthConnectorError, PermanentConnectorError, PublishContent
from platforms.models import ConnectorKind, PlatformAccount
from platforms.services import account_create, account_health_check, account_publish

from . import fake_wechat
from .factories import DocumentFactory, platform

pytestmark = pytest.mark.django_db


@pytest.fixture
def echoing_account(team, users, settings, server):
    settings.WECHAT_API_BASE = server.url
    account = account_create(
        actor=users["marketer"], team=team, platform=platform("wechat_oa"), handle="服务号",
        connector=ConnectorKind.WECHAT_OFFICIAL_ACCOUNT,
        enterprise_certificate_number="91310000MA1TEST001",
        credentials={"app_id": fake_wechat.APP_ID, "app_secret": fake_wechat.APP_SECRET},
    )
    PlatformAccount.objects.filter(pk=account.pk).update(verification_status="verified")
    for kind in account.platform.required_documents:
        DocumentFactory(account=account, kind=kind)
    server.state["echo_request"] = True
    return PlatformAccount.objects.get(pk=account.pk)


def _stored_texts(account: PlatformAccount) -> list[str]:
    return [account.last_error, *account.history.values_list("last_error", flat=True)]


def test_a_token_error_that_echoes_the_request_stores_only_class_and_code(
    echoing_account, server
):
    server.state["token_error"] = 40125

    account_health_check(account=echoing_account)

    echoing_account.refresh_from_db()
    assert echoing_account.last_error == "AuthConnectorError (code 40125)"
    assert echoing_account.last_error_code == "40125"
    for text in _stored_texts(echoing_account):
        assert fake_wechat.APP_SECRET not in text
        assert "client_credential" not in text
        assert "echoed" not in text


def test_a_call_error_that_echoes_the_token_stores_no_platform_text(
    echoing_account, server, users
):
    server.state["fail_paths"] = {"/cgi-bin/draft/add": 48001}

    with pytest.raises(PermanentConnectorError):
        account_publish(actor=users["marketer"], account=echoing_account, content=PublishContent(
            title="新品", body="正文", extra={"thumb_media_id": "THUMB"}))

    echoing_account.refresh_from_db()
    assert echoing_account.last_error == "PermanentConnectorError (code 48001)"
    for text in _stored_texts(echoing_account):
        assert server.valid_token() not in text
        assert "access_token" not in text


def test_admin_shows_no_secret_after_an_echoing_failure(
    echoing_account, server, client, django_user_model
):
    admin_client = client
    admin_client.force_login(django_user_model.objects.create_superuser("root", "r@x.cn", "pw"))
    server.state["token_error"] = 40125
    account_health_check(account=echoing_account)

    change = admin_client.get(
        reverse("admin:platforms_platformaccount_change", args=[echoing_account.pk]))
    history = admin_client.get(
        reverse("admin:platforms_platformaccount_history", args=[echoing_account.pk]))

    assert change.status_code == history.status_code == 200
    for page in (change, history):
        assert fake_wechat.APP_SECRET not in page.content.decode()
        assert "client_credential" not in page.content.decode()


def test_an_auth_error_still_flags_the_account_for_reconnection(echoing_account, server):
    server.state["token_error"] = 40125

    account_health_check(account=echoing_account)

    echoing_account.refresh_from_db()
    assert echoing_account.needs_reconnection is True
    assert echoing_account.last_error_kind == AuthConnectorError.kind

"""Issue 4 review: qualification, credentials on WeChat accounts, expiry, messages."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from platforms.crypto import encrypt_credentials
from platforms.models import ConnectorKind, PlatformAccount, VerificationStatus
from platforms.selectors import account_can_publish
from platforms.services import account_create, account_update, document_add
from platforms.tasks import accounts_check_expiry_task

from .factories import PlatformAccountFactory, platform, qualified_account

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate
WX = {"app_id": "wx0123456789abcdef", "app_secret": "s3cr3t-value-never-shown"}
ZH = {"HTTP_ACCEPT_LANGUAGE": "zh-hans"}


# -- every document has an expiry date (S2.2.2) ------------------------------------


def test_service_refuses_a_document_without_expiry(team, users):
    account = qualified_account(team)
    with pytest.raises(ValidationError) as info:
        document_add(actor=users["marketer"], account=account, kind="business_licence",
                     expires_on=None)
    assert "expires_on" in info.value.message_dict


def test_api_document_without_expiry_is_400(api_as, users, team):
    account = qualified_account(team)
    count = account.documents.count()
    response = api_as(users["marketer"]).post(
        f"/api/v1/platform-accounts/{account.pk}/documents/",
        {"kind": "business_licence", "number": "X1"}, format="json",
    )
    assert response.status_code == 400
    assert "expires_on" in response.json()
    assert account.documents.count() == count


def test_document_form_requires_expiry(client_as, users, team):
    account = qualified_account(team)
    response = client_as(users["marketer"]).post(
        reverse("platforms:document_add", args=[account.pk]), {"kind": "business_licence"}
    )
    assert response.status_code == 400
    assert "expires_on" in response.context["document_form"].errors


def test_expires_on_is_mandatory_in_the_database():
    field = PlatformAccount._meta.get_field("documents").related_model._meta.get_field(
        "expires_on"
    )
    assert field.null is False
    assert field.blank is False


# -- WeChat accounts need credentials ----------------------------------------------


def test_wechat_account_without_credentials_is_refused(team, users):
    with pytest.raises(ValidationError) as info:
        account_create(
            actor=users["marketer"], team=team, platform=platform("wechat_oa"), handle="h",
            connector=ConnectorKind.WECHAT_OFFICIAL_ACCOUNT,
        )
    assert {"app_id", "app_secret"} <= set(info.value.message_dict)
    assert not PlatformAccount.objects.exists()


def test_api_wechat_account_without_credentials_is_400(api_as, users, team):
    response = api_as(users["marketer"]).post(
        "/api/v1/platform-accounts/",
        {"platform": "wechat_oa", "handle": "h", "connector": "wechat_official_account"},
        format="json",
    )
    assert response.status_code == 400
    assert "app_id" in response.json()
    assert not PlatformAccount.objects.exists()


def test_create_form_wechat_without_credentials_shows_error(client_as, users, team):
    response = client_as(users["marketer"]).post(reverse("platforms:account_create"), {
        "platform": "wechat_oa", "handle": "h", "connector": "wechat_official_account",
    })
    assert response.status_code == 200
    assert "app_id" in response.context["form"].errors
    assert not PlatformAccount.objects.exists()


def test_switching_to_wechat_needs_credentials(api_as, users, team):
    account = qualified_account(team, "wechat_oa")
    client = api_as(users["marketer"])
    url = f"/api/v1/platform-accounts/{account.pk}/"
    refused = client.patch(url, {"connector": "wechat_official_account"}, format="json")
    assert refused.status_code == 400
    assert "app_id" in refused.json()
    account.refresh_from_db()
    assert account.connector == ConnectorKind.SANDBOX
    # Sandbox credentials on file are not WeChat credentials either.
    account.credentials_ciphertext = encrypt_credentials({"sandbox_fail": "none"})
    account.save()
    assert client.patch(url, {"connector": "wechat_official_account"},
                        format="json").status_code == 400
    ok = client.patch(url, {"connector": "wechat_official_account", "credentials": WX},
                      format="json")
    assert ok.status_code == 200
    account.refresh_from_db()
    assert account.connector == ConnectorKind.WECHAT_OFFICIAL_ACCOUNT
    # Later edits keep the credentials on file.
    assert client.patch(url, {"handle": "renamed"}, format="json").status_code == 200


def test_edit_form_switching_to_wechat_without_credentials_shows_error(client_as, users, team):
    account = qualified_account(team, "wechat_oa")
    response = client_as(users["marketer"]).post(
        reverse("platforms:account_edit", args=[account.pk]),
        {"handle": account.handle, "connector": "wechat_official_account"},
    )
    assert response.status_code == 200
    assert "app_id" in response.context["form"].errors


def test_wechat_account_without_credentials_cannot_publish_and_says_why(team):
    account = qualified_account(
        team, "wechat_oa", connector=ConnectorKind.WECHAT_OFFICIAL_ACCOUNT,
        credentials_ciphertext="",
    )
    allowed, reasons = account_can_publish(account)
    assert allowed is False
    assert len(reasons) == 1
    assert "app id" in reasons[0] or "AppID" in reasons[0]


def test_service_update_keeps_valid_wechat_credentials(team, users):
    account = account_create(
        actor=users["marketer"], team=team, platform=platform("wechat_oa"), handle="h",
        connector=ConnectorKind.WECHAT_OFFICIAL_ACCOUNT, credentials=WX,
    )
    account_update(actor=users["marketer"], account=account, handle="h2")
    account.refresh_from_db()
    assert account.handle == "h2"


# -- expiry: only verified accounts lapse to "expired" -----------------------------


@pytest.mark.parametrize(
    "status",
    [VerificationStatus.REJECTED, VerificationStatus.PENDING, VerificationStatus.UNVERIFIED],
)
def test_expiry_task_keeps_unverified_pending_and_rejected_statuses(team, users, status):
    account = qualified_account(team, "douyin", owner=users["marketer"],
                                verification_status=status)
    account.documents.update(expires_on=TODAY() - datetime.timedelta(days=2))
    result = accounts_check_expiry_task.delay().get()
    assert result["expired"] == 0
    account.refresh_from_db()
    assert account.verification_status == status


def test_expiry_task_still_expires_verified_accounts(team, users):
    account = qualified_account(team, "douyin", owner=users["marketer"])
    PlatformAccountFactory(team=team, platform=platform("jd"),
                           verification_status=VerificationStatus.REJECTED,
                           certification_expires_on=TODAY() - datetime.timedelta(days=1))
    account.documents.update(expires_on=TODAY() - datetime.timedelta(days=2))
    assert accounts_check_expiry_task.delay().get()["expired"] == 1
    account.refresh_from_db()
    assert account.verification_status == VerificationStatus.EXPIRED


# -- translated messages ---------------------------------------------------------


def test_sandbox_health_detail_is_chinese_on_zh_pages(client_as, users, team):
    account = qualified_account(team)
    response = client_as(users["marketer"]).post(
        reverse("platforms:account_health_check", args=[account.pk]), **ZH
    )
    html = response.content.decode()
    assert 'data-testid="health-ok"' in html
    assert "Sandbox connector" not in html
    assert "模拟" in html


def test_health_page_shows_a_translated_error_summary(client_as, users, team, settings):
    settings.WECHAT_API_BASE = "http://127.0.0.1:9"
    account = qualified_account(
        team, "wechat_oa", connector=ConnectorKind.WECHAT_OFFICIAL_ACCOUNT,
        credentials_ciphertext=encrypt_credentials(WX),
    )
    client = client_as(users["marketer"])
    checked = client.post(reverse("platforms:account_health_check", args=[account.pk]), **ZH)
    assert checked.status_code == 200
    page = client.get(reverse("platforms:account_health", args=[account.pk]), **ZH)
    html = page.content.decode()
    assert "TransientConnectorError" not in html
    assert "unreachable" not in html
    assert "稍后" in html
    account.refresh_from_db()
    assert account.last_error_kind == "transient"
    assert "TransientConnectorError" in account.last_error  # kept for support, admin only


def test_health_page_shows_the_platform_error_code(client_as, users, team):
    account = qualified_account(
        team, "douyin", credentials_ciphertext=encrypt_credentials({"sandbox_fail": "permanent"})
    )
    client = client_as(users["marketer"])
    response = client.post(reverse("platforms:account_health_check", args=[account.pk]), **ZH)
    html = response.content.decode()
    assert "sandbox-permanent" in html
    assert "Sandbox simulated" not in html
    api = client.get(f"/api/v1/platform-accounts/{account.pk}/", **ZH).json()
    assert api["last_error_code"] == "sandbox-permanent"
    assert "Sandbox simulated" not in api["last_error"]


def test_api_unknown_platform_is_translated(api_as, users, team):
    response = api_as(users["marketer"]).post(
        "/api/v1/platform-accounts/", {"platform": "nope", "handle": "h"}, format="json", **ZH
    )
    assert response.status_code == 400
    message = response.json()["platform"][0]
    assert "nope" in message
    assert "Unknown platform" not in message


# -- recommender input -------------------------------------------------------------


def test_more_than_30_interests_is_a_field_error(api_as, users):
    client = api_as(users["marketer"])
    tags = [f"tag{n}" for n in range(31)]
    response = client.post("/api/v1/platforms/recommend/", {"interests": tags}, format="json")
    assert response.status_code == 400
    assert "interests" in response.json()
    ok = client.post("/api/v1/platforms/recommend/", {"interests": tags[:30]}, format="json")
    assert ok.status_code == 200
    comma = client.post("/api/v1/platforms/recommend/", {"interests": ",".join(tags)},
                        format="json")
    assert comma.status_code == 400


def test_wechat_account_already_without_credentials_can_still_be_edited(api_as, users, team):
    account = qualified_account(
        team, "wechat_oa", connector=ConnectorKind.WECHAT_OFFICIAL_ACCOUNT,
        credentials_ciphertext="",
    )
    response = api_as(users["marketer"]).patch(
        f"/api/v1/platform-accounts/{account.pk}/", {"external_id": "gh_123"}, format="json"
    )
    assert response.status_code == 200
    assert response.json()["can_publish"]["allowed"] is False

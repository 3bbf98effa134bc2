import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from platforms.models import ConnectorKind, PlatformAccount, VerificationStatus
from platforms.selectors import account_can_publish
from platforms.services import (
    account_create,
    account_set_verification,
    account_update,
    document_add,
)
from teams.models import AuditEvent

from .factories import DocumentFactory, PlatformAccountFactory, platform, qualified_account

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate
WX = {"app_id": "wx0123456789abcdef", "app_secret": "s3cr3t-value-never-shown"}


# -- account_can_publish (S2.2.2) ------------------------------------------------


def test_verified_account_with_valid_documents_can_publish(team):
    account = qualified_account(team, "douyin")
    assert account_can_publish(account) == (True, [])


def test_expired_business_licence_blocks_and_says_why(team):
    account = qualified_account(team, "xiaohongshu")
    account.documents.filter(kind="business_licence").update(
        expires_on=TODAY() - datetime.timedelta(days=3)
    )
    allowed, reasons = account_can_publish(account)
    assert allowed is False
    assert len(reasons) == 1
    assert "expired" in reasons[0] or "过期" in reasons[0]


def test_missing_document_unverified_and_expired_certification_each_give_a_reason(team):
    account = PlatformAccountFactory(
        team=team, platform=platform("taobao"),
        verification_status=VerificationStatus.PENDING,
        certification_expires_on=TODAY() - datetime.timedelta(days=1),
        enterprise_certificate_number="",
    )
    allowed, reasons = account_can_publish(account)
    assert allowed is False
    # not verified, certification expired, no certificate number, 3 documents missing
    assert len(reasons) == 3 + len(account.platform.required_documents)


def test_renewed_document_replaces_the_expired_one(team):
    account = qualified_account(team, "weibo")
    account.documents.filter(kind="business_licence").update(
        expires_on=TODAY() - datetime.timedelta(days=3)
    )
    DocumentFactory(account=account, kind="business_licence")
    assert account_can_publish(account)[0] is True


def test_needs_reconnection_blocks_publishing(team):
    account = qualified_account(team, "douyin", needs_reconnection=True)
    allowed, reasons = account_can_publish(account)
    assert not allowed
    assert len(reasons) == 1


# -- services -------------------------------------------------------------------


def test_create_stores_credentials_encrypted_and_audits(team, users):
    account = account_create(
        actor=users["marketer"], team=team, platform=platform("wechat_oa"), handle="服务号",
        connector=ConnectorKind.WECHAT_OFFICIAL_ACCOUNT, credentials=WX,
    )
    assert account.credentials_ciphertext
    assert WX["app_secret"] not in account.credentials_ciphertext
    assert AuditEvent.objects.filter(action="platform_account.create").count() == 1
    assert WX["app_secret"] not in str(AuditEvent.objects.get().data)


@pytest.mark.parametrize("app_id", ["wx123", "WX0123456789ABCDEF", "ab0123456789abcdef", ""])
def test_malformed_wechat_app_id_is_a_field_error(team, users, app_id):
    with pytest.raises(ValidationError) as info:
        account_create(
            actor=users["marketer"], team=team, platform=platform("wechat_oa"), handle="h",
            connector=ConnectorKind.WECHAT_OFFICIAL_ACCOUNT,
            credentials={"app_id": app_id or " ", "app_secret": "x"},
        )
    assert "app_id" in info.value.message_dict


def test_wechat_connector_only_for_wechat_oa(team, users):
    with pytest.raises(ValidationError) as info:
        account_create(
            actor=users["marketer"], team=team, platform=platform("douyin"), handle="h",
            connector=ConnectorKind.WECHAT_OFFICIAL_ACCOUNT, credentials=WX,
        )
    assert "connector" in info.value.message_dict


@pytest.mark.parametrize("role", ["reviewer", "analyst"])
def test_read_only_roles_cannot_create(team, users, role):
    with pytest.raises(PermissionDenied):
        account_create(actor=users[role], team=team, platform=platform("douyin"), handle="h")


def test_outsider_cannot_create_for_another_team(team, outsider):
    with pytest.raises(PermissionDenied):
        account_create(actor=outsider, team=team, platform=platform("douyin"), handle="h")


def test_document_with_past_expiry_is_rejected(team, users):
    account = qualified_account(team)
    with pytest.raises(ValidationError) as info:
        document_add(actor=users["marketer"], account=account, kind="business_licence",
                     expires_on=TODAY() - datetime.timedelta(days=1))
    assert "expires_on" in info.value.message_dict


def test_only_leads_record_verification(team, users):
    account = qualified_account(team, verification_status=VerificationStatus.PENDING)
    with pytest.raises(PermissionDenied):
        account_set_verification(actor=users["marketer"], account=account, status="verified")
    account_set_verification(actor=users["manager"], account=account, status="verified")
    account.refresh_from_db()
    assert account.verification_status == "verified"
    assert account.verified_on == TODAY()


def test_new_credentials_clear_needs_reconnection(team, users):
    account = account_create(
        actor=users["marketer"], team=team, platform=platform("wechat_oa"), handle="h",
        connector=ConnectorKind.WECHAT_OFFICIAL_ACCOUNT, credentials=WX,
    )
    account.needs_reconnection = True
    account.save()
    old = account.credentials_ciphertext
    account_update(actor=users["marketer"], account=account, credentials=dict(WX, app_secret="n"))
    account.refresh_from_db()
    assert account.needs_reconnection is False
    assert account.credentials_ciphertext != old


# -- API ----------------------------------------------------------------------------


def test_api_create_never_echoes_credentials(api_as, users, team):
    response = api_as(users["marketer"]).post(
        "/api/v1/platform-accounts/",
        {"platform": "wechat_oa", "handle": "服务号", "connector": "wechat_official_account",
         "credentials": WX},
        format="json",
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["team"] == team.pk
    assert body["has_credentials"] is True
    assert "credentials" not in body
    assert "credentials_ciphertext" not in body
    assert WX["app_secret"] not in response.content.decode()
    detail = api_as(users["marketer"]).get(f"/api/v1/platform-accounts/{body['id']}/")
    assert WX["app_secret"] not in detail.content.decode()
    assert PlatformAccount.objects.get().credentials_ciphertext not in detail.content.decode()


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"platform": "myspace", "handle": "h"}, "platform"),
        ({"platform": "wechat_oa", "handle": "h", "connector": "wechat_official_account",
          "credentials": {"app_id": "wx12", "app_secret": "s"}}, "app_id"),
        ({"platform": "douyin", "handle": "h", "connector": "fax"}, "connector"),
        ({"platform": "douyin"}, "handle"),
    ],
)
def test_api_bad_input_gives_field_errors(api_as, users, team, payload, field):
    response = api_as(users["marketer"]).post("/api/v1/platform-accounts/", payload, format="json")
    assert response.status_code == 400
    assert field in response.json()


def test_api_document_with_past_expiry_is_400(api_as, users, team):
    account = qualified_account(team)
    response = api_as(users["marketer"]).post(
        f"/api/v1/platform-accounts/{account.pk}/documents/",
        {"kind": "business_licence", "expires_on": "2020-01-01"}, format="json",
    )
    assert response.status_code == 400
    assert "expires_on" in response.json()
    ok = api_as(users["marketer"]).post(
        f"/api/v1/platform-accounts/{account.pk}/documents/",
        {"kind": "trademark_authorisation",
         "expires_on": (TODAY() + datetime.timedelta(days=90)).isoformat()}, format="json",
    )
    assert ok.status_code == 201


def test_api_list_is_scoped_and_constant_in_queries(
    api_as, users, team, other_team, outsider, django_assert_max_num_queries
):
    for code in ("douyin", "jd", "taobao", "weibo"):
        qualified_account(team, code)
    qualified_account(other_team, "douyin")
    client = api_as(users["marketer"])
    with django_assert_max_num_queries(8):
        response = client.get("/api/v1/platform-accounts/")
    results = response.json()["results"]
    assert len(results) == 4
    assert all(r["can_publish"]["allowed"] for r in results)
    assert len(api_as(outsider).get("/api/v1/platform-accounts/").json()["results"]) == 1


def test_api_other_team_account_is_404(api_as, team, outsider):
    account = qualified_account(team)
    client = api_as(outsider)
    assert client.get(f"/api/v1/platform-accounts/{account.pk}/").status_code == 404
    assert client.patch(f"/api/v1/platform-accounts/{account.pk}/", {"handle": "x"},
                        format="json").status_code == 404
    assert client.delete(f"/api/v1/platform-accounts/{account.pk}/").status_code == 404


def test_api_cannot_create_in_a_team_it_cannot_see(api_as, team, outsider):
    response = api_as(outsider).post(
        "/api/v1/platform-accounts/", {"platform": "douyin", "handle": "h", "team": team.pk},
        format="json",
    )
    assert response.status_code == 400
    assert "team" in response.json()


def test_api_update_and_delete(api_as, users, team):
    account = qualified_account(team)
    client = api_as(users["marketer"])
    response = client.patch(f"/api/v1/platform-accounts/{account.pk}/", {"handle": "新名字"},
                            format="json")
    assert response.status_code == 200
    assert response.json()["handle"] == "新名字"
    assert api_as(users["analyst"]).delete(
        f"/api/v1/platform-accounts/{account.pk}/").status_code == 403
    client = api_as(users["marketer"])
    assert client.delete(f"/api/v1/platform-accounts/{account.pk}/").status_code == 204
    assert not PlatformAccount.objects.exists()


def test_api_verification_status_is_read_only_on_update(api_as, users, team):
    account = qualified_account(team, verification_status=VerificationStatus.PENDING)
    api_as(users["marketer"]).patch(
        f"/api/v1/platform-accounts/{account.pk}/", {"verification_status": "verified"},
        format="json",
    )
    account.refresh_from_db()
    assert account.verification_status == "pending"
    response = api_as(users["manager"]).post(
        f"/api/v1/platform-accounts/{account.pk}/verification/",
        {"verification_status": "verified"}, format="json",
    )
    assert response.status_code == 200
    assert response.json()["verification_status"] == "verified"


def test_api_catalogue_lists_eleven_platforms_with_profiles(api_as, users):
    response = api_as(users["reviewer"]).get("/api/v1/platforms/")
    codes = [p["code"] for p in response.json()]
    # Ten platforms with an audience, then the campaign's own website (analytics imports).
    assert codes == ["wechat_oa", "wechat_channels", "weibo", "douyin", "xiaohongshu", "zhihu",
                     "bilibili", "taobao", "jd", "linkedin", "website"]
    website = api_as(users["reviewer"]).get("/api/v1/platforms/website/").json()
    assert (website["audience_age"], website["requires_enterprise_certification"]) == ({}, False)
    douyin = api_as(users["reviewer"]).get("/api/v1/platforms/douyin/").json()
    assert douyin["ad_flexibility"] == "high"
    assert "short_video" in douyin["content_formats"]
    assert abs(sum(douyin["audience_age"].values()) - 1) < 0.01


# -- UI ------------------------------------------------------------------------------


def test_account_list_page_is_scoped_and_constant_in_queries(
    client_as, users, team, other_team, django_assert_max_num_queries
):
    for code in ("douyin", "jd", "taobao"):
        qualified_account(team, code)
    hidden = qualified_account(other_team, "weibo", handle="别人的号")
    client = client_as(users["marketer"])
    client.get(reverse("platforms:account_list"))  # warm the session
    with django_assert_max_num_queries(14):
        response = client.get(reverse("platforms:account_list"))
    assert response.status_code == 200
    assert len(response.context["rows"]) == 3
    assert hidden.handle not in response.content.decode()


def test_account_detail_of_other_team_is_404(client_as, team, outsider):
    account = qualified_account(team)
    assert client_as(outsider).get(
        reverse("platforms:account_detail", args=[account.pk])).status_code == 404


def test_account_detail_shows_why_it_cannot_publish(client_as, users, team):
    account = qualified_account(team, "xiaohongshu")
    account.documents.filter(kind="business_licence").update(expires_on=datetime.date(2020, 5, 1))
    response = client_as(users["marketer"]).get(
        reverse("platforms:account_detail", args=[account.pk]))
    page = response.content.decode()
    assert 'data-testid="cannot-publish"' in page
    assert "2020-05-01" in page


def test_create_form_with_malformed_app_id_shows_error(client_as, users, team):
    response = client_as(users["marketer"]).post(reverse("platforms:account_create"), {
        "platform": "wechat_oa", "handle": "h", "connector": "wechat_official_account",
        "app_id": "wx-nope", "app_secret": "x",
    })
    assert response.status_code == 200
    assert "app_id" in response.context["form"].errors
    assert not PlatformAccount.objects.exists()


def test_create_form_creates_and_never_renders_the_secret(client_as, users, team):
    client = client_as(users["marketer"])
    response = client.post(reverse("platforms:account_create"), {
        "platform": "wechat_oa", "handle": "服务号", "connector": "wechat_official_account",
        "app_id": WX["app_id"], "app_secret": WX["app_secret"],
    })
    account = PlatformAccount.objects.get()
    assert response.status_code == 302
    assert account.team == team
    page = client.get(reverse("platforms:account_detail", args=[account.pk])).content.decode()
    edit = client.get(reverse("platforms:account_edit", args=[account.pk])).content.decode()
    for html in (page, edit):
        assert WX["app_secret"] not in html
        assert account.credentials_ciphertext not in html


def test_document_form_rejects_past_expiry(client_as, users, team):
    account = qualified_account(team)
    response = client_as(users["marketer"]).post(
        reverse("platforms:document_add", args=[account.pk]),
        {"kind": "business_licence", "expires_on": "2020-01-01"},
    )
    assert response.status_code == 400
    assert "expires_on" in response.context["document_form"].errors


def test_catalogue_and_detail_pages(client_as, users):
    client = client_as(users["analyst"])
    page = client.get(reverse("platforms:catalogue")).content.decode()
    for name in ("微信公众号", "视频号", "微博", "抖音", "小红书", "知乎", "B站", "淘宝", "京东", "LinkedIn"):
        assert name in page
    detail = client.get(reverse("platforms:detail", args=["bilibili"]))
    assert detail.status_code == 200
    assert ("18-24", 46) in detail.context["ages"]
    assert client.get(reverse("platforms:detail", args=["myspace"])).status_code == 404


def test_catalogue_page_queries_are_constant(client_as, users, django_assert_max_num_queries):
    client = client_as(users["marketer"])
    client.get(reverse("platforms:catalogue"))
    with django_assert_max_num_queries(6):
        assert client.get(reverse("platforms:catalogue")).status_code == 200


def test_pages_render_in_english(client_as, users, team):
    account = qualified_account(team, "xiaohongshu")
    account.documents.filter(kind="business_licence").update(expires_on=datetime.date(2020, 5, 1))
    client = client_as(users["marketer"])
    client.cookies["django_language"] = "en"
    detail = client.get(reverse("platforms:account_detail", args=[account.pk])).content.decode()
    assert "Business licence expired on 2020-05-01." in detail
    ranking = client.get(reverse("platforms:recommend") + "?age_bands=18-24&content_format=video")
    assert "audience fit" in ranking.context["ranking"][0].explanation
    for name in ("platforms:catalogue", "platforms:account_list", "platforms:account_create"):
        assert client.get(reverse(name)).status_code == 200
    assert client.get(reverse("platforms:account_health", args=[account.pk])).status_code == 200


def test_pages_render_in_chinese_with_translated_reasons(client_as, users, team):
    account = qualified_account(team, "xiaohongshu")
    account.documents.filter(kind="business_licence").update(expires_on=datetime.date(2020, 5, 1))
    detail = client_as(users["marketer"]).get(
        reverse("platforms:account_detail", args=[account.pk])).content.decode()
    assert "营业执照已于 2020-05-01 过期。" in detail

"""Platform pages: forms show the services' rules, labels are translated, checks run later."""

import pytest
from django.urls import reverse

from platforms.crypto import encrypt_credentials
from platforms.models import ConnectorKind, PlatformAccount

from .factories import qualified_account

pytestmark = pytest.mark.django_db
ZH = {"HTTP_ACCEPT_LANGUAGE": "zh-hans"}
WX = {"app_id": "wx0123456789abcdef", "app_secret": "s3cr3t-value-never-shown"}


# -- forms show the services' rules -----------------------------------------------


def test_document_form_requires_expiry(client_as, users, team):
    account = qualified_account(team)
    response = client_as(users["marketer"]).post(
        reverse("platforms:document_add", args=[account.pk]), {"kind": "business_licence"}
    )
    assert response.status_code == 400
    assert "expires_on" in response.context["document_form"].errors


def test_create_form_wechat_without_credentials_shows_error(client_as, users, team):
    response = client_as(users["marketer"]).post(reverse("platforms:account_create"), {
        "platform": "wechat_oa", "handle": "h", "connector": "wechat_official_account",
    })
    assert response.status_code == 200
    assert "app_id" in response.context["form"].errors
    assert not PlatformAccount.objects.exists()


def test_edit_form_switching_to_wechat_without_credentials_shows_error(client_as, users, team):
    account = qualified_account(team, "wechat_oa")
    response = client_as(users["marketer"]).post(
        reverse("platforms:account_edit", args=[account.pk]),
        {"handle": account.handle, "connector": "wechat_official_account"},
    )
    assert response.status_code == 200
    assert "app_id" in response.context["form"].errors


# -- the new account's team: the service decides, the page offers the choice ----------


def test_create_page_offers_the_teams_where_the_user_may_edit(
    client_as, users, team, other_team
):
    marketer = client_as(users["marketer"]).get(reverse("platforms:account_create"))
    assert list(marketer.context["form"].fields["team"].queryset) == [team]
    assert marketer.context["form"].fields["team"].initial == team.pk
    manager = client_as(users["manager"]).get(reverse("platforms:account_create"))
    assert list(manager.context["form"].fields["team"].queryset) == [team, other_team]


def test_create_page_without_a_team_uses_the_users_only_team(client_as, users, team):
    response = client_as(users["marketer"]).post(reverse("platforms:account_create"), {
        "platform": "douyin", "handle": "h", "connector": "sandbox",
    })
    assert response.status_code == 302
    assert PlatformAccount.objects.get().team == team


def test_create_page_asks_which_team_when_several_qualify(
    client_as, users, team, other_team
):
    client = client_as(users["manager"])
    response = client.post(reverse("platforms:account_create"), {
        "platform": "douyin", "handle": "h", "connector": "sandbox",
    }, **ZH)
    assert response.status_code == 200
    assert response.context["form"].errors["team"] == ["请指明账号所属的团队。"]
    assert not PlatformAccount.objects.exists()
    chosen = client.post(reverse("platforms:account_create"), {
        "team": other_team.pk, "platform": "douyin", "handle": "h", "connector": "sandbox",
    })
    assert chosen.status_code == 302
    assert PlatformAccount.objects.get().team == other_team


def test_create_page_without_any_editable_team_is_403(client_as, users):
    assert client_as(users["analyst"]).get(
        reverse("platforms:account_create")).status_code == 403


# -- the health check runs in the background ---------------------------------------


def test_check_now_shows_the_check_under_way_until_it_ran(
    client_as, users, team, django_capture_on_commit_callbacks
):
    account = qualified_account(team)
    client = client_as(users["marketer"])
    with django_capture_on_commit_callbacks() as callbacks:
        response = client.post(
            reverse("platforms:account_health_check", args=[account.pk]), HTTP_HX_REQUEST="true"
        )
    html = response.content.decode()
    assert 'data-testid="health-checking"' in html
    assert 'hx-trigger="every 3s"' in html
    assert len(callbacks) == 1
    callbacks[0]()  # the worker picks the check up
    done = client.get(
        reverse("platforms:account_health", args=[account.pk]), HTTP_HX_REQUEST="true"
    ).content.decode()
    assert 'data-testid="health-ok"' in done
    assert 'hx-trigger="every 3s"' not in done  # the panel stops polling


def test_sandbox_health_detail_is_chinese_on_zh_pages(
    client_as, users, team, django_capture_on_commit_callbacks
):
    account = qualified_account(team)
    client = client_as(users["marketer"])
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("platforms:account_health_check", args=[account.pk]), **ZH)
    response = client.get(reverse("platforms:account_health", args=[account.pk]), **ZH)
    html = response.content.decode()
    assert 'data-testid="health-ok"' in html
    assert "Sandbox connector" not in html
    assert "模拟" in html


def test_health_page_shows_a_translated_error_summary(
    client_as, users, team, settings, django_capture_on_commit_callbacks, eager_retries
):
    settings.WECHAT_API_BASE = "http://127.0.0.1:9"
    account = qualified_account(
        team, "wechat_oa", connector=ConnectorKind.WECHAT_OFFICIAL_ACCOUNT,
        credentials_ciphertext=encrypt_credentials(WX),
    )
    client = client_as(users["marketer"])
    with django_capture_on_commit_callbacks(execute=True):
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


def test_health_page_shows_the_platform_error_code(
    client_as, users, team, django_capture_on_commit_callbacks
):
    account = qualified_account(
        team, "douyin", credentials_ciphertext=encrypt_credentials({"sandbox_fail": "permanent"})
    )
    client = client_as(users["marketer"])
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("platforms:account_health_check", args=[account.pk]), **ZH)
    response = client.get(reverse("platforms:account_health", args=[account.pk]), **ZH)
    html = response.content.decode()
    assert "sandbox-permanent" in html
    assert "Sandbox simulated" not in html
    api = client.get(f"/api/v1/platform-accounts/{account.pk}/", **ZH).json()
    assert api["last_error_code"] == "sandbox-permanent"
    assert "Sandbox simulated" not in api["last_error"]


# -- age bands are labelled, not shown as codes ---------------------------------------


def test_recommender_labels_age_bands_not_codes(client_as, users, settings):
    settings.LANGUAGE_CODE = "zh-hans"
    html = client_as(users["analyst"]).get("/platforms/recommend/").content.decode()
    assert "18 岁以下" in html
    assert "55 岁及以上" in html
    assert ">under-18<" not in html
    # The submitted value stays the code the recommender and the API understand.
    assert 'value="under-18"' in html


def test_recommender_age_labels_in_english(client_as, users):
    client = client_as(users["analyst"])
    client.cookies["django_language"] = "en"
    html = client.get("/platforms/recommend/?age_bands=under-18").content.decode()
    assert "Under 18" in html
    assert "55 and over" in html
    assert ">under-18<" not in html


def test_platform_detail_labels_age_bands(client_as, users, settings):
    settings.LANGUAGE_CODE = "zh-hans"
    html = client_as(users["marketer"]).get("/platforms/douyin/").content.decode()
    assert "<td>18 岁以下</td>" in html
    assert "<td>55 岁及以上</td>" in html
    assert "<td>under-18</td>" not in html


def test_platform_detail_keeps_codes_in_context(client_as, users):
    response = client_as(users["marketer"]).get("/platforms/douyin/")
    assert [band for band, _share in response.context["ages"]][0] == "under-18"

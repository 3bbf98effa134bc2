"""Platform API: the services' rules as 400s, responses that match the schema."""

import pytest
from drf_spectacular.generators import SchemaGenerator

from platforms.crypto import encrypt_credentials
from platforms.models import ConnectorKind, PlatformAccount

from .factories import PlatformAccountFactory, qualified_account

pytestmark = pytest.mark.django_db
WX = {"app_id": "wx0123456789abcdef", "app_secret": "s3cr3t-value-never-shown"}
ZH = {"HTTP_ACCEPT_LANGUAGE": "zh-hans"}


# -- qualification and credentials ---------------------------------------------------


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


def test_api_wechat_account_without_credentials_is_400(api_as, users, team):
    response = api_as(users["marketer"]).post(
        "/api/v1/platform-accounts/",
        {"platform": "wechat_oa", "handle": "h", "connector": "wechat_official_account"},
        format="json",
    )
    assert response.status_code == 400
    assert "app_id" in response.json()
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


def test_api_unknown_platform_is_translated(api_as, users, team):
    response = api_as(users["marketer"]).post(
        "/api/v1/platform-accounts/", {"platform": "nope", "handle": "h"}, format="json", **ZH
    )
    assert response.status_code == 400
    message = response.json()["platform"][0]
    assert "nope" in message
    assert "Unknown platform" not in message


def test_api_refuses_another_team_or_platform_on_update(api_as, users, team, other_team):
    account = qualified_account(team)
    url = f"/api/v1/platform-accounts/{account.pk}/"
    response = api_as(users["manager"]).patch(
        url, {"team": other_team.pk, "platform": "jd"}, format="json", **ZH
    )
    assert response.status_code == 400
    assert response.json() == {
        "team": ["此项不可修改；请新建账号。"], "platform": ["此项不可修改；请新建账号。"],
    }
    same = api_as(users["manager"]).patch(
        url, {"team": team.pk, "platform": "douyin", "handle": "kept"}, format="json"
    )
    assert same.status_code == 200
    assert same.json()["handle"] == "kept"


# -- the new account's team, and the rules the page shares -----------------------------


def test_api_create_without_a_team_uses_the_users_only_team(api_as, users, team):
    response = api_as(users["marketer"]).post(
        "/api/v1/platform-accounts/", {"platform": "douyin", "handle": "h"}, format="json"
    )
    assert response.status_code == 201
    assert response.json()["team"] == team.pk


def test_api_create_asks_which_team_when_several_qualify(api_as, users, team, other_team):
    client = api_as(users["manager"])
    response = client.post(
        "/api/v1/platform-accounts/", {"platform": "douyin", "handle": "h"}, format="json", **ZH
    )
    assert response.status_code == 400
    assert response.json() == {"team": ["请指明账号所属的团队。"]}
    chosen = client.post(
        "/api/v1/platform-accounts/",
        {"platform": "douyin", "handle": "h", "team": other_team.pk}, format="json",
    )
    assert chosen.status_code == 201
    assert chosen.json()["team"] == other_team.pk


def test_api_create_in_a_team_where_the_user_only_reads_is_403(api_as, users, team):
    response = api_as(users["analyst"]).post(
        "/api/v1/platform-accounts/", {"platform": "douyin", "handle": "h", "team": team.pk},
        format="json",
    )
    assert response.status_code == 403
    assert not PlatformAccount.objects.exists()


def test_missing_handle_gets_the_services_message_through_page_and_api(
    client_as, api_as, users, team
):
    page = client_as(users["marketer"]).post(
        "/platforms/accounts/new/", {"platform": "douyin", "connector": "sandbox"}, **ZH
    )
    api = api_as(users["marketer"]).post(
        "/api/v1/platform-accounts/", {"platform": "douyin"}, format="json", **ZH
    )
    assert page.context["form"].errors["handle"] == ["账号必须有名称。"]
    assert api.json() == {"handle": ["账号必须有名称。"]}
    assert not PlatformAccount.objects.exists()


def test_missing_document_expiry_gets_the_services_message_through_page_and_api(
    client_as, api_as, users, team
):
    account = qualified_account(team)
    count = account.documents.count()
    page = client_as(users["marketer"]).post(
        f"/platforms/accounts/{account.pk}/documents/", {"kind": "business_licence"}, **ZH
    )
    api = api_as(users["marketer"]).post(
        f"/api/v1/platform-accounts/{account.pk}/documents/",
        {"kind": "business_licence", "expires_on": None}, format="json", **ZH,
    )
    assert page.context["document_form"].errors["expires_on"] == ["请输入证件的到期日期。"]
    assert api.json() == {"expires_on": ["请输入证件的到期日期。"]}
    assert account.documents.count() == count


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


# -- connection health ---------------------------------------------------------------


def test_health_check_response_is_documented_as_it_is(
    api_as, users, team, django_capture_on_commit_callbacks
):
    account = PlatformAccountFactory(team=team)
    client = api_as(users["manager"])
    url = f"/api/v1/platform-accounts/{account.pk}/health/"
    with django_capture_on_commit_callbacks(execute=True):
        started = client.post(url)
    assert started.status_code == 202
    assert started.json()["checking"] is True
    response = client.get(url)
    assert response.status_code == 200
    body = response.json()
    assert body["ok"] is True
    assert body["checking"] is False
    assert body["needs_reconnection"] is False
    schema = SchemaGenerator().get_schema(request=None, public=True)
    for method, code, answer in (("get", "200", body), ("post", "202", started.json())):
        op = schema["paths"]["/api/v1/platform-accounts/{id}/health/"][method]
        ref = op["responses"][code]["content"]["application/json"]["schema"]["$ref"]
        documented = schema["components"]["schemas"][ref.rsplit("/", 1)[1]]
        assert set(documented["properties"]) == set(answer)
        assert set(documented["required"]) == set(answer)
    assert documented["properties"]["token_expires_at"].get("nullable") is True
    assert documented["properties"]["ok"].get("nullable") is True


def test_health_check_of_another_teams_account_is_404(api_as, outsider, team):
    account = PlatformAccountFactory(team=team)
    client = api_as(outsider)
    assert client.post(f"/api/v1/platform-accounts/{account.pk}/health/").status_code == 404
    assert client.get(f"/api/v1/platform-accounts/{account.pk}/health/").status_code == 404


def test_health_before_any_check_says_nothing_yet(api_as, users, team):
    account = PlatformAccountFactory(team=team)
    body = api_as(users["analyst"]).get(f"/api/v1/platform-accounts/{account.pk}/health/").json()
    assert (body["ok"], body["checking"], body["detail"], body["checked_at"]) == (
        None, False, "", None
    )

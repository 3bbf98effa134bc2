"""A Weibo account on the Weibo connector: created and edited through every door."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from platforms.crypto import decrypt_credentials
from platforms.models import ConnectorKind, PlatformAccount
from platforms.services import account_create, account_update

from .factories import platform, qualified_account

pytestmark = pytest.mark.django_db
TOKEN = "2.00weibo-token-never-shown"  # noqa: S105 - test fixture
ZH = {"HTTP_ACCEPT_LANGUAGE": "zh-hans"}


def test_weibo_account_keeps_its_credentials_encrypted(team, users):
    account = account_create(
        actor=users["marketer"], team=team, platform=platform("weibo"), handle="官方微博",
        connector=ConnectorKind.WEIBO, credentials={"access_token": TOKEN, "uid": "5678901234"},
    )
    assert account.connector == "weibo"
    assert TOKEN not in account.credentials_ciphertext
    assert decrypt_credentials(account.credentials_ciphertext) == {
        "access_token": TOKEN, "uid": "5678901234",
    }


def test_weibo_connector_needs_an_access_token(team, users):
    with pytest.raises(ValidationError) as info:
        account_create(
            actor=users["marketer"], team=team, platform=platform("weibo"), handle="h",
            connector=ConnectorKind.WEIBO,
        )
    assert list(info.value.message_dict) == ["access_token"]


def test_a_refresh_token_needs_the_app_key_and_secret(team, users):
    with pytest.raises(ValidationError) as info:
        account_create(
            actor=users["marketer"], team=team, platform=platform("weibo"), handle="h",
            connector=ConnectorKind.WEIBO,
            credentials={"access_token": TOKEN, "refresh_token": "r"},
        )
    assert set(info.value.message_dict) == {"app_key", "app_secret"}


def test_weibo_connector_only_serves_weibo_accounts(team, users):
    with pytest.raises(ValidationError) as info:
        account_create(
            actor=users["marketer"], team=team, platform=platform("douyin"), handle="h",
            connector=ConnectorKind.WEIBO, credentials={"access_token": TOKEN},
        )
    assert list(info.value.message_dict) == ["connector"]


def test_switching_to_weibo_needs_a_token_on_file(team, users):
    account = qualified_account(team, "weibo")
    with pytest.raises(ValidationError) as info:
        account_update(actor=users["marketer"], account=account, connector=ConnectorKind.WEIBO)
    assert list(info.value.message_dict) == ["access_token"]
    account_update(
        actor=users["marketer"], account=account, connector=ConnectorKind.WEIBO,
        credentials={"access_token": TOKEN},
    )
    account.refresh_from_db()
    assert account.connector == "weibo"


def test_create_page_offers_weibo_and_takes_its_token(client_as, users, team):
    page = client_as(users["marketer"]).get(reverse("platforms:account_create"), **ZH)
    html = page.content.decode()
    assert "微博开放平台 API" in html
    assert "微博 access token" in html
    response = client_as(users["marketer"]).post(reverse("platforms:account_create"), {
        "platform": "weibo", "handle": "官方微博", "connector": "weibo", "access_token": TOKEN,
        "app_id": "wx-ignored-for-weibo",
    })
    assert response.status_code == 302
    account = PlatformAccount.objects.get()
    assert decrypt_credentials(account.credentials_ciphertext) == {"access_token": TOKEN}
    detail = client_as(users["marketer"]).get(account.get_absolute_url())
    assert TOKEN not in detail.content.decode()


def test_create_page_without_a_token_shows_the_error_under_its_field(client_as, users, team):
    response = client_as(users["marketer"]).post(reverse("platforms:account_create"), {
        "platform": "weibo", "handle": "h", "connector": "weibo",
    }, **ZH)
    assert response.status_code == 200
    assert "access_token" in response.context["form"].errors
    assert "微博连接器需要该账号的 OAuth2 access token。" in response.content.decode()


def test_api_creates_a_weibo_account_and_never_echoes_the_token(api_as, users, team):
    response = api_as(users["marketer"]).post(
        "/api/v1/platform-accounts/",
        {"platform": "weibo", "handle": "官方微博", "connector": "weibo",
         "credentials": {"access_token": TOKEN}},
        format="json",
    )
    assert response.status_code == 201, response.json()
    assert response.json()["connector"] == "weibo"
    assert TOKEN not in response.content.decode()


def test_api_weibo_account_without_a_token_is_400_on_its_field(api_as, users, team):
    response = api_as(users["marketer"]).post(
        "/api/v1/platform-accounts/",
        {"platform": "weibo", "handle": "h", "connector": "weibo"}, format="json",
    )
    assert response.status_code == 400
    assert "access_token" in response.json()

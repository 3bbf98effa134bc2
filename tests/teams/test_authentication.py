"""The API's token check: one statement for a good key, DRF's own answers otherwise."""

import pytest
from django.utils import translation
from rest_framework.authtoken.models import Token
from rest_framework.exceptions import AuthenticationFailed
from rest_framework.test import APIClient, APIRequestFactory

from teams.authentication import TokenAuthentication
from teams.roles import Role
from tests.factories import member

pytestmark = pytest.mark.django_db


def request_with(key: str):
    return APIRequestFactory().get("/api/v1/", HTTP_AUTHORIZATION=f"Token {key}")


def test_a_good_key_is_its_user_in_one_query(team, django_assert_num_queries):
    user = member(team, Role.MARKETER, username="keyholder")
    token = Token.objects.create(user=user)
    with django_assert_num_queries(1):
        found, auth = TokenAuthentication().authenticate(request_with(token.key))
    assert found == user
    assert found.username == "keyholder"
    assert auth.key == token.key
    assert auth.user_id == user.pk
    assert not auth._state.adding


@pytest.mark.parametrize(("case", "message"), [
    ("unknown", "Invalid token."),
    ("inactive", "User inactive or deleted."),
])
def test_bad_keys_get_drfs_answers(team, case, message):
    user = member(team, Role.MARKETER)
    token = Token.objects.create(user=user)
    key = token.key
    if case == "unknown":
        key = "0" * 40
    else:
        user.is_active = False
        user.save()
    with translation.override("en"), pytest.raises(AuthenticationFailed) as refused:
        TokenAuthentication().authenticate(request_with(key))
    assert str(refused.value.detail) == message


def test_the_api_uses_it(team):
    user = member(team, Role.ANALYST)
    client = APIClient()
    assert client.get("/api/v1/campaigns/").status_code == 401
    client.credentials(HTTP_AUTHORIZATION="Token " + "f" * 40, HTTP_ACCEPT_LANGUAGE="en")
    refused = client.get("/api/v1/campaigns/")
    assert refused.status_code == 401
    assert refused.json() == {"detail": "Invalid token."}
    assert refused["WWW-Authenticate"] == "Token"
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=user).key}")
    assert client.get("/api/v1/campaigns/").status_code == 200

"""The API's token check: one statement for a good key, DRF's own answers otherwise."""

import pytest
from django.db import connection
from django.utils import translation
from rest_framework.authtoken.models import Token
from rest_framework.exceptions import AuthenticationFailed
from rest_framework.test import APIClient, APIRequestFactory

from teams.authentication import TokenAuthentication
from teams.models import AnswerTag
from teams.roles import Role
from tests.factories import UserFactory, member

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
    stored = type(user).objects.get(pk=user.pk)
    for field in type(user)._meta.concrete_fields:  # the same values, the same types
        assert getattr(found, field.attname) == getattr(stored, field.attname), field.name
    assert found.is_active is True
    assert found.date_joined.tzinfo is not None
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


def test_the_same_statement_reads_the_callers_teams_and_tags(
    team, other_team, django_assert_num_queries
):
    from teams.selectors import answer_scope, team_ids_visible_to
    from teams.services import answer_tags_renew

    analyst = member(team, Role.ANALYST, username="reader")
    manager = member(other_team, Role.MANAGER, username="boss")
    answer_tags_renew([team.pk, other_team.pk])
    tags = dict(AnswerTag.objects.values_list("team_id", "value"))
    for user, scope, total in (
        (analyst, str(team.pk), tags[team.pk]),
        (manager, "all", tags[team.pk] + tags[other_team.pk]),
    ):
        key = Token.objects.create(user=user).key
        with django_assert_num_queries(1):
            found, _auth = TokenAuthentication().authenticate(request_with(key))
            assert answer_scope(found) == (scope, total)
            assert team_ids_visible_to(found) == (None if scope == "all" else [team.pk])
        # Without the token check (a session), the same answer from one query.
        fresh = type(user).objects.get(pk=user.pk)
        with django_assert_num_queries(2):  # the memberships, the tags
            assert answer_scope(fresh) == (scope, total)


def test_a_user_without_teams_sees_none(django_assert_num_queries):
    from teams.selectors import answer_scope

    loner = UserFactory(username="loner")
    key = Token.objects.create(user=loner).key
    with django_assert_num_queries(1):
        found, _auth = TokenAuthentication().authenticate(request_with(key))
        assert answer_scope(found) == ("", 0)


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="PostgreSQL prepares the statement"
)
def test_postgresql_prepares_the_check_once_per_connection(team):
    from teams import authentication

    user = member(team, Role.MARKETER)
    key = Token.objects.create(user=user).key
    connection.campaignops_token_statement = None  # as on a new connection
    for _n in range(3):
        found, _auth = TokenAuthentication().authenticate(request_with(key))
        assert found == user
    assert connection.campaignops_token_statement == (
        f"EXECUTE {authentication.PREPARED_NAME}(%s)"
    )
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_prepared_statements WHERE name = %s",
            [authentication.PREPARED_NAME],
        )
        assert cursor.fetchone() == (1,)
    # A new session forgets it (connection_created), and prepares again.
    authentication._new_connection(sender=None, connection=connection)
    assert connection.campaignops_token_statement is None


def test_the_statement_is_sent_whole_where_it_cannot_be_prepared(team, settings):
    from teams import authentication

    user = member(team, Role.MARKETER)
    key = Token.objects.create(user=user).key
    pooled = connection.settings_dict.get("DISABLE_SERVER_SIDE_CURSORS", False)
    try:
        connection.settings_dict["DISABLE_SERVER_SIDE_CURSORS"] = True
        assert authentication._statement(connection) == authentication.token_check_sql(
            connection
        )
        found, _auth = TokenAuthentication().authenticate(request_with(key))
        assert found == user
    finally:
        connection.settings_dict["DISABLE_SERVER_SIDE_CURSORS"] = pooled

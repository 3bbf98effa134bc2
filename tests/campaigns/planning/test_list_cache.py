"""The campaign list API's cached answers: the same bytes, for the same teams, until a write."""

import json
from unittest import mock

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import update_last_login
from django.core.cache import cache
from rest_framework.authtoken.models import Token
from rest_framework.renderers import JSONRenderer
from rest_framework.test import APIClient

from campaigns.planning.models import Campaign
from teams.answers import AnswerCache, answers
from teams.models import AnswerTag, Membership
from teams.roles import Role
from teams.services.answers import TAG_BITS
from tests.campaigns.planning.factories import CampaignFactory
from tests.factories import MembershipFactory

pytestmark = pytest.mark.django_db

URL = "/api/v1/campaigns/"
CAMPAIGN = {"name": "Spring", "objective": "awareness", "budget": "1000.00",
            "start_date": "2027-03-01", "end_date": "2027-03-31"}


def token_client(user) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=user).key}")
    return client


def names(response) -> list[str]:
    assert response.status_code == 200, response.content[:300]
    return [row["name"] for row in json.loads(response.content)["results"]]


def tag(team) -> int:
    row = AnswerTag.objects.filter(team_id=team.pk).first()
    return row.value if row else 0


@pytest.fixture
def campaigns(team, other_team, users):
    owner = users["marketer"]
    return {
        "ours": CampaignFactory(team=team, owner=owner, name="Ours"),
        "theirs": CampaignFactory(team=other_team, owner=owner, name="Theirs"),
    }


def test_a_cached_answer_is_the_bytes_drf_renders(campaigns, users):
    client = token_client(users["marketer"])
    computed = client.get(URL)
    cached = client.get(URL)
    expected = client.get(URL, HTTP_ACCEPT="application/json; indent=4")  # never cached
    assert computed.content == cached.content
    assert computed["Content-Type"] == cached["Content-Type"] == "application/json"
    assert cached["Vary"] == computed["Vary"]
    assert cached.content == JSONRenderer().render(json.loads(expected.content))
    assert json.loads(cached.content)["results"][0]["owner"] == "marketer"


@pytest.mark.parametrize("role", [Role.MARKETER, Role.ANALYST, Role.MANAGER, "superuser"])
def test_a_cached_answer_costs_one_query(campaigns, users, team, role, django_assert_num_queries):
    if role == "superuser":
        user = get_user_model().objects.create_superuser("root", "root@example.com", "pw")
    else:
        user = users[role]
    client = token_client(user)
    # Computed: the token with the caller's teams and tags, the count, the rows.
    with django_assert_num_queries(3):
        first = client.get(URL)
    # Cached: the token with the caller's teams and tags only.
    with django_assert_num_queries(1):
        second = client.get(URL)
    assert second.content == first.content
    everyone = role in {Role.MANAGER, "superuser"}
    assert names(second) == (["Theirs", "Ours"] if everyone else ["Ours"])


def test_a_signed_in_page_session_is_keyed_the_same_way(campaigns, users, client):
    client.force_login(users["marketer"])
    first = client.get(URL, HTTP_ACCEPT="application/json")
    second = client.get(URL, HTTP_ACCEPT="application/json")
    assert first.status_code == second.status_code == 200
    assert first.content == second.content
    assert names(second) == ["Ours"]
    Campaign.objects.get(pk=campaigns["ours"].pk).save()
    CampaignFactory(team=campaigns["ours"].team, owner=users["marketer"], name="New")
    assert sorted(names(client.get(URL, HTTP_ACCEPT="application/json"))) == ["New", "Ours"]


def test_an_answer_is_never_shared_across_teams(campaigns, users, outsider):
    assert names(token_client(users["marketer"]).get(URL)) == ["Ours"]
    assert names(token_client(outsider).get(URL)) == ["Theirs"]
    assert names(token_client(users["analyst"]).get(URL)) == ["Ours"]


def test_each_address_has_its_own_answer(team, users):
    owner = users["marketer"]
    for n in range(3):
        CampaignFactory(team=team, owner=owner, name=f"Draft {n}")
    CampaignFactory(team=team, owner=owner, name="Live", status="running")
    client = token_client(owner)
    assert len(names(client.get(URL))) == 4
    assert names(client.get(URL, {"status": "running"})) == ["Live"]
    assert names(client.get(URL, {"search": "Draft 1"})) == ["Draft 1"]
    assert len(names(client.get(URL))) == 4
    assert names(client.get(URL, {"status": "running"})) == ["Live"]


@pytest.mark.parametrize("write", [
    "api create", "api update", "api delete", "api transition", "model save", "owner renamed",
])
def test_every_write_the_list_shows_changes_the_answer(campaigns, users, team, write):
    marketer, manager = users["marketer"], users["manager"]
    client = token_client(marketer)
    before = client.get(URL).content
    assert client.get(URL).content == before  # cached
    ours = campaigns["ours"]
    if write == "api create":
        assert client.post(URL, {**CAMPAIGN, "team": team.pk}, format="json").status_code == 201
    elif write == "api update":
        assert client.patch(f"{URL}{ours.pk}/", {"name": "Renamed"},
                            format="json").status_code == 200
    elif write == "api delete":
        assert client.delete(f"{URL}{ours.pk}/").status_code == 204
    elif write == "api transition":
        response = token_client(manager).post(f"{URL}{ours.pk}/transition/",
                                              {"to": "cancelled"}, format="json")
        assert response.status_code == 200, response.content
    elif write == "model save":
        Campaign.objects.get(pk=ours.pk).save()  # e.g. an admin edit: updated_at moves
    elif write == "owner renamed":
        marketer.username = "marketer-renamed"
        marketer.save()
    after = client.get(URL)
    assert after.content != before
    expected = {
        "api create": ["Ours", "Spring"], "api update": ["Renamed"], "api delete": [],
        "api transition": ["Ours"], "model save": ["Ours"], "owner renamed": ["Ours"],
    }[write]
    assert sorted(names(after)) == expected
    rows = {row["name"]: row for row in json.loads(after.content)["results"]}
    if write == "api transition":
        assert rows["Ours"]["status"] == "cancelled"
    if write == "owner renamed":
        assert rows["Ours"]["owner"] == "marketer-renamed"


def test_a_campaign_moved_to_another_team_leaves_both_lists(campaigns, users, outsider, team):
    ours = token_client(users["marketer"])
    theirs = token_client(outsider)
    assert names(ours.get(URL)) == ["Ours"]
    assert names(theirs.get(URL)) == ["Theirs"]
    moved = Campaign.objects.get(pk=campaigns["ours"].pk)
    moved.team = outsider.memberships.get().team
    moved.save()  # an admin edit; the API keeps the team
    assert names(ours.get(URL)) == []
    assert sorted(names(theirs.get(URL))) == ["Ours", "Theirs"]


def test_a_login_changes_no_tag(campaigns, users, team):
    before = tag(team)
    assert before != 0
    update_last_login(None, users["marketer"])  # what every sign-in saves
    assert tag(team) == before
    users["marketer"].save()  # a full save may carry a new username
    assert tag(team) != before


def test_tags_are_random_and_bounded(campaigns, team):
    seen = set()
    for _n in range(5):
        Campaign.objects.get(pk=campaigns["ours"].pk).save()
        seen.add(tag(team))
    assert len(seen) == 5
    assert all(0 <= value < 2**TAG_BITS for value in seen)


def test_joining_a_team_or_a_new_role_shows_its_campaigns_at_once(campaigns, users, other_team):
    client = token_client(users["analyst"])
    assert names(client.get(URL)) == ["Ours"]
    MembershipFactory(user=users["analyst"], team=other_team, role=Role.ANALYST)
    assert sorted(names(client.get(URL))) == ["Ours", "Theirs"]
    Membership.objects.filter(user=users["analyst"], team=other_team).delete()
    assert names(client.get(URL)) == ["Ours"]
    Membership.objects.filter(user=users["analyst"]).update(role=Role.MANAGER)
    assert sorted(names(client.get(URL))) == ["Ours", "Theirs"]


def test_other_renderers_and_errors_are_never_stored(campaigns, users):
    client = token_client(users["marketer"])
    answers.clear_local()
    html = client.get(URL, HTTP_ACCEPT="text/html")
    assert html.status_code == 200
    assert b"<html" in html.content.lower()
    indented = client.get(URL, HTTP_ACCEPT="application/json; indent=2")
    assert b'\n  "count"' in indented.content
    bad = client.get(URL, {"status": "nonsense"})
    assert bad.status_code == 400
    assert "status" in bad.json()
    assert len(answers._local) == 0
    client.get(URL)
    assert len(answers._local) == 1


def test_without_a_shared_cache_the_list_is_computed(campaigns, users, caplog):
    client = token_client(users["marketer"])
    expected = client.get(URL).content
    answers.clear_local()
    down = ConnectionError("cache unreachable")
    with mock.patch.object(cache, "get", side_effect=down), \
            mock.patch.object(cache, "set", side_effect=down):
        response = client.get(URL)
        assert response.status_code == 200
        assert response.content == expected
        answers.clear_local()
        client.post(URL, {**CAMPAIGN, "team": campaigns["ours"].team_id}, format="json")
        assert sorted(names(client.get(URL))) == ["Ours", "Spring"]
    assert "Answer cache unreadable" in caplog.text
    assert "Answer cache unwritable" in caplog.text


def test_a_shared_answer_reaches_another_process():
    shared = AnswerCache(size=2)
    other_process = AnswerCache(size=2)
    shared.put("k", b"body")
    assert other_process.get("k") == b"body"


def test_each_process_keeps_only_its_latest_answers():
    local = AnswerCache(size=2)
    with mock.patch.object(cache, "get", return_value=None), \
            mock.patch.object(cache, "set"):
        local.put("a", b"1")
        local.put("b", b"2")
        assert local.get("a") == b"1"  # now the latest
        local.put("c", b"3")
        assert local.get("b") is None  # the oldest left
        assert local.get("a") == b"1"
        assert local.get("c") == b"3"

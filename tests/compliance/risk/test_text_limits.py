"""Incident, plan and drill texts: longer than the limit is refused with the limit in the
message on every door, never cut (not by the browser, not by the service)."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from compliance.risk.models import Drill, Incident, IncidentUpdate
from compliance.risk.services import (
    drill_create,
    drill_run_record,
    emergency_plan_save,
    incident_add_update,
    incident_open,
)

pytestmark = pytest.mark.django_db
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


@pytest.fixture
def incident(team, users):
    return incident_open(actor=users["manager"], team=team, incident_type="other",
                         title="账号异常")


def test_a_40000_character_update_is_refused_on_the_page_with_the_limit(
    incident, users, client_as
):
    client = client_as(users["marketer"])

    page = client.get(reverse("risk:incident_detail", args=[incident.pk])).content.decode()
    response = client.post(reverse("risk:incident_update", args=[incident.pk]),
                           {"message": "长" * 40000}, **EN)

    assert "maxlength" not in page
    assert response.status_code == 400
    assert response.context["update_form"].errors["message"] == [
        "Keep this to 5000 characters (it has 40000)."
    ]
    assert not IncidentUpdate.objects.filter(kind="note").exists()


def test_an_update_of_5000_characters_is_kept_whole(incident, users):
    update = incident_add_update(actor=users["marketer"], incident=incident, message="字" * 5000)

    assert len(IncidentUpdate.objects.get(pk=update.pk).message) == 5000


def test_the_api_refuses_a_long_update_too(incident, users, api_as):
    response = api_as(users["marketer"]).post(
        f"/api/v1/compliance/incidents/{incident.pk}/updates/", {"message": "x" * 5001},
        format="json", **EN)

    assert response.status_code == 400
    assert list(response.json()) == ["message"]
    assert "5000" in response.json()["message"][0]


def test_a_long_title_is_refused_not_cut(team, users):
    with pytest.raises(ValidationError) as exc:
        incident_open(actor=users["manager"], team=team, incident_type="other", title="t" * 201)

    assert exc.value.message_dict == {"title": ["Keep this to 200 characters (it has 201)."]}
    assert not Incident.objects.exists()


def test_plan_texts_are_refused_not_cut(team, users):
    with pytest.raises(ValidationError) as name:
        emergency_plan_save(actor=users["manager"], team=team, incident_type="other",
                            name="n" * 201, steps=[{"title": "ok"}])
    with pytest.raises(ValidationError) as step:
        emergency_plan_save(actor=users["manager"], team=team, incident_type="other",
                            name="ok", steps=[{"title": "s" * 201}])

    assert name.value.message_dict == {"name": ["Keep this to 200 characters (it has 201)."]}
    assert step.value.message_dict == {
        "steps": ["Step 1: Keep this to 200 characters (it has 201)."]
    }


def test_drill_texts_are_refused_not_cut(team, users):
    with pytest.raises(ValidationError) as title:
        drill_create(actor=users["manager"], team=team, title="d" * 201,
                     next_due=timezone.localdate())
    drill = Drill.objects.create(team=team, title="演练", next_due=timezone.localdate())
    with pytest.raises(ValidationError) as participants:
        drill_run_record(actor=users["manager"], drill=drill, ran_on=timezone.localdate(),
                         log="ok", participants="p" * 301)

    assert title.value.message_dict == {"title": ["Keep this to 200 characters (it has 201)."]}
    assert participants.value.message_dict == {
        "participants": ["Keep this to 300 characters (it has 301)."]
    }


def test_risk_pages_carry_no_maxlength(team, users, client_as, incident):
    client = client_as(users["manager"])

    for url in (reverse("risk:incident_list"), reverse("risk:plan_create"),
                reverse("risk:drill_list")):
        assert "maxlength" not in client.get(url).content.decode(), url

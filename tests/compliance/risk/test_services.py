"""Risk services: spike incidents, ingest handing the check to Celery, de-duplicated tasks."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone, translation

from compliance.risk.models import Drill, EmergencyPlan, Incident, OpinionSignal
from compliance.risk.services import (
    drill_create,
    emergency_plan_save,
    incident_open,
    opinion_ingest,
)
from teams.models import Task
from tests.compliance.risk.factories import (
    EmergencyPlanFactory,
    EmergencyPlanStepFactory,
    spike_incident,
)


def test_spike_title_is_in_the_site_language_whoever_noticed_it(team):
    with translation.override("en"):
        incident = spike_incident(team)
    assert incident.title.startswith("负面")
    assert "spike" not in incident.title


# --- the ingest hands the spike check to Celery ---------------------------------------

NOW = timezone.now()


def _negatives(n=6, start=0):
    return [{"occurred_at": NOW - datetime.timedelta(minutes=3, seconds=i), "score": 0.05,
             "label": "negative", "source": "weibo", "external_id": f"n{start + i}"}
            for i in range(n)]


def test_ingest_records_signals_and_does_not_check_inside_the_request(team):
    ingested = opinion_ingest(actor=None, team=team, items=_negatives())
    assert len(ingested.signals) == OpinionSignal.objects.count() == 6
    assert ingested.spike_check_queued is True
    assert not Incident.objects.exists()


def test_ingest_queues_one_spike_check_after_commit(team, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        opinion_ingest(actor=None, team=team, items=_negatives())
    assert len(callbacks) == 1
    assert not Incident.objects.exists()
    callbacks[0]()  # the worker runs the task once the signals are committed
    assert Incident.objects.get(team=team).incident_type == "negative_publicity"


def test_ingest_of_nothing_new_queues_no_check(team, django_capture_on_commit_callbacks):
    opinion_ingest(actor=None, team=team, items=_negatives())
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        assert opinion_ingest(actor=None, team=team, items=_negatives()) == ([], False)
    assert callbacks == []


def test_api_ingest_answers_recorded_and_queued_and_the_schema_says_so(
        team, users, api_as, django_capture_on_commit_callbacks):
    from drf_spectacular.generators import SchemaGenerator

    items = [{**item, "occurred_at": item["occurred_at"].isoformat()} for item in _negatives()]
    client = api_as(users["marketer"])
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = client.post("/api/v1/compliance/opinion/signals/",
                               {"team": team.pk, "items": items}, format="json")
    assert response.json() == {"recorded": 6, "spike_check_queued": True}
    assert len(callbacks) == 1
    again = client.post("/api/v1/compliance/opinion/signals/",
                        {"team": team.pk, "items": items}, format="json")
    assert again.json() == {"recorded": 0, "spike_check_queued": False}
    schema = SchemaGenerator().get_schema(request=None, public=True)
    documented = schema["components"]["schemas"]["OpinionIngestResponse"]
    assert set(documented["properties"]) == {"recorded", "spike_check_queued"}
    assert set(documented["required"]) == {"recorded", "spike_check_queued"}


def test_api_ingest_item_without_score_or_text_is_refused_by_the_service(team, users, api_as):
    response = api_as(users["marketer"]).post(
        "/api/v1/compliance/opinion/signals/",
        {"team": team.pk, "items": [{"occurred_at": NOW.isoformat()}]}, format="json",
        HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    assert response.json() == {
        "items[0].score": ["A score between 0 and 1 (or a text) is required."]}
    assert not OpinionSignal.objects.exists()


# --- tasks created for an occasion carry a de-duplication key --------------------------

def test_incident_step_tasks_are_keyed_by_incident_and_plan_step(team, users):
    plan = EmergencyPlanFactory(team=team, incident_type="account_banned")
    steps = [EmergencyPlanStepFactory(plan=plan, order=n) for n in (1, 2)]
    incident = incident_open(actor=users["manager"], team=team, incident_type="account_banned",
                             title="账号被封")
    keys = sorted(Task.objects.filter(pk__in=incident.steps.values("task")).values_list(
        "dedup_key", flat=True))
    assert keys == [f"incident-step:{incident.pk}:{step.pk}" for step in steps]


# --- one rule, both doors: plans and drills --------------------------------------------

PLAN = {"incident_type": "data_leak", "name": "数据泄露预案"}


def test_plan_needs_at_least_one_step(team, users):
    with pytest.raises(ValidationError) as exc:
        emergency_plan_save(actor=users["manager"], team=team, steps=[], **PLAN)
    assert exc.value.message_dict == {"steps": ["Add at least one step."]}
    assert not EmergencyPlan.objects.exists()


def test_api_plan_without_steps_is_refused(team, users, api_as):
    response = api_as(users["manager"]).post(
        "/api/v1/compliance/emergency-plans/", {"team": team.pk, **PLAN}, format="json",
        HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    assert response.json() == {"steps": ["Add at least one step."]}


@pytest.mark.parametrize("hours", [-1, 24 * 365 + 1])
def test_plan_step_hours_are_bounded_through_both_doors(team, users, client_as, api_as, hours):
    message = f"Step 1: hours must be a whole number from 0 to {24 * 365}."
    with pytest.raises(ValidationError) as exc:
        emergency_plan_save(actor=users["manager"], team=team,
                            steps=[{"title": "封堵", "due_offset_hours": hours}], **PLAN)
    assert exc.value.message_dict == {"steps": [message]}
    api = api_as(users["manager"]).post("/api/v1/compliance/emergency-plans/", {
        "team": team.pk, "steps": [{"title": "封堵", "due_offset_hours": hours}], **PLAN,
    }, format="json", HTTP_ACCEPT_LANGUAGE="en")
    assert api.status_code == 400
    assert api.json() == {"steps": [message]}
    if hours >= 0:  # the page's line format has no minus sign: it refuses -1 as it parses
        page = client_as(users["manager"]).post("/compliance/plans/new/", {
            "team": team.pk, "steps": f"封堵 | admin | {hours}", **PLAN,
        }, HTTP_ACCEPT_LANGUAGE="en")
        assert page.status_code == 400
        assert page.context["form"].errors == {"steps": [message]}
    assert not EmergencyPlan.objects.exists()


@pytest.mark.parametrize("days", [0, 3651])
def test_drill_interval_is_bounded_by_the_service(team, users, client_as, days):
    with pytest.raises(ValidationError) as exc:
        drill_create(actor=users["manager"], team=team, title="演练",
                     next_due=timezone.localdate(), interval_days=days)
    assert exc.value.message_dict == {"interval_days": ["Repeat every 1 to 3650 days."]}
    page = client_as(users["manager"]).post("/compliance/drills/", {
        "team": team.pk, "title": "演练", "next_due": timezone.localdate().isoformat(),
        "interval_days": days}, HTTP_ACCEPT_LANGUAGE="en")
    assert page.status_code == 400
    assert page.context["drill_form"].errors == {"interval_days": ["Repeat every 1 to 3650 days."]}
    assert not Drill.objects.exists()

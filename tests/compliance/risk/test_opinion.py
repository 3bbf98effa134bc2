"""Negative-spike detection and the incident it opens (S3.2.1)."""

import datetime

import pytest
from django.utils import timezone

from compliance.risk.models import Incident, IncidentUpdate, OpinionAlertRule, OpinionSignal
from compliance.risk.opinion import SpikeThresholds, evaluate_spike
from compliance.risk.services import opinion_ingest, opinion_spike_check
from tests.compliance.risk.factories import EmergencyPlanFactory, EmergencyPlanStepFactory

NOW = datetime.datetime(2026, 6, 1, 4, 0, tzinfo=datetime.UTC)


def _items(n, label, minutes_ago, source="weibo", start=0):
    return [
        {"occurred_at": NOW - datetime.timedelta(minutes=minutes_ago, seconds=i),
         "score": 0.1 if label == "negative" else 0.8, "label": label, "source": source,
         "external_id": f"{source}-{label}-{minutes_ago}-{start + i}"}
        for i in range(n)
    ]


def _baseline():
    # A week of calm: 1 negative and 9 others every 12 hours.
    items = []
    for h in range(2, 24 * 7, 12):
        items += _items(1, "negative", h * 60, start=h) + _items(9, "positive", h * 60, start=h)
    return items


@pytest.mark.parametrize(("neg", "total", "base_neg", "base_total", "spike"), [
    (10, 20, 10, 100, True),     # 50% against a 10% baseline
    (4, 5, 0, 0, False),         # below the minimum count
    (6, 30, 0, 100, False),      # 20% share: below the minimum share
    (10, 20, 50, 100, False),    # 50% but the baseline is 50% too
    (5, 10, 0, 0, True),         # no history: count and share decide
])
def test_evaluate_spike_table(neg, total, base_neg, base_total, spike):
    verdict = evaluate_spike(negative=neg, total=total, baseline_negative=base_neg,
                             baseline_total=base_total, thresholds=SpikeThresholds())
    assert verdict.is_spike is spike


@pytest.mark.django_db
def test_spike_opens_one_incident_with_plan_steps(team, users):
    plan = EmergencyPlanFactory(team=team, incident_type="negative_publicity", name="负面舆情")
    EmergencyPlanStepFactory(plan=plan, title="评估舆情规模", owner_role="manager", order=1)
    EmergencyPlanStepFactory(plan=plan, title="发布致歉声明", owner_role="reviewer", order=2)
    opinion_ingest(actor=None, team=team, items=_baseline())
    assert opinion_spike_check(team=team, now=NOW) is None
    assert not Incident.objects.exists()

    opinion_ingest(
        actor=None, team=team,
        items=_items(8, "negative", 10) + _items(4, "positive", 10),
    )
    incident = opinion_spike_check(team=team, now=NOW)
    assert incident is not None
    assert incident.incident_type == "negative_publicity"
    assert incident.source == "weibo"
    assert incident.details["negative_count"] == 8
    assert [s.title for s in incident.steps.order_by("order")] == ["评估舆情规模", "发布致歉声明"]
    assert [s.owner.username for s in incident.steps.order_by("order")] == ["manager", "reviewer"]
    assert all(s.task_id for s in incident.steps.all())

    # More negative comments in the same spike: same incident, one more timeline entry.
    opinion_ingest(actor=None, team=team, items=_items(5, "negative", 2, start=100))
    again = opinion_spike_check(team=team, now=NOW + datetime.timedelta(minutes=5))
    assert again.pk == incident.pk
    assert Incident.objects.count() == 1
    assert IncidentUpdate.objects.filter(incident=incident).count() == 2


@pytest.mark.django_db
def test_no_spike_when_negatives_are_usual_for_the_team(team):
    opinion_ingest(actor=None, team=team, items=[
        item for h in range(2, 24 * 7, 2) for item in _items(3, "negative", h * 60, start=h)
        + _items(3, "positive", h * 60, start=h)
    ])
    opinion_ingest(
        actor=None, team=team,
        items=_items(3, "negative", 5, start=999) + _items(3, "positive", 5, start=999),
    )
    incident = opinion_spike_check(team=team, now=NOW)
    assert incident is None


@pytest.mark.django_db
def test_team_rule_thresholds_and_switch_off(team):
    OpinionAlertRule.objects.create(team=team, min_negative_count=20)
    opinion_ingest(actor=None, team=team, items=_items(10, "negative", 5))
    incident = opinion_spike_check(team=team, now=NOW)
    assert incident is None
    OpinionAlertRule.objects.filter(team=team).update(min_negative_count=5, is_active=False)
    assert opinion_spike_check(team=team, now=NOW) is None
    OpinionAlertRule.objects.filter(team=team).update(is_active=True)
    assert opinion_spike_check(team=team, now=NOW) is not None


@pytest.mark.django_db
def test_ingest_skips_duplicates_and_scores_texts(team):
    items = [{"occurred_at": NOW.isoformat(), "text": "质量太差了，再也不买了",
              "source": "douyin", "external_id": "c1"}]
    opinion_ingest(actor=None, team=team, items=items)
    opinion_ingest(actor=None, team=team, items=items)
    signal = OpinionSignal.objects.get()
    assert signal.label == "negative"
    assert signal.score < 0.35


def test_api_ingest_opens_incident_and_rejects_bad_input(team, users, other_team, api_as,
                                                         django_capture_on_commit_callbacks):
    client = api_as(users["marketer"])
    url = "/api/v1/compliance/opinion/signals/"
    items = [{"occurred_at": timezone.now().isoformat(), "text": "太差了，千万别买",
              "source": "weibo", "external_id": f"x{i}"} for i in range(6)]
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"team": team.pk, "items": items}, format="json")
    assert response.status_code == 200
    assert response.json()["recorded"] == 6
    # The spike check ran as a task once the signals were committed.
    assert response.json()["spike_check_queued"] is True
    assert Incident.objects.filter(team=team).exists()

    bad = client.post(url, {"team": team.pk, "items": [{"occurred_at": "yesterday"}]},
                      format="json")
    assert bad.status_code == 400
    assert "items" in bad.json()
    foreign = client.post(url, {"team": other_team.pk, "items": items}, format="json")
    assert foreign.status_code == 400
    assert "team" in foreign.json()
    analyst = api_as(users["analyst"]).post(url, {"team": team.pk, "items": items}, format="json")
    assert analyst.status_code == 403


@pytest.mark.django_db
def test_repeated_checks_of_the_same_window_add_no_timeline_noise(team):
    opinion_ingest(actor=None, team=team, items=_items(6, "negative", 5))
    incident = opinion_spike_check(team=team, now=NOW)
    assert incident is not None
    for _ in range(3):
        assert opinion_spike_check(team=team, now=NOW).pk == incident.pk
    assert incident.updates.count() == 1

"""The risk demo seeder: plans for the spec's cases, a drill, an incident from a spike."""

import io

from django.core.management import call_command

from compliance.risk.demo import seed
from compliance.risk.models import Drill, EmergencyPlan, Incident, IncidentUpdate
from teams.demo import DemoContext
from teams.models import Task


def test_demo_seed_is_idempotent_and_covers_the_spec_cases(team, users):
    ctx = DemoContext(team=team, users=users)
    seed(ctx)
    counts = (EmergencyPlan.objects.count(), Drill.objects.count(), Incident.objects.count(),
              IncidentUpdate.objects.count(), Task.objects.count())
    seed(ctx)
    assert counts == (EmergencyPlan.objects.count(), Drill.objects.count(),
                      Incident.objects.count(), IncidentUpdate.objects.count(),
                      Task.objects.count())
    banned = EmergencyPlan.objects.get(team=team, incident_type="account_banned")
    titles = [s.title for s in banned.steps.order_by("order")]
    assert "联系平台" in titles[0]
    assert "原因" in titles[1]
    assert "申诉" in titles[2]
    assert {p.incident_type for p in EmergencyPlan.objects.filter(team=team)} >= {
        "account_banned", "content_complaint", "negative_publicity", "data_leak"}
    incident = Incident.objects.get(team=team, status="open")
    assert incident.incident_type == "negative_publicity"
    assert incident.steps.count() == 4
    assert Drill.objects.get(team=team).plan == banned


def test_seed_demo_command_runs_the_risk_seeder(db):
    call_command("seed_demo", stdout=io.StringIO())
    assert Incident.objects.filter(status="open").count() == 1
    assert EmergencyPlan.objects.count() >= 4

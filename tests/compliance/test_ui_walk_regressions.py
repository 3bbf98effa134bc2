"""Regressions found walking the compliance pages as a person would, in both languages."""

import pytest
from django.utils import timezone

from compliance.models_risk import Drill
from tests.compliance.risk_factories import DataSubjectRequestFactory, EmergencyPlanFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(("role", "offered"), [
    ("analyst", False), ("marketer", False), ("reviewer", True), ("manager", True),
])
def test_subject_export_offered_only_to_roles_that_may_export(
    client_as, team, users, settings, role, offered,
):
    settings.LANGUAGE_CODE = "zh-hans"
    dsr = DataSubjectRequestFactory(team=team)
    client = client_as(users[role])
    html = client.get("/compliance/privacy/").content.decode()
    export_url = f"/compliance/privacy/requests/{dsr.pk}/export/"
    assert 'data-testid="dsr-table"' in html
    assert (export_url in html) is offered
    assert client.get(export_url).status_code == (200 if offered else 403)


def test_subject_request_table_scrolls_on_narrow_screens(client_as, team, users):
    DataSubjectRequestFactory(team=team)
    html = client_as(users["manager"]).get("/compliance/privacy/").content.decode()
    assert '<div class="table-responsive">\n<table class="table table-sm align-middle" ' \
           'data-testid="dsr-table">' in html


@pytest.mark.parametrize(("role", "offered"), [
    ("analyst", False), ("marketer", True), ("reviewer", True),
])
def test_record_drill_run_offered_only_to_incident_managers(
    client_as, team, users, settings, role, offered,
):
    settings.LANGUAGE_CODE = "zh-hans"
    plan = EmergencyPlanFactory(team=team)
    drill = Drill.objects.create(team=team, plan=plan, title="季度演练",
                                 next_due=timezone.localdate())
    client = client_as(users[role])
    html = client.get("/compliance/drills/").content.decode()
    assert "季度演练" in html
    assert (f"/compliance/drills/{drill.pk}/run/" in html) is offered
    assert ("记录演练" in html) is offered
    response = client.post(f"/compliance/drills/{drill.pk}/run/", {
        "ran_on": timezone.localdate().isoformat(), "log": "完成",
    })
    assert response.status_code == (302 if offered else 403)

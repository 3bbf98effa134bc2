"""Regressions found walking the compliance pages as a person would, in both languages."""

import datetime

import pytest
from django.utils import timezone

from compliance.risk.models import Drill
from tests.compliance.risk.factories import DataSubjectRequestFactory, EmergencyPlanFactory

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


def _filing_payload(team, **overrides):
    from tests.compliance.advertising.factories import platform

    today = timezone.localdate()
    data = {
        "team": team.pk, "platform": platform("weibo").pk, "filing_number": "WB-2026-0815",
        "amount_cny": "5000", "starts_on": str(today),
        "ends_on": str(today + datetime.timedelta(days=30)),
    }
    data.update(overrides)
    return data


def test_filing_date_and_amount_errors_sit_under_their_fields(client_as, team, users, settings):
    settings.LANGUAGE_CODE = "zh-hans"
    today = timezone.localdate()
    response = client_as(users["marketer"]).post("/compliance/filings/new/", _filing_payload(
        team, amount_cny="-5", ends_on=str(today - datetime.timedelta(days=3)),
    ))
    html = response.content.decode()
    assert response.status_code == 200
    form = response.context["form"]
    assert form.errors["ends_on"] == ["结束日期不能早于开始日期。"]
    assert form.errors["amount_cny"] == ["请输入不小于零的金额。"]
    assert not form.non_field_errors()
    assert 'data-testid="error-ends_on">结束日期不能早于开始日期。' in html
    # Input is kept.
    assert 'value="WB-2026-0815"' in html


def test_optional_filing_document_is_not_reported_missing(client_as, team, users, settings):
    settings.LANGUAGE_CODE = "zh-hans"
    response = client_as(users["marketer"]).post("/compliance/filings/new/", _filing_payload(
        team, filing_number="",
    ))
    html = response.content.decode()
    assert response.status_code == 200
    assert 'data-testid="error-filing_number"' in html
    assert 'data-testid="error-file"' not in html

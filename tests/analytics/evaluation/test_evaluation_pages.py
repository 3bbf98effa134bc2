"""Evaluation pages: reports (page, print, XLSX), phase reviews, diagnosis and actions."""

import datetime
import io
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from analytics.models import ActionStatus, Finding, FindingKind, OptimisationAction
from analytics.services import reviews
from campaigns.planning.models import PhaseKind
from teams.models import Task, TaskStatus
from tests.campaigns.planning.factories import PhaseFactory

from .conftest import DAY, START, put

pytestmark = pytest.mark.django_db

MONDAY = datetime.date(2030, 3, 11)


@pytest.fixture
def report(campaign, reads_kpi, wechat):
    for offset in range(10):
        put(campaign, wechat, START + offset * DAY, reads=1000, clicks=100, conversions=5)
    return reviews.evaluation_report_write(campaign=campaign, today=MONDAY)


def test_the_weekly_report_page_shows_the_week_against_the_one_before(client_as, users, report):
    response = client_as(users["manager"]).get(
        reverse("analytics:evaluation_report", args=[report.pk])
    )

    assert response.status_code == 200
    clicks = next(r for r in response.context["summary"] if r["name"] == "Clicks")
    assert clicks == {"name": "Clicks", "now": "700", "before": "300", "change": "+133.3%"}
    assert [p["label"] for p in response.context["platforms"]] == ["WeChat Official Account"]


def test_the_weekly_report_prints_and_downloads_as_xlsx(client_as, users, report):
    client = client_as(users["marketer"])

    printable = client.get(reverse("analytics:evaluation_print", args=[report.pk]))
    workbook = client.get(reverse("analytics:evaluation_xlsx", args=[report.pk]))

    assert b'data-testid="printable-report"' in printable.content
    assert b"navbar" not in printable.content
    sheets = load_workbook(io.BytesIO(workbook.content))
    assert sheets.sheetnames == ["Summary", "Trend", "By platform", "By account", "Gaps"]
    trend = list(sheets["Trend"].iter_rows(values_only=True))
    assert trend[1][0] == "2030-03-04"
    assert len(trend) == 8


def test_another_teams_report_is_not_found(client_as, outsider, report):
    client = client_as(outsider)

    for name in ("analytics:evaluation_report", "analytics:evaluation_print",
                 "analytics:evaluation_xlsx"):
        assert client.get(reverse(name, args=[report.pk])).status_code == 404


def test_the_owner_writes_the_phase_summary_on_the_review_page(
    client_as, users, campaign, reads_kpi
):
    phase = PhaseFactory(campaign=campaign, kind=PhaseKind.PRODUCTION, start_date=START,
                         end_date=START + 6 * DAY)
    review = reviews.phase_review_write(phase=phase, today=START + 7 * DAY)
    url = reverse("analytics:phase_review", args=[review.pk])

    response = client_as(users["marketer"]).post(url, {"summary": "Teasers worked."})

    assert response.status_code == 302
    review.refresh_from_db()
    assert review.summary == "Teasers worked."
    assert Task.objects.get().status == TaskStatus.DONE
    assert client_as(users["reviewer"]).post(url, {"summary": "x"}).status_code == 403


def test_an_analyst_plans_an_action_from_a_finding_on_the_diagnosis_page(
    client_as, users, campaign, reads_kpi
):
    finding = Finding.objects.create(
        campaign=campaign, kind=FindingKind.LOW_CTR, period_start=START, period_end=START + 6 * DAY
    )
    url = reverse("analytics:diagnosis", args=[campaign.pk])
    due = timezone.localdate() + datetime.timedelta(days=5)

    response = client_as(users["analyst"]).post(url, {
        "title": "New covers", "expected_effect": "Click rate +3 points", "kpi": reads_kpi.pk,
        "owner": users["marketer"].pk, "due_date": due.isoformat(), "window_days": 5,
        "finding": finding.pk,
    })

    assert response.status_code == 302
    action = OptimisationAction.objects.get()
    assert (action.finding, action.kpi, action.owner) == (finding, reads_kpi, users["marketer"])
    assert action.task.owner == users["marketer"]


def test_a_past_due_date_comes_back_as_a_field_error(client_as, users, campaign, reads_kpi):
    response = client_as(users["analyst"]).post(
        reverse("analytics:diagnosis", args=[campaign.pk]),
        {"title": "New covers", "expected_effect": "More clicks", "owner": users["marketer"].pk,
         "due_date": "2020-01-01", "window_days": 7},
    )

    assert response.status_code == 200
    assert response.context["form"].errors == {
        "due_date": ["The due date must not be in the past."]
    }


def test_the_owner_marks_the_action_done_from_the_page(client_as, users, campaign, reads_kpi):
    action = OptimisationAction.objects.create(
        campaign=campaign, kpi=reads_kpi, title="New covers", expected_effect="More clicks",
        owner=users["marketer"], due_date=START + 9 * DAY,
    )

    response = client_as(users["marketer"]).post(
        reverse("analytics:action_done", args=[action.pk])
    )

    assert response.status_code == 302
    action.refresh_from_db()
    assert action.status == ActionStatus.DONE


def test_a_reviewer_sees_the_diagnosis_but_no_action_form(client_as, users, campaign):
    response = client_as(users["reviewer"]).get(
        reverse("analytics:diagnosis", args=[campaign.pk])
    )

    assert response.status_code == 200
    assert response.context["form"] is None
    assert response.context["can_run"] is False


def test_a_manager_runs_the_diagnosis_on_demand(client_as, users, campaign, wechat):
    put(campaign, wechat, timezone.localdate() - DAY, reads=Decimal("10"))

    response = client_as(users["manager"]).post(
        reverse("analytics:diagnosis_run", args=[campaign.pk])
    )

    assert response.status_code == 302
    assert client_as(users["marketer"]).post(
        reverse("analytics:diagnosis_run", args=[campaign.pk])
    ).status_code == 403

"""The evaluation API: KPI statuses, the dashboard's data, weekly reports; others' are 404."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from analytics.models import EvaluationReport
from campaigns.planning.models import CampaignStatus
from tests.campaigns.planning.factories import CampaignFactory, GoalFactory, KPIFactory

from .conftest import DAY, put

pytestmark = pytest.mark.django_db


@pytest.fixture
def live(team, users, wechat):
    today = timezone.localdate()
    campaign = CampaignFactory(
        team=team, owner=users["marketer"], name="Live launch", status=CampaignStatus.RUNNING,
        start_date=today - 10 * DAY, end_date=today + 9 * DAY,
    )
    goal = GoalFactory(campaign=campaign)
    KPIFactory(goal=goal, metric="reads", target=Decimal("20000"))
    for offset in range(10):
        put(campaign, wechat, campaign.start_date + offset * DAY, reads=900, clicks=90,
            conversions=9)
    return campaign


def test_kpis_endpoint_returns_each_kpi_with_progress_expected_and_pacing(api_as, users, live):
    response = api_as(users["analyst"]).get(f"/api/v1/campaigns/{live.pk}/kpis/")

    assert response.status_code == 200
    body = response.json()
    assert body["campaign"] == live.pk
    assert body["as_of"] == timezone.localdate().isoformat()
    [kpi] = body["kpis"]
    assert kpi == {
        "id": kpi["id"], "metric": "reads", "platform": None, "actual": 9000.0,
        "target": 20000.0, "progress": 0.45, "expected": 10000.0, "forecast": 18000.0,
        "pacing": "behind", "window_start": live.start_date.isoformat(),
        "window_end": live.end_date.isoformat(), "elapsed_days": 10, "total_days": 20,
    }


def test_kpis_of_another_teams_campaign_are_not_found(api_as, outsider, live):
    response = api_as(outsider).get(f"/api/v1/campaigns/{live.pk}/kpis/")

    assert response.status_code == 404
    assert response.json() == {"detail": "Not found."}


def test_kpis_endpoint_query_count_does_not_grow_with_kpis(
    api_as, users, live, django_assert_max_num_queries
):
    client = api_as(users["manager"])
    with django_assert_max_num_queries(10) as one:
        client.get(f"/api/v1/campaigns/{live.pk}/kpis/")
    goal = live.goals.get()
    for metric in ("clicks", "conversions", "conversion_rate", "plays"):
        KPIFactory(goal=goal, metric=metric, target=Decimal("1"))
    with django_assert_max_num_queries(len(one.captured_queries)):
        response = client.get(f"/api/v1/campaigns/{live.pk}/kpis/")
    assert len(response.json()["kpis"]) == 5


def test_dashboard_endpoint_returns_panels_for_the_filtered_days(api_as, users, live):
    day = live.start_date + 2 * DAY

    response = api_as(users["manager"]).get(
        f"/api/v1/campaigns/{live.pk}/dashboard/", {"from": day.isoformat(), "to": day.isoformat()}
    )

    body = response.json()
    assert body["from"] == body["to"] == day.isoformat()
    assert body["totals"] == {
        "clicks": 90.0, "conversions": 9.0, "exposure": 900.0, "reads": 900.0,
    }
    assert body["daily"]["reads"] == [{"date": day.isoformat(), "value": 900.0}]
    assert body["funnel"] == [
        {"step": "exposure", "value": 900.0, "rate": None},
        {"step": "clicks", "value": 90.0, "rate": 0.1},
        {"step": "conversions", "value": 9.0, "rate": 0.1},
        {"step": "orders", "value": None, "rate": None},
    ]
    [platform] = body["platforms"]
    assert platform["key"] == "wechat_oa"
    assert platform["conversion_rate"] == 0.1


def test_dashboard_endpoint_refuses_an_end_before_the_start(api_as, users, live):
    client = api_as(users["manager"])
    path = f"/api/v1/campaigns/{live.pk}/dashboard/"
    dates = {"from": "2030-02-02", "to": "2030-02-01"}
    response = client.get(path, dates, HTTP_ACCEPT_LANGUAGE="en")
    chinese = client.get(path, dates, HTTP_ACCEPT_LANGUAGE="zh-hans")

    assert response.status_code == chinese.status_code == 400
    assert response.json() == {"to": ["The end must not be before the start."]}
    assert chinese.json() == {"to": ["结束日期不能早于开始日期。"]}


def test_dashboard_endpoint_refuses_a_malformed_date(api_as, users, live):
    response = api_as(users["manager"]).get(
        f"/api/v1/campaigns/{live.pk}/dashboard/", {"from": "yesterday"}
    )

    assert response.status_code == 400
    assert list(response.json()) == ["from"]


def test_evaluation_reports_list_only_visible_campaigns(api_as, users, outsider, live):
    EvaluationReport.objects.create(campaign=live, period_start=datetime.date(2030, 3, 4),
                                    period_end=datetime.date(2030, 3, 10), data={"totals": {}})

    mine = api_as(users["marketer"]).get("/api/v1/evaluation-reports/").json()
    theirs = api_as(outsider).get("/api/v1/evaluation-reports/").json()

    assert [r["campaign_name"] for r in mine["results"]] == ["Live launch"]
    assert theirs["results"] == []

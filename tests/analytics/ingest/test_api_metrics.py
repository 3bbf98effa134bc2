"""GET /api/v1/campaigns/{id}/metrics/: the total and the series of one metric, from the rollups."""

import datetime

import pytest

from tests.analytics.ingest.factories import point, store

pytestmark = pytest.mark.django_db
MONDAY = datetime.date(2026, 3, 9)


def days(n):
    return MONDAY + datetime.timedelta(days=n)


@pytest.fixture
def figures(campaign, douyin, weibo):
    store(
        point(campaign, douyin, "reads", 100, day=days(0)),
        point(campaign, douyin, "reads", 250, day=days(1)),
        point(campaign, weibo, "reads", 50, day=days(1)),
        point(campaign, douyin, "reads", 400, day=days(8)),
        point(campaign, douyin, "clicks", 3, day=days(0)),
        point(campaign, douyin, "impressions", 40, day=days(0)),
        point(campaign, douyin, "revenue", "1999.90", day=days(0)),
    )


def url(campaign, **query):
    params = "&".join(f"{key}={value}" for key, value in query.items())
    return f"/api/v1/campaigns/{campaign.pk}/metrics/?{params}"


def test_the_daily_series_and_total(api_as, users, campaign, figures):
    response = api_as(users["analyst"]).get(url(campaign, metric="reads"))

    assert response.status_code == 200
    assert response.json() == {
        "metric": "reads", "total": 800,
        "series": [
            {"date": "2026-03-09", "value": 100}, {"date": "2026-03-10", "value": 300},
            {"date": "2026-03-17", "value": 400},
        ],
    }


def test_weeks_and_months_with_platform_and_range_filters(api_as, users, campaign, figures):
    api = api_as(users["manager"])

    weekly = api.get(url(campaign, metric="reads", granularity="week")).json()
    monthly = api.get(url(campaign, metric="reads", granularity="month", platform="weibo")).json()
    ranged = api.get(url(campaign, metric="reads", **{"from": "2026-03-10", "to": "2026-03-16"}))

    assert weekly["series"] == [
        {"date": "2026-03-09", "value": 400}, {"date": "2026-03-16", "value": 400},
    ]
    assert monthly == {
        "metric": "reads", "total": 50, "series": [{"date": "2026-03-01", "value": 50}],
    }
    assert ranged.json()["total"] == 300


def test_rates_come_from_summed_parts_and_money_keeps_its_fen(api_as, users, campaign, figures):
    api = api_as(users["analyst"])

    ctr = api.get(url(campaign, metric="ctr")).json()
    revenue = api.get(url(campaign, metric="revenue")).json()

    assert ctr == {"metric": "ctr", "total": 0.075, "series": [{"date": "2026-03-09", "value": 0.075}]}
    assert revenue["total"] == 1999.9


def test_a_metric_without_data_has_a_null_total_and_an_empty_series(api_as, users, campaign):
    response = api_as(users["analyst"]).get(url(campaign, metric="plays"))

    assert response.json() == {"metric": "plays", "total": None, "series": []}


@pytest.mark.parametrize(("query", "field"), [
    ({}, "metric"),
    ({"metric": "nope"}, "metric"),
    ({"metric": "reads", "granularity": "hour"}, "granularity"),
    ({"metric": "reads", "platform": "myspace"}, "platform"),
    ({"metric": "reads", "from": "2026-13-01"}, "from"),
    ({"metric": "reads", "from": "2026-03-10", "to": "2026-03-01"}, "to"),
])
def test_bad_queries_are_400s_naming_the_parameter(api_as, users, campaign, query, field):
    response = api_as(users["analyst"]).get(url(campaign, **query))

    assert response.status_code == 400
    assert list(response.json()) == [field]


def test_another_teams_campaign_is_a_404(api_as, outsider, campaign, figures):
    assert api_as(outsider).get(url(campaign, metric="reads")).status_code == 404


def test_a_missing_campaign_is_a_404(api_as, users, db):
    assert api_as(users["admin"]).get("/api/v1/campaigns/999999/metrics/?metric=reads").status_code == 404


@pytest.mark.parametrize("role", ["admin", "manager", "marketer", "reviewer", "analyst"])
def test_every_role_of_the_team_may_read_the_figures(api_as, users, campaign, figures, role):
    assert api_as(users[role]).get(url(campaign, metric="reads")).status_code == 200


def test_anonymous_callers_get_a_401(api_client, campaign):
    assert api_client.get(url(campaign, metric="reads")).status_code == 401


def test_the_endpoint_is_in_the_api_schema(api_as, users):
    schema = api_as(users["admin"]).get("/api/schema/?format=json").json()

    operation = schema["paths"]["/api/v1/campaigns/{campaign_id}/metrics/"]["get"]
    assert {p["name"] for p in operation["parameters"]} >= {
        "campaign_id", "metric", "granularity", "platform", "from", "to",
    }
    assert "/api/v1/imports/" in schema["paths"]

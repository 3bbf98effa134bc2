"""Dashboards: who sees what, cross-team 404s, empty state, downloads, constant query counts."""

import csv
import datetime
import io
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from openpyxl import load_workbook

from analytics.models import Finding, FindingKind
from analytics.selectors.dashboards import Filters, campaign_dashboard, portfolio
from analytics.selectors.kpis import kpi_statuses, kpis_of_campaigns
from campaigns.planning.models import Campaign, CampaignStatus
from tests.campaigns.planning.factories import CampaignFactory, GoalFactory, KPIFactory
from tests.platforms.factories import PlatformAccountFactory, platform

from .conftest import DAY, put

pytestmark = pytest.mark.django_db


# --- the selector ----------------------------------------------------------------------------


def test_the_campaign_dashboard_derives_funnel_and_breakdowns_from_summed_parts(live, today):
    dashboard = campaign_dashboard(live, today=today)

    assert (dashboard.start, dashboard.end) == (live.start_date, today)
    assert dashboard.total("exposure") == Decimal("30000")  # reads + plays
    funnel = {s["step"]: s for s in dashboard.funnel}
    assert funnel["exposure"]["value"] == Decimal("30000")
    assert funnel["clicks"]["rate"] == Decimal("1400") / Decimal("30000")
    assert funnel["conversions"]["rate"] == Decimal("60") / Decimal("1400")
    assert funnel["orders"]["rate"] == Decimal("40") / Decimal("60")
    assert {g.key: g.value("conversion_rate") for g in dashboard.platforms} == {
        "douyin": Decimal("0.025"), "wechat_oa": Decimal("0.05"),
    }
    assert [v for _d, v in dashboard.series("clicks")][:2] == [Decimal("140")] * 2


def test_the_platform_filter_narrows_panels_but_not_kpi_windows(live, today):
    dashboard = campaign_dashboard(live, Filters(platform="douyin"), today=today)

    assert dashboard.total("exposure") == Decimal("20000")
    assert [g.key for g in dashboard.platforms] == ["douyin"]
    reads = next(s for s in dashboard.statuses if s.metric == "reads")
    assert reads.actual == Decimal("10000")


def test_the_campaign_dashboard_takes_the_same_queries_for_one_or_many_kpis_and_days(
    live, today, django_assert_num_queries
):
    with django_assert_num_queries(3):  # KPIs, their sums, the rollup rows
        campaign_dashboard(live, Filters(start=live.start_date, end=today), today=today)


def test_the_dashboards_kpis_equal_the_kpi_selectors_whatever_the_filters(live, today):
    goal = live.goals.get()
    KPIFactory(goal=goal, metric="plays", target=Decimal("50000"), platform=platform("douyin"))
    KPIFactory(goal=goal, metric="clicks", target=Decimal("2000"),
               deadline=live.start_date + 4 * DAY)

    expected = kpi_statuses(kpis_of_campaigns([live.pk]), today=today)
    for filters in (Filters(), Filters(platform="wechat_oa"),
                    Filters(start=today - DAY, end=today)):
        statuses = campaign_dashboard(live, filters, today=today).statuses
        assert [s.as_dict() for s in statuses] == [s.as_dict() for s in expected]
    actual = {s.metric: s.actual for s in expected}
    assert actual == {
        "reads": Decimal("10000"), "conversion_rate": Decimal("0.042857"),  # 60 ÷ 1,400
        "plays": Decimal("20000"), "clicks": Decimal("700"),  # five days of 140
    }


def test_a_shops_conversion_rate_takes_buyers_per_visitor_account_by_account(
    team, live, today, wechat
):
    shop = PlatformAccountFactory(team=team, platform=platform("taobao"), handle="brand-shop")
    for offset in range(10):
        put(live, shop, live.start_date + offset * DAY, visitors=500, buyers=20)

    dashboard = campaign_dashboard(live, today=today)

    rate = next(s for s in dashboard.statuses if s.metric == "conversion_rate")
    # (60 conversions + 200 buyers) ÷ (1,400 clicks + 5,000 visitors)
    assert rate.actual == Decimal("0.040625")
    assert rate.actual == kpi_statuses(kpis_of_campaigns([live.pk]), today=today)[1].actual
    groups = {g.key: g.value("conversion_rate") for g in dashboard.platforms}
    assert groups["taobao"] == Decimal("0.04")
    assert dashboard.total("conversion_rate") == Decimal("0.040625")
    assert dashboard.series("conversion_rate")[0] == (
        live.start_date, Decimal("26") / Decimal("640")
    )


def _campaigns_with_data(team, users, today, wechat, count: int) -> None:
    for i in range(count):
        campaign = CampaignFactory(team=team, owner=users["marketer"], name=f"Extra {i}",
                                   status=CampaignStatus.RUNNING,
                                   start_date=today - 5 * DAY, end_date=today + 5 * DAY)
        KPIFactory(goal=GoalFactory(campaign=campaign), metric="reads", target=Decimal("1000"))
        put(campaign, wechat, today - DAY, reads=100, clicks=10)


@pytest.mark.parametrize(("door", "queries"), [
    # Session, user, roles, the campaign, its KPIs, the platforms of the filter,
    # the rollup rows, the accounts' names, the top content.
    ("page", 9),
    # The default view is archived after the first request: the archive, scoped
    # to the caller's teams in the same statement.
    ("api", 1),
    # A filtered view is computed: roles, the campaign, its KPIs, the rollup
    # rows, the accounts' names.
    ("api-filtered", 5),
])
def test_the_campaign_dashboard_query_count_is_the_same_for_one_and_twenty_campaigns(
    client_as, api_as, team, users, live, today, wechat, django_assert_num_queries, door,
    queries,
):
    def reader():
        # A fresh user each time: roles are cached on the user object.
        user = get_user_model().objects.get(pk=users["manager"].pk)
        if door == "api":
            return api_as(user), f"/api/v1/campaigns/{live.pk}/dashboard/"
        if door == "api-filtered":
            return api_as(user), f"/api/v1/campaigns/{live.pk}/dashboard/?platform=wechat_oa"
        return client_as(user), reverse("analytics:campaign_dashboard", args=[live.pk])

    client, url = reader()
    client.get(url)  # the first request of a session also writes the login's traces
    client, url = reader()
    with django_assert_num_queries(queries):
        assert client.get(url).status_code == 200
    _campaigns_with_data(team, users, today, wechat, 19)
    client, url = reader()
    # The new campaigns' points take over the live campaign's points of the
    # same account and day (one natural key), so its archive is rebuilt first.
    client.get(url)
    client, url = reader()
    with django_assert_num_queries(queries):
        assert client.get(url).status_code == 200


def test_the_portfolio_query_count_is_the_same_for_one_and_twenty_campaigns(
    team, users, today, wechat, django_assert_num_queries
):
    def make(n):
        for i in range(n):
            campaign = CampaignFactory(team=team, owner=users["marketer"], name=f"C{i}",
                                       status=CampaignStatus.RUNNING,
                                       start_date=today - 5 * DAY, end_date=today + 5 * DAY)
            KPIFactory(goal=GoalFactory(campaign=campaign), metric="reads",
                       target=Decimal("1000"))
            put(campaign, wechat, today - DAY, reads=100)

    def manager():
        # A fresh user each time: roles are cached on the user object.
        return get_user_model().objects.get(pk=users["manager"].pk)

    make(1)
    reader = manager()
    # Roles, the page count and rows, KPIs, KPI sums, spend, last data day, findings.
    with django_assert_num_queries(8):
        rows = portfolio(reader, today=today).rows
    assert len(rows) == 1
    make(19)
    reader = manager()
    with django_assert_num_queries(8):
        rows = portfolio(reader, today=today).rows
    assert len(rows) == 20


def test_portfolio_rows_carry_pacing_and_alerts(team, users, today, wechat):
    campaign = CampaignFactory(team=team, owner=users["marketer"], name="Slow",
                               status=CampaignStatus.RUNNING,
                               start_date=today - 10 * DAY, end_date=today + 9 * DAY)
    KPIFactory(goal=GoalFactory(campaign=campaign), metric="reads", target=Decimal("20000"))
    put(campaign, wechat, today - 10 * DAY, reads=2000)
    Finding.objects.create(campaign=campaign, kind=FindingKind.LOW_CTR,
                           period_start=today - 7 * DAY, period_end=today - DAY)

    [row] = portfolio(users["manager"], today=today).rows

    assert row.pacing == "at_risk"  # 4,000 forecast of 20,000
    assert row.progress == Decimal("0.1")
    assert row.alerts == [
        "1 KPI(s) at risk", "No recent data", "1 diagnosis finding(s) this week",
    ]


# --- pages per role ---------------------------------------------------------------------------


def test_a_manager_sees_every_teams_campaign_a_marketer_only_their_own(
    client_as, users, outsider, live, other_campaign
):
    url = reverse("analytics:portfolio")

    manager_page = client_as(users["manager"]).get(url)
    # Latest start first: the other team's campaign starts in 2030.
    assert [r.campaign.name for r in manager_page.context["rows"]] == [
        "Other team launch", "Live launch"
    ]
    marketer_page = client_as(users["marketer"]).get(url)
    assert [r.campaign.name for r in marketer_page.context["rows"]] == ["Live launch"]
    outsider_page = client_as(outsider).get(url)
    assert [r.campaign.name for r in outsider_page.context["rows"]] == ["Other team launch"]


@pytest.mark.parametrize("role", ["manager", "marketer", "analyst", "reviewer"])
def test_every_team_role_opens_the_campaign_dashboard(client_as, users, live, role):
    response = client_as(users[role]).get(reverse("analytics:campaign_dashboard", args=[live.pk]))

    assert response.status_code == 200
    assert len(response.context["gauges"]) == 2
    assert b'data-testid="funnel-step"' in response.content
    assert b"<script>" not in response.content  # figures are JSON, drawn by app.js


@pytest.mark.parametrize(("name", "args"), [
    ("analytics:campaign_dashboard", []),
    ("analytics:diagnosis", []),
    ("analytics:campaign_export", ["kpis", "csv"]),
])
def test_another_teams_campaign_is_not_found(client_as, outsider, live, name, args):
    response = client_as(outsider).get(reverse(name, args=[live.pk, *args]))

    assert response.status_code == 404


def test_a_campaign_without_data_shows_the_empty_state(client_as, users, campaign):
    response = client_as(users["manager"]).get(
        reverse("analytics:campaign_dashboard", args=[campaign.pk])
    )

    assert response.status_code == 200
    assert b'data-testid="empty-state"' in response.content
    assert response.context["figures"] == {}


def test_the_campaign_dashboard_query_count_does_not_grow_with_data(
    client_as, users, live, wechat, django_assert_max_num_queries
):
    client = client_as(users["manager"])
    url = reverse("analytics:campaign_dashboard", args=[live.pk])
    with django_assert_max_num_queries(40) as before:
        client.get(url)
    for offset in range(10, 20):
        put(live, wechat, live.start_date + offset * DAY - 10 * DAY, reads=5, clicks=1)
    with django_assert_max_num_queries(len(before.captured_queries)):
        client.get(url)


def test_chinese_pages_draw_charts_with_plotlys_chinese_locale(client, users, live):
    client.force_login(users["manager"])

    response = client.get(reverse("analytics:campaign_dashboard", args=[live.pk]),
                          HTTP_ACCEPT_LANGUAGE="zh-hans")

    assert b"plotly-locale-zh-cn.js" in response.content
    assert response.context["gauges"][0]["figure"]["config"]["toImageButtonOptions"] == {
        "format": "png", "filename": f"kpi-{response.context['gauges'][0]['status'].id}",
        "scale": 2,
    }


def test_findings_and_actions_pages_list_only_visible_campaigns(
    client_as, users, outsider, live, other_campaign
):
    for campaign in (live, other_campaign):
        Finding.objects.create(campaign=campaign, kind=FindingKind.LOW_CTR,
                               period_start=campaign.start_date,
                               period_end=campaign.start_date + 6 * DAY)

    mine = client_as(users["marketer"]).get(reverse("analytics:findings"))
    theirs = client_as(outsider).get(reverse("analytics:findings"))

    assert [f["finding"].campaign for f in mine.context["findings"]] == [live]
    assert [f["finding"].campaign for f in theirs.context["findings"]] == [other_campaign]
    assert client_as(users["marketer"]).get(reverse("analytics:actions")).status_code == 200


# --- downloads -----------------------------------------------------------------------------------


def test_a_chart_downloads_as_csv_with_its_numbers(client_as, users, live):
    url = reverse("analytics:campaign_export", args=[live.pk, "funnel", "csv"])

    response = client_as(users["manager"]).get(url)

    assert response["Content-Disposition"] == (
        f'attachment; filename="campaign-{live.pk}-funnel.csv"'
    )
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0] == ["Step", "Value", "Rate from the step before"]
    assert rows[1] == ["Exposure", "30000.0", ""]
    assert rows[4][0:2] == ["Orders", "40.0"]


def test_a_chart_downloads_as_xlsx(client_as, users, live):
    url = reverse("analytics:campaign_export", args=[live.pk, "platforms", "xlsx"])

    response = client_as(users["manager"]).get(url)

    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:4] == ("Platform", "Exposure", "Clicks", "Conversions")
    assert [r[0] for r in rows[1:]] == ["Douyin", "WeChat Official Account"]
    assert rows[1][1:4] == (20000, 400, 10)


def test_the_portfolio_downloads_as_xlsx(client_as, users, live):
    response = client_as(users["manager"]).get(
        reverse("analytics:portfolio_export", args=["xlsx"])
    )

    rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    assert rows[0][0] == "Campaign"
    assert rows[1][0] == "Live launch"


def test_an_unknown_chart_or_format_is_not_found(client_as, users, live):
    client = client_as(users["manager"])

    assert client.get(reverse("analytics:campaign_export", args=[live.pk, "pie", "csv"])
                      ).status_code == 404
    assert client.get(reverse("analytics:campaign_export", args=[live.pk, "kpis", "pdf"])
                      ).status_code == 404


def test_invalid_filters_show_an_error_and_the_campaigns_window(client_as, users, live):
    response = client_as(users["manager"]).get(
        reverse("analytics:campaign_dashboard", args=[live.pk]),
        {"date_from": "2030-02-10", "date_to": "2030-02-01"},
    )

    assert response.context["form"].errors == {
        "date_to": ["The end must not be before the start."]
    }
    assert response.context["dashboard"].start == live.start_date


def test_the_date_filter_narrows_the_dashboard(client_as, users, live):
    start = live.start_date + 2 * DAY
    response = client_as(users["manager"]).get(
        reverse("analytics:campaign_dashboard", args=[live.pk]),
        {"date_from": start.isoformat(), "date_to": (start + DAY).isoformat()},
    )

    assert response.context["dashboard"].total("clicks") == Decimal("280")
    assert isinstance(response.context["dashboard"].start, datetime.date)


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_portfolio_amounts_are_grouped_by_thousands_in_both_languages(
    client_as, users, live, language
):
    Campaign.objects.filter(pk=live.pk).update(budget=Decimal("1234567.50"))

    page = client_as(users["manager"]).get(
        reverse("analytics:portfolio"), HTTP_ACCEPT_LANGUAGE=language
    )

    assert "¥1,234,567.50" in page.content.decode()

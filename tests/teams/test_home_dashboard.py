"""The home page is a dashboard of panels the apps register: my campaigns with status and
KPI progress, my tasks, what awaits my review, and alerts (open incidents, overdue replies,
failed or unknown publications). Each panel is scoped to the user's teams, an empty one
says what to do next, and the page's query count does not grow with the rows."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from analytics.models import DailyRollup
from campaigns.planning.models import CampaignStatus
from campaigns.publishing.models import PublicationStatus
from compliance.risk.models import Incident, IncidentSeverity
from teams import panels
from teams.models import Task
from tests.campaigns.content.factories import item_for
from tests.campaigns.engagement.factories import InteractionFactory
from tests.campaigns.planning.factories import CampaignFactory, GoalFactory, KPIFactory
from tests.campaigns.publishing.factories import approved_item, publication
from tests.platforms.factories import qualified_account

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


def _panel_keys(response) -> list[str]:
    return [
        shown.panel.key
        for section in ("alerts", "work", "review")
        for shown in response.context[section]
    ]


def _panel(response, key):
    for section in ("alerts", "work", "review"):
        for shown in response.context[section]:
            if shown.panel.key == key:
                return shown
    raise AssertionError(f"panel {key} not shown")


def _fill(team, users, account, n: int, *, tag: str = "") -> None:
    """``n`` rows for every panel in ``team``."""
    now = timezone.now()
    for i in range(n):
        campaign = CampaignFactory(
            team=team, owner=users["marketer"], name=f"{tag}Campaign {i}",
            start_date=TODAY - datetime.timedelta(days=10),
            end_date=TODAY + datetime.timedelta(days=20 + i),
        )
        kpi = KPIFactory(goal=GoalFactory(campaign=campaign), target=Decimal("1000"),
                         deadline=campaign.end_date)
        DailyRollup.objects.create(
            campaign=campaign, platform=account.platform, account=account,
            date=TODAY - datetime.timedelta(days=1), metric=kpi.metric, value=Decimal("250"),
        )
        CampaignFactory(team=team, owner=users["marketer"], name=f"{tag}Submitted {i}",
                        start_date=TODAY + datetime.timedelta(days=5),
                        end_date=TODAY + datetime.timedelta(days=40), submitted_at=now)
        Task.objects.create(team=team, owner=users["marketer"], title=f"{tag}Task {i}",
                            due_date=TODAY - datetime.timedelta(days=1))
        item_for(campaign, [account], status="in_review", title=f"{tag}Review me {i}",
                 submitted_at=now)
        Incident.objects.create(team=team, title=f"{tag}Incident {i}", incident_type="other",
                                severity=IncidentSeverity.CRITICAL)
        InteractionFactory(account=account, text=f"{tag}Where is my parcel {i}?",
                           response_due_at=now - datetime.timedelta(hours=1))
        failed = approved_item(campaign, [account], title=f"{tag}Failed post {i}")
        publication(failed, account, status=PublicationStatus.FAILED)


@pytest.fixture
def weibo(team):
    return qualified_account(team, "weibo", handle="brand-weibo")


@pytest.mark.parametrize(("role", "expected"), [
    ("marketer", ["risk.incidents", "engagement.overdue", "publishing.failed",
                  "campaigns.mine", "teams.tasks"]),
    ("reviewer", ["risk.incidents", "engagement.overdue", "publishing.failed",
                  "campaigns.mine", "teams.tasks", "content.review"]),
    ("manager", ["risk.incidents", "engagement.overdue", "publishing.failed",
                 "campaigns.mine", "teams.tasks", "campaigns.approval", "content.review"]),
])
def test_each_role_sees_the_panels_that_concern_it(client_as, users, role, expected):
    response = client_as(users[role]).get("/")

    assert response.status_code == 200
    assert response.templates[0].name == "teams/home.html"
    assert _panel_keys(response) == expected


def test_empty_panels_say_what_to_do_next(client_as, users, settings):
    settings.LANGUAGE_CODE = "en"
    response = client_as(users["marketer"]).get("/", HTTP_ACCEPT_LANGUAGE="en")
    html = response.content.decode()

    assert html.count('data-testid="panel-empty"') == 5
    assert "A campaign starts with a goal" in html
    assert 'href="/campaigns/new/"' in html  # "Plan a campaign" for a planner
    assert "You have no open tasks." in html
    assert 'href="/team/board/"' in html
    assert "No incident is open." in html
    assert "Every comment and message was answered within its deadline." in html
    assert "Every publication went out or is on schedule." in html


def test_an_analyst_is_not_offered_to_plan_a_campaign(client_as, users):
    html = client_as(users["analyst"]).get("/").content.decode()

    assert 'href="/campaigns/new/"' not in html


def test_the_panels_show_the_users_rows_with_status_progress_and_links(
    client_as, users, team, weibo
):
    _fill(team, users, weibo, 1)
    response = client_as(users["manager"]).get("/", HTTP_ACCEPT_LANGUAGE="zh-hans")
    html = response.content.decode()

    mine = _panel(response, "campaigns.mine")
    assert [r.title for r in mine.content.rows] == ["Campaign 0", "Submitted 0"]
    first = mine.content.rows[0]
    assert first.badge == "草稿"
    # 250 of 1,000 impressions: a quarter of the target.
    assert first.progress is not None
    assert first.progress.percent == 25
    assert first.url == f"/campaigns/{team.campaigns.get(name='Campaign 0').pk}/"
    assert 'aria-valuenow="25"' in html
    assert [r.title for r in _panel(response, "campaigns.approval").content.rows] == [
        "Submitted 0"
    ]
    assert [r.title for r in _panel(response, "content.review").content.rows] == ["Review me 0"]
    incident = _panel(response, "risk.incidents").content.rows[0]
    assert (incident.title, incident.badge, incident.tone) == ("Incident 0", "严重", "danger")
    overdue = _panel(response, "engagement.overdue").content.rows[0]
    assert overdue.title == "Where is my parcel 0?"
    assert overdue.badge == "已逾期"
    failed = _panel(response, "publishing.failed").content.rows[0]
    assert (failed.title, failed.tone) == ("Failed post 0", "danger")
    assert response.context["alert_count"] == 3
    # The marketer's task is theirs, not the manager's.
    assert _panel(response, "teams.tasks").content.total == 0


def test_the_marketer_sees_their_overdue_task(client_as, users, team, weibo):
    _fill(team, users, weibo, 1)
    response = client_as(users["marketer"]).get("/", HTTP_ACCEPT_LANGUAGE="en")

    task = _panel(response, "teams.tasks").content.rows[0]
    assert (task.title, task.badge, task.tone) == ("Task 0", "Overdue", "danger")


def test_another_teams_rows_never_reach_the_dashboard(client_as, users, team, other_team,
                                                     outsider):
    other_account = qualified_account(other_team, "weibo", handle="other-weibo")
    _fill(other_team, {"marketer": outsider}, other_account, 2, tag="Theirs ")

    # Managers and admins oversee every team (S3.3.1); the other roles see their own.
    for role in ("marketer", "reviewer", "analyst"):
        response = client_as(users[role]).get("/")
        assert "Theirs " not in response.content.decode()
        for section in ("alerts", "work", "review"):
            for shown in response.context[section]:
                assert shown.content.total == 0, (role, shown.panel.key)
    outsiders_view = client_as(outsider).get("/")
    assert _panel(outsiders_view, "risk.incidents").content.total == 2


def test_closed_and_cancelled_campaigns_leave_the_home_page(client_as, users, team):
    for status in (CampaignStatus.CLOSED, CampaignStatus.CANCELLED):
        CampaignFactory(team=team, owner=users["marketer"], name=f"Old {status}", status=status)

    response = client_as(users["marketer"]).get("/")

    assert _panel(response, "campaigns.mine").content.total == 0


def test_a_panel_shows_five_rows_and_links_to_the_rest(client_as, users, team, weibo):
    _fill(team, users, weibo, 7)
    response = client_as(users["manager"]).get("/")
    html = response.content.decode()

    incidents = _panel(response, "risk.incidents")
    assert (len(incidents.content.rows), incidents.content.total, incidents.hidden) == (5, 7, 2)
    assert 'href="/compliance/incidents/"' in html
    assert "(+2)" in html


def test_the_query_count_is_the_same_at_1_and_20_rows(client_as, users, team, weibo,
                                                     django_assert_num_queries):
    client = client_as(users["manager"])
    _fill(team, users, weibo, 1, tag="a")
    client.get("/")  # warm the session and the catalogue caches
    with CaptureQueriesContext(connection) as one:
        client.get("/")
    _fill(team, users, weibo, 19, tag="b")

    with django_assert_num_queries(len(one.captured_queries)):
        response = client.get("/")

    assert _panel(response, "campaigns.mine").content.total == 40
    assert _panel(response, "risk.incidents").content.total == 20


def test_the_campaign_panel_reads_progress_in_a_fixed_number_of_queries(
    users, team, weibo, django_assert_num_queries
):
    _fill(team, users, weibo, 5)
    ids = list(team.campaigns.values_list("pk", flat=True))

    with django_assert_num_queries(2):
        progress = panels.campaign_progress(ids)

    assert sorted(p.percent for p in progress.values()) == [25] * 5


def test_without_a_progress_source_the_panel_still_renders(client_as, users, team, weibo):
    _fill(team, users, weibo, 1)
    panels.register_campaign_progress(None)
    try:
        response = client_as(users["marketer"]).get("/")
    finally:
        from analytics.selectors.home import campaign_kpi_progress

        panels.register_campaign_progress(campaign_kpi_progress)

    assert response.status_code == 200
    assert _panel(response, "campaigns.mine").content.rows[0].progress is None


def test_the_navigation_carries_vendored_icons(client_as, users):
    html = client_as(users["marketer"]).get("/").content.decode()

    assert '/static/vendor/bootstrap-icons/bootstrap-icons.min.css' in html
    assert '<i class="bi bi-bullseye" aria-hidden="true"></i>' in html
    assert "cdn." not in html

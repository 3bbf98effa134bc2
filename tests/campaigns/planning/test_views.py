"""Planning pages: list, create flow, detail, lifecycle buttons, permissions."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from campaigns.planning import selectors, services
from campaigns.planning.gantt import gantt_figure
from campaigns.planning.models import KPI, Campaign, CampaignStatus, Goal, Phase
from teams.models import AuditEvent
from tests.campaigns.planning.factories import (
    START,
    CampaignFactory,
    GoalFactory,
    KPIFactory,
    MilestoneFactory,
    PhaseFactory,
    spec_example,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english(settings):
    settings.LANGUAGE_CODE = "en"


def test_list_filters_and_search(client_as, team, other_team, users):
    CampaignFactory(team=team, name="Spring sale", objective="sales", status="running")
    CampaignFactory(team=team, name="Autumn awareness", objective="awareness")
    CampaignFactory(team=other_team, name="Hidden other team")
    client = client_as(users["marketer"])
    page = client.get(reverse("campaigns:list")).content.decode()
    assert "Spring sale" in page
    assert "Autumn awareness" in page
    assert "Hidden other team" not in page
    page = client.get(reverse("campaigns:list"), {"status": "running"}).content.decode()
    assert "Spring sale" in page
    assert "Autumn awareness" not in page
    page = client.get(reverse("campaigns:list"), {"q": "autumn"}).content.decode()
    assert "Autumn awareness" in page
    assert "Spring sale" not in page
    page = client.get(reverse("campaigns:list"), {"objective": "sales"}).content.decode()
    assert "Spring sale" in page
    assert "Autumn awareness" not in page
    page = client.get(
        reverse("campaigns:list"), {"date_from": "2031-01-01"}
    ).content.decode()
    assert "Spring sale" not in page


def test_manager_sees_every_team_and_filters_by_team(client_as, team, other_team, users):
    CampaignFactory(team=team, name="Ours")
    CampaignFactory(team=other_team, name="Theirs")
    client = client_as(users["manager"])
    page = client.get(reverse("campaigns:list"), {"team": other_team.pk}).content.decode()
    assert "Theirs" in page
    assert "Ours" not in page


def test_list_page_runs_constant_queries(client_as, team, users, django_assert_max_num_queries):
    client = client_as(users["marketer"])
    for n in range(3):
        CampaignFactory(team=team, owner=users["marketer"], name=f"C{n}")
    with django_assert_max_num_queries(12) as few:
        client.get(reverse("campaigns:list"))
    for n in range(20):
        CampaignFactory(team=team, name=f"More {n}")
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(reverse("campaigns:list"))
    assert response.content.decode().count('data-testid="campaign-row"') == 23


def test_create_flow_campaign_goals_phases(client_as, team, users):
    client = client_as(users["marketer"])
    response = client.post(reverse("campaigns:create"), {
        "team": team.pk, "name": "Three months", "objective": "awareness", "budget": "1000",
        "start_date": "2030-01-01", "end_date": "2030-03-31", "target_gender": "any",
        "target_age_bands": ["18-24", "25-34"], "target_interests": "gaming",
    })
    campaign = Campaign.objects.get(name="Three months")
    assert response.status_code == 302
    assert response.url == reverse("campaigns:goals", args=[campaign.pk])
    goals_url = reverse("campaigns:goals", args=[campaign.pk])
    response = client.post(goals_url, {
        "form": "goal", "goal-statement": "Raise awareness by 20% through social media",
        "goal-objective": "awareness", "goal-metric": "impressions", "goal-direction": "increase",
        "goal-baseline": "1000000", "goal-target_change_percent": "20",
    })
    assert response.status_code == 302
    kpi = KPI.objects.get(goal__campaign=campaign)
    assert kpi.target == 1200000
    response = client.post(goals_url, {
        "form": "goal", "goal-statement": "Add 500 registered users", "goal-objective": "leads",
        "goal-metric": "registrations", "goal-direction": "increase", "goal-baseline": "300",
        "goal-target": "500",
    })
    assert Goal.objects.filter(campaign=campaign).count() == 2
    # A rate is entered as a percentage and stored as a ratio.
    client.post(goals_url, {
        "form": "kpi", "kpi-goal": Goal.objects.get(objective="leads").pk,
        "kpi-metric": "conversion_rate", "kpi-direction": "increase", "kpi-baseline": "2",
        "kpi-target": "5",
    })
    rate = KPI.objects.get(metric="conversion_rate")
    assert str(rate.target.normalize()) == "0.05"
    response = client.post(reverse("campaigns:phases", args=[campaign.pk]), {"form": "standard"})
    assert Phase.objects.filter(campaign=campaign).count() == 3
    page = client.get(reverse("campaigns:detail", args=[campaign.pk])).content.decode()
    assert 'data-testid="smart-overall"' in page
    assert 'data-verdict="pass"' in page
    assert "5%" in page
    assert 'id="gantt-data"' in page
    assert "KPI added: Impressions" in page  # codes in the feed read as labels


def test_bad_input_shows_field_errors_not_500(client_as, team, users):
    client = client_as(users["marketer"])
    response = client.post(reverse("campaigns:create"), {
        "team": team.pk, "name": "Bad", "objective": "awareness", "budget": "-5",
        "start_date": "2030-02-01", "end_date": "2030-01-01", "target_gender": "any",
    })
    assert response.status_code == 200
    page = response.content.decode()
    assert 'data-testid="field-error-budget"' in page
    assert 'data-testid="field-error-end_date"' in page
    campaign = CampaignFactory(team=team, owner=users["marketer"])
    response = client.post(reverse("campaigns:goals", args=[campaign.pk]), {
        "form": "goal", "goal-statement": "x", "goal-objective": "awareness",
        "goal-metric": "impressions", "goal-direction": "increase", "goal-target": "abc",
        "goal-deadline": "2035-01-01",
    })
    assert response.status_code == 200
    assert 'data-testid="field-error-target"' in response.content.decode()
    response = client.post(reverse("campaigns:goals", args=[campaign.pk]), {
        "form": "goal", "goal-statement": "x", "goal-objective": "awareness",
        "goal-metric": "impressions", "goal-direction": "increase", "goal-target": "5",
        "goal-baseline": "1", "goal-deadline": "2035-01-01",
    })
    assert response.status_code == 200
    assert 'data-testid="field-error-deadline"' in response.content.decode()
    assert not Goal.objects.filter(campaign=campaign).exists()  # goal and KPI roll back together
    response = client.post(reverse("campaigns:phases", args=[campaign.pk]), {
        "form": "phase", "phase-kind": "custom", "phase-start_date": "2029-12-01",
        "phase-end_date": "2030-01-05",
    })
    assert response.status_code == 200
    assert 'data-testid="field-error-start_date"' in response.content.decode()


def test_detail_shows_scorecard_feed_and_actions_by_role(client_as, team, users):
    campaign = spec_example(team, users["marketer"])
    MilestoneFactory(phase__campaign=campaign, title="Brief signed")
    url = reverse("campaigns:detail", args=[campaign.pk])
    page = client_as(users["marketer"]).get(url).content.decode()
    assert 'data-testid="submit-for-approval"' in page
    assert 'data-testid="transition-planned"' not in page
    assert "Brief signed" in page
    page = client_as(users["manager"]).get(url).content.decode()
    assert 'data-testid="transition-planned"' in page
    for role in ("analyst", "reviewer"):
        page = client_as(users[role]).get(url).content.decode()
        assert 'data-testid="smart-scorecard"' in page
        assert 'data-testid="lifecycle-actions"' not in page
        assert 'data-testid="duplicate"' not in page


def test_approve_through_page_records_feed(client_as, team, users):
    campaign = spec_example(team, users["marketer"])
    client_as(users["marketer"]).post(reverse("campaigns:submit", args=[campaign.pk]))
    client = client_as(users["manager"])
    client.post(reverse("campaigns:transition", args=[campaign.pk]),
                {"to": "planned", "reason": "Budget OK"})
    campaign.refresh_from_db()
    assert campaign.status == CampaignStatus.PLANNED
    page = client.get(reverse("campaigns:detail", args=[campaign.pk])).content.decode()
    assert "Moved from Draft to Planned" in page
    assert "Submitted for approval" in page
    assert "Budget OK" in page


def test_wrong_state_transition_shows_message(client_as, team, users):
    campaign = spec_example(team, users["marketer"])
    client = client_as(users["manager"])
    response = client.post(reverse("campaigns:transition", args=[campaign.pk]),
                           {"to": "closed"}, follow=True)
    assert response.status_code == 200
    assert "cannot go from" in response.content.decode()
    campaign.refresh_from_db()
    assert campaign.status == CampaignStatus.DRAFT


def test_analyst_cannot_change_through_pages(client_as, team, users):
    campaign = spec_example(team, users["marketer"])
    client = client_as(users["analyst"])
    assert client.get(reverse("campaigns:edit", args=[campaign.pk])).status_code == 403
    assert client.get(reverse("campaigns:create")).status_code == 403
    response = client.post(reverse("campaigns:goals", args=[campaign.pk]), {"form": "goal"})
    assert response.status_code == 403
    client.post(reverse("campaigns:transition", args=[campaign.pk]), {"to": "cancelled"})
    campaign.refresh_from_db()
    assert campaign.status == CampaignStatus.DRAFT


@pytest.mark.parametrize("name", [
    "campaigns:detail", "campaigns:edit", "campaigns:goals", "campaigns:phases",
])
def test_other_teams_campaign_is_404(client_as, team, outsider, name):
    campaign = CampaignFactory(team=team)
    assert client_as(outsider).get(reverse(name, args=[campaign.pk])).status_code == 404


def test_other_teams_campaign_post_is_404(client_as, team, outsider):
    campaign = CampaignFactory(team=team)
    client = client_as(outsider)
    for name in ("campaigns:transition", "campaigns:submit", "campaigns:duplicate"):
        assert client.post(reverse(name, args=[campaign.pk]), {"to": "cancelled"}).status_code == 404
    assert not AuditEvent.objects.filter(target_id=str(campaign.pk)).exists()


def test_edit_with_phase_shift(client_as, team, users):
    campaign = CampaignFactory(team=team, owner=users["marketer"],
                               end_date=START + datetime.timedelta(days=30))
    Phase.objects.create(campaign=campaign, kind="production", start_date=START,
                         end_date=START + datetime.timedelta(days=6))
    client = client_as(users["marketer"])
    response = client.post(reverse("campaigns:edit", args=[campaign.pk]), {
        "name": campaign.name, "objective": "awareness", "budget": "10", "target_gender": "any",
        "start_date": "2030-01-11", "end_date": "2030-02-10", "shift_phases": "on",
    })
    assert response.status_code == 302
    assert Phase.objects.get(campaign=campaign).start_date == datetime.date(2030, 1, 11)


def test_duplicate_through_page(client_as, team, users):
    campaign = spec_example(team, users["marketer"])
    response = client_as(users["marketer"]).post(
        reverse("campaigns:duplicate", args=[campaign.pk]), {"start_date": "2031-01-01"}
    )
    copy = Campaign.objects.exclude(pk=campaign.pk).get()
    assert response.url == reverse("campaigns:detail", args=[copy.pk])
    assert copy.start_date == datetime.date(2031, 1, 1)


def test_milestone_tick_off(client_as, team, users):
    milestone = MilestoneFactory(phase__campaign__team=team)
    campaign = milestone.phase.campaign
    client_as(users["marketer"]).post(
        reverse("campaigns:milestone_toggle", args=[campaign.pk, milestone.pk])
    )
    milestone.refresh_from_db()
    assert milestone.done_at is not None


def test_recommend_link_carries_audience(client_as, team, users, settings):
    campaign = CampaignFactory(team=team, target_age_bands=["18-24", "25-34"],
                               target_gender="any", target_interests=["gaming"])
    from campaigns.planning.views import _recommend_query

    assert _recommend_query(campaign) == (
        "age_bands=18-24&age_bands=25-34&gender=any&interests=gaming"
    )


def test_gantt_figure_shape(team):
    from campaigns.planning.gantt import DAY_MS, gantt_figure

    campaign = CampaignFactory(team=team)
    phase = Phase.objects.create(campaign=campaign, kind="production", start_date=START,
                                 end_date=START + datetime.timedelta(days=6))
    MilestoneFactory(phase=phase, title="Kick-off", due_date=START)
    campaign = Campaign.objects.prefetch_related("phases__milestones").get(pk=campaign.pk)
    figure = gantt_figure(campaign, today=START)
    bar = figure["data"][0]
    assert bar["type"] == "bar"
    assert bar["orientation"] == "h"
    assert bar["base"] == ["2030-01-01"]
    assert bar["x"] == [7 * DAY_MS]
    markers = figure["data"][1]
    assert markers["mode"] == "markers"
    assert markers["x"] == ["2030-01-01"]
    assert figure["layout"]["xaxis"]["type"] == "date"
    assert figure["layout"]["shapes"][0]["x0"] == "2030-01-01"


def test_pages_render_in_chinese(client_as, team, users, settings):
    settings.LANGUAGE_CODE = "zh-hans"
    campaign = spec_example(team, users["marketer"])
    MilestoneFactory(phase__campaign=campaign)
    client = client_as(users["marketer"])
    # Exact phrases of each page, so one untranslated page cannot hide behind another.
    expected = {
        "campaigns:detail": ["SMART 检查", "目标与关键指标", "时间规划", "里程碑", "动态",
                             "复制营销活动"],
        "campaigns:goals": ["SMART 检查", "添加目标", "下一步：时间规划"],
        "campaigns:phases": ["添加阶段", "添加里程碑", "完成：查看营销活动"],
        "campaigns:kpi_edit": ["编辑关键指标", "实际达成"],
    }
    kpi = campaign.goals.first().kpis.first()
    for name, phrases in expected.items():
        args = [campaign.pk, kpi.pk] if name == "campaigns:kpi_edit" else [campaign.pk]
        page = client.get(reverse(name, args=args)).content.decode()
        for phrase in phrases:
            assert phrase in page, (name, phrase)
        assert "Goals and KPIs" not in page
    page = client.get(reverse("campaigns:goals", args=[campaign.pk])).content.decode()
    assert "20%" in page  # the blocktranslate example keeps its percent sign
    page = client.get(reverse("campaigns:list")).content.decode()
    for phrase in ("营销活动", "新建营销活动", "筛选"):
        assert phrase in page, phrase


def test_detail_page_queries_do_not_grow_with_the_plan(
    client_as, team, users, django_assert_max_num_queries
):
    from platforms.models import Platform
    from tests.campaigns.planning.factories import KPIFactory, PhaseFactory

    campaign = spec_example(team, users["marketer"])
    phase = PhaseFactory(campaign=campaign)
    MilestoneFactory(phase=phase, owner=users["marketer"])
    client = client_as(users["marketer"])
    url = reverse("campaigns:detail", args=[campaign.pk])
    with django_assert_max_num_queries(40) as few:
        client.get(url)
    goal = campaign.goals.first()
    for _n in range(5):
        KPIFactory(goal=goal, platform=Platform.objects.first())
        MilestoneFactory(phase=phase, owner=users["analyst"])
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(url)
    assert response.content.decode().count('data-testid="kpi-row"') == 7


# --- KPI pages, the approved-plan lock, the home page, the list filter ---------------


def test_goal_form_with_huge_relative_target_shows_a_field_error(client_as, team, users):
    campaign = CampaignFactory(team=team, owner=users["marketer"])
    response = client_as(users["marketer"]).post(f"/campaigns/{campaign.pk}/goals/", {
        "form": "goal", "goal-statement": "Reach", "goal-objective": "awareness",
        "goal-metric": "impressions", "goal-direction": "increase",
        "goal-baseline": "99999999999999", "goal-target_change_percent": "9999999",
    })
    assert response.status_code == 200
    assert "field-error-target_change_percent" in response.content.decode()
    assert not campaign.goals.exists()


def test_ui_takes_rates_as_percentages_up_to_100(client_as, team, users):
    campaign = CampaignFactory(team=team, owner=users["marketer"])
    goal = GoalFactory(campaign=campaign)
    client = client_as(users["marketer"])
    form = {"form": "kpi", "kpi-goal": goal.pk, "kpi-metric": "ctr",
            "kpi-direction": "increase", "kpi-baseline": "2"}
    response = client.post(f"/campaigns/{campaign.pk}/goals/", {**form, "kpi-target": "500"})
    assert "A rate is a percentage between 0 and 100." in response.content.decode()
    client.post(f"/campaigns/{campaign.pk}/goals/", {**form, "kpi-target": "5"})
    assert goal.kpis.get().target == Decimal("0.05")


def test_kpi_result_recorded_in_the_ui_even_when_the_plan_runs(client_as, team, users):
    campaign = CampaignFactory(team=team, owner=users["marketer"], status=CampaignStatus.RUNNING)
    kpi = KPIFactory(goal=GoalFactory(campaign=campaign), metric="ctr", baseline=Decimal("0.01"),
                     target=Decimal("0.02"))
    client = client_as(users["marketer"])
    page = client.get(f"/campaigns/{campaign.pk}/kpis/{kpi.pk}/edit/").content.decode()
    assert 'name="achieved"' in page
    assert 'name="target"' not in page
    client.post(f"/campaigns/{campaign.pk}/kpis/{kpi.pk}/edit/", {"achieved": "2.5"})
    kpi.refresh_from_db()
    assert kpi.achieved == Decimal("0.025")
    assert kpi.target == Decimal("0.02")
    # An analyst may not.
    response = client_as(users["analyst"]).post(
        f"/campaigns/{campaign.pk}/kpis/{kpi.pk}/edit/", {"achieved": "9"}
    )
    assert response.status_code == 403


def test_kpi_edit_page_changes_a_draft_kpi(client_as, team, users):
    campaign = CampaignFactory(team=team, owner=users["marketer"])
    kpi = KPIFactory(goal=GoalFactory(campaign=campaign))
    response = client_as(users["marketer"]).post(
        f"/campaigns/{campaign.pk}/kpis/{kpi.pk}/edit/", {
            "metric": "impressions", "direction": "increase", "baseline": "1000",
            "target": "5000", "weight": "3", "achieved": "4000",
        })
    assert response.status_code == 302
    kpi.refresh_from_db()
    assert (kpi.target, kpi.weight, kpi.achieved) == (Decimal("5000"), 3, Decimal("4000"))


def test_pages_survive_an_end_date_at_the_calendar_edge(client_as, team, users):
    campaign = CampaignFactory(team=team, owner=users["marketer"], end_date=datetime.date.max)
    PhaseFactory(campaign=campaign)
    figure = gantt_figure(campaign)
    assert figure["layout"]["xaxis"]["range"][1] == "9999-12-31"
    client = client_as(users["marketer"])
    assert client.get(f"/campaigns/{campaign.pk}/").status_code == 200
    assert client.get(f"/campaigns/{campaign.pk}/phases/").status_code == 200


@pytest.mark.parametrize(("status", "words"), [
    (CampaignStatus.PLANNED, "return it to draft"),
    (CampaignStatus.RUNNING, "being carried out"),
    (CampaignStatus.PAUSED, "being carried out"),
])
def test_marketer_sees_why_the_plan_is_locked(client_as, team, users, status, words):
    campaign = CampaignFactory(team=team, owner=users["marketer"], status=status)
    GoalFactory(campaign=campaign)
    assert selectors.plan_lock_reason(users["marketer"], campaign)
    assert selectors.plan_lock_reason(users["manager"], campaign) == ""
    client = client_as(users["marketer"])
    detail = client.get(f"/campaigns/{campaign.pk}/").content.decode()
    assert words in detail
    assert 'data-testid="edit-campaign"' not in detail
    goals = client.get(f"/campaigns/{campaign.pk}/goals/").content.decode()
    assert words in goals
    assert 'data-testid="goal-form"' not in goals
    phases = client.get(f"/campaigns/{campaign.pk}/phases/").content.decode()
    assert words in phases
    assert 'data-testid="phase-form"' not in phases
    edit = client.get(f"/campaigns/{campaign.pk}/edit/")
    assert edit.status_code == 302
    with pytest.raises(ValidationError) as exc:
        services.goal_create(actor=users["marketer"], campaign=campaign, statement="More")
    assert words in exc.value.messages[0]
    manager_page = client_as(users["manager"]).get(f"/campaigns/{campaign.pk}/goals/")
    assert 'data-testid="goal-form"' in manager_page.content.decode()


def test_invalid_list_filter_shows_the_error(client_as, team, users):
    CampaignFactory(team=team, owner=users["marketer"], name="Visible")
    page = client_as(users["marketer"]).get("/campaigns/?date_from=not-a-date").content.decode()
    assert 'data-testid="filter-error-date_from"' in page
    assert "Visible" in page


@pytest.mark.parametrize(("role", "shown"), [
    ("admin", True), ("manager", True), ("marketer", True),
    ("reviewer", False), ("analyst", False),
])
def test_home_offers_new_campaign_only_to_planners(client_as, users, role, shown):
    page = client_as(users[role]).get("/").content.decode()
    assert ('href="/campaigns/new/"' in page) is shown


def test_home_page_query_count_is_constant(client_as, team, users,
                                           django_assert_max_num_queries):
    client = client_as(users["marketer"])
    client.get("/")
    for _i in range(3):
        CampaignFactory(team=team, owner=users["marketer"])
    with django_assert_max_num_queries(12) as few:
        client.get("/")
    for _i in range(20):
        CampaignFactory(team=team, owner=users["marketer"])
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get("/")



def test_campaign_filter_says_when_dates_are_reversed(client_as, team, users, settings):
    settings.LANGUAGE_CODE = "zh-hans"
    CampaignFactory(team=team)
    response = client_as(users["marketer"]).get(
        "/campaigns/", {"date_from": "2031-01-01", "date_to": "2020-01-01"}
    )
    assert response.status_code == 200
    assert response.context["form"].errors["date_to"] == ["“进行于（止）”不能早于“进行于（起）”。"]
    assert "“进行于（止）”不能早于“进行于（起）”。" in response.content.decode()


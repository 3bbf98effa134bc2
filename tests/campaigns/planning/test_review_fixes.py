"""Regression tests of the issue 3 review findings (bounds, dates, lock, tasks, feed)."""

import datetime
from decimal import Decimal

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import translation

from campaigns.planning import selectors, services
from campaigns.planning.gantt import gantt_figure
from campaigns.planning.models import KPI, Campaign, CampaignStatus, Milestone
from teams.models import Task, TaskStatus
from tests.campaigns.planning.factories import (
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


def _campaign(team, owner, **kw):
    return CampaignFactory(team=team, owner=owner, **kw)


# --- 1. KPI bounds ----------------------------------------------------------------------


def test_huge_relative_target_is_a_field_error_and_nothing_is_saved(api_as, team, users):
    goal = GoalFactory(campaign=_campaign(team, users["marketer"]))
    api = api_as(users["marketer"])
    response = api.post("/api/v1/kpis/", {
        "goal": goal.pk, "metric": "impressions", "baseline": "99999999999999",
        "target_change_percent": "9999999",
    }, format="json")
    assert response.status_code == 400
    assert "target_change_percent" in response.json()
    assert not KPI.objects.filter(goal=goal).exists()
    # The team's KPI list still works.
    assert api.get("/api/v1/kpis/").status_code == 200


def test_relative_target_beyond_the_column_is_refused(team, users):
    goal = GoalFactory(campaign=_campaign(team, users["marketer"]))
    with pytest.raises(ValidationError) as exc:
        services.kpi_create(
            actor=users["marketer"], goal=goal, metric="impressions",
            baseline="90000000000000", target_change_percent="50",
        )
    assert exc.value.message_dict["target_change_percent"] == [
        "The resulting target would be too large."
    ]


def test_kpi_patch_with_huge_values_is_400(api_as, team, users):
    kpi = KPIFactory(goal=GoalFactory(campaign=_campaign(team, users["marketer"])))
    api = api_as(users["marketer"])
    response = api.patch(f"/api/v1/kpis/{kpi.pk}/", {"target_change_percent": "9999999"},
                         format="json")
    assert response.status_code == 400
    assert "target_change_percent" in response.json()
    kpi.refresh_from_db()
    assert kpi.target == Decimal("1200000")


def test_goal_form_with_huge_relative_target_shows_a_field_error(client_as, team, users):
    campaign = _campaign(team, users["marketer"])
    response = client_as(users["marketer"]).post(f"/campaigns/{campaign.pk}/goals/", {
        "form": "goal", "goal-statement": "Reach", "goal-objective": "awareness",
        "goal-metric": "impressions", "goal-direction": "increase",
        "goal-baseline": "99999999999999", "goal-target_change_percent": "9999999",
    })
    assert response.status_code == 200
    assert "field-error-target_change_percent" in response.content.decode()
    assert not campaign.goals.exists()


# --- 7 / 9. rates, weight, achieved -----------------------------------------------------


def test_rate_above_one_is_refused_by_the_api(api_as, team, users):
    goal = GoalFactory(campaign=_campaign(team, users["marketer"]))
    response = api_as(users["marketer"]).post("/api/v1/kpis/", {
        "goal": goal.pk, "metric": "ctr", "baseline": "0.02", "target": "5",
    }, format="json")
    assert response.status_code == 400
    assert response.json()["target"] == [
        "Rates are ratios: 0.05 = 5%. Enter a value between 0 and 1."
    ]
    response = api_as(users["marketer"]).post("/api/v1/kpis/", {
        "goal": goal.pk, "metric": "ctr", "baseline": "0.02", "target": "0.05",
    }, format="json")
    assert response.status_code == 201
    assert response.json()["target_display"] == "5%"


def test_ui_takes_rates_as_percentages_up_to_100(client_as, team, users):
    campaign = _campaign(team, users["marketer"])
    goal = GoalFactory(campaign=campaign)
    client = client_as(users["marketer"])
    form = {"form": "kpi", "kpi-goal": goal.pk, "kpi-metric": "ctr",
            "kpi-direction": "increase", "kpi-baseline": "2"}
    response = client.post(f"/campaigns/{campaign.pk}/goals/", {**form, "kpi-target": "500"})
    assert "A rate is a percentage between 0 and 100." in response.content.decode()
    client.post(f"/campaigns/{campaign.pk}/goals/", {**form, "kpi-target": "5"})
    assert goal.kpis.get().target == Decimal("0.05")


def test_weight_zero_is_a_field_error_not_one(api_as, team, users):
    goal = GoalFactory(campaign=_campaign(team, users["marketer"]))
    response = api_as(users["marketer"]).post("/api/v1/kpis/", {
        "goal": goal.pk, "metric": "impressions", "baseline": "1", "target": "2", "weight": 0,
    }, format="json")
    assert response.status_code == 400
    assert "weight" in response.json()
    assert not goal.kpis.exists()


def test_achieved_is_kept_on_create(api_as, team, users):
    goal = GoalFactory(campaign=_campaign(team, users["marketer"]))
    response = api_as(users["marketer"]).post("/api/v1/kpis/", {
        "goal": goal.pk, "metric": "impressions", "baseline": "1", "target": "2",
        "achieved": "3",
    }, format="json")
    assert response.status_code == 201, response.json()
    assert goal.kpis.get().achieved == Decimal("3")


def test_kpi_result_recorded_in_the_ui_even_when_the_plan_runs(client_as, team, users):
    campaign = _campaign(team, users["marketer"], status=CampaignStatus.RUNNING)
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
    campaign = _campaign(team, users["marketer"])
    kpi = KPIFactory(goal=GoalFactory(campaign=campaign))
    response = client_as(users["marketer"]).post(
        f"/campaigns/{campaign.pk}/kpis/{kpi.pk}/edit/", {
            "metric": "impressions", "direction": "increase", "baseline": "1000",
            "target": "5000", "weight": "3", "achieved": "4000",
        })
    assert response.status_code == 302
    kpi.refresh_from_db()
    assert (kpi.target, kpi.weight, kpi.achieved) == (Decimal("5000"), 3, Decimal("4000"))


# --- 2. long built texts ----------------------------------------------------------------


def test_duplicate_of_a_long_name_asks_for_a_shorter_name(api_as, team, users):
    campaign = _campaign(team, users["marketer"], name="x" * 195)
    api = api_as(users["marketer"])
    url = f"/api/v1/campaigns/{campaign.pk}/duplicate/"
    response = api.post(url, {"start_date": "2031-01-01"}, format="json")
    assert response.status_code == 400
    assert "name" in response.json()
    response = api.post(url, {"start_date": "2031-01-01", "name": "y" * 201}, format="json")
    assert response.status_code == 400
    assert "name" in response.json()
    response = api.post(url, {"start_date": "2031-01-01", "name": "Short"}, format="json")
    assert response.status_code == 201
    assert Campaign.objects.filter(name="Short").exists()


def test_task_titles_built_from_long_names_fit(team, users):
    campaign = spec_example(team, users["marketer"])
    Campaign.objects.filter(pk=campaign.pk).update(name="n" * 200)
    campaign.refresh_from_db()
    phase = PhaseFactory(campaign=campaign)
    services.milestone_create(
        actor=users["marketer"], phase=phase, title="t" * 200, due_date=phase.start_date,
        owner=users["marketer"],
    )
    services.campaign_submit(actor=users["marketer"], campaign=campaign)
    titles = list(Task.objects.values_list("title", flat=True))
    assert len(titles) >= 2
    assert all(len(title) <= 200 for title in titles)


# --- 3. dates at the edge ---------------------------------------------------------------


def test_campaign_years_are_limited(api_as, team, users):
    response = api_as(users["marketer"]).post("/api/v1/campaigns/", {
        "team": team.pk, "name": "Far", "objective": "awareness", "budget": "0",
        "start_date": "2030-01-01", "end_date": "9999-12-31", "target_gender": "any",
    }, format="json")
    assert response.status_code == 400
    assert "end_date" in response.json()


def test_duplicate_and_shift_far_away_are_field_errors(api_as, team, users):
    campaign = _campaign(team, users["marketer"])
    PhaseFactory(campaign=campaign)
    api = api_as(users["marketer"])
    response = api.post(f"/api/v1/campaigns/{campaign.pk}/duplicate/",
                        {"start_date": "9999-12-30"}, format="json")
    assert response.status_code == 400
    assert "start_date" in response.json()
    response = api.post(f"/api/v1/campaigns/{campaign.pk}/duplicate/",
                        {"start_date": "2100-12-01"}, format="json")
    assert response.status_code == 400
    assert "start_date" in response.json()
    response = api.patch(f"/api/v1/campaigns/{campaign.pk}/", {
        "start_date": "9999-01-01", "end_date": "9999-12-31", "shift_phases": True,
    }, format="json")
    assert response.status_code == 400


def test_pages_survive_an_end_date_at_the_calendar_edge(client_as, team, users):
    campaign = _campaign(team, users["marketer"], end_date=datetime.date.max)
    PhaseFactory(campaign=campaign)
    figure = gantt_figure(campaign)
    assert figure["layout"]["xaxis"]["range"][1] == "9999-12-31"
    client = client_as(users["marketer"])
    assert client.get(f"/campaigns/{campaign.pk}/").status_code == 200
    assert client.get(f"/campaigns/{campaign.pk}/phases/").status_code == 200


def test_beat_job_skips_a_broken_campaign_and_moves_the_others(team, users, caplog):
    broken = _campaign(team, users["manager"], status=CampaignStatus.PLANNED,
                       start_date=datetime.date(2030, 1, 1), end_date=datetime.date.max)
    PhaseFactory(campaign=broken, start_date=datetime.date(9999, 12, 31),
                 end_date=datetime.date(9999, 12, 31))
    ok = _campaign(team, users["manager"], status=CampaignStatus.PLANNED)
    moved = services.campaigns_follow_dates(today=ok.start_date + datetime.timedelta(days=1))
    ok.refresh_from_db()
    assert ok.status == CampaignStatus.RUNNING
    assert moved >= 1
    assert f"campaign {broken.pk} could not follow its dates" in caplog.text


def test_beat_job_logs_and_continues_when_one_campaign_raises(team, users, monkeypatch, caplog):
    first = _campaign(team, users["manager"], status=CampaignStatus.PLANNED)
    second = _campaign(team, users["manager"], status=CampaignStatus.PLANNED)
    real = services._status_by_dates

    def flaky(campaign, phases, today):
        if campaign.pk == first.pk:
            raise OverflowError("date value out of range")
        return real(campaign, phases, today)

    monkeypatch.setattr(services, "_status_by_dates", flaky)
    services.campaigns_follow_dates(today=second.start_date)
    second.refresh_from_db()
    first.refresh_from_db()
    assert second.status == CampaignStatus.RUNNING
    assert first.status == CampaignStatus.PLANNED
    assert "could not follow its dates" in caplog.text


# --- 4. automatic moves never un-pause --------------------------------------------------


def test_job_cannot_unpause(team, users):
    campaign = _campaign(team, users["manager"], status=CampaignStatus.PAUSED)
    with pytest.raises(PermissionDenied):
        services.campaign_transition(
            actor=None, campaign=campaign, to=CampaignStatus.RUNNING,
            expected_from=CampaignStatus.PAUSED,
        )
    with pytest.raises(PermissionDenied):
        services.campaign_transition(actor=None, campaign=campaign, to=CampaignStatus.RUNNING)
    campaign.refresh_from_db()
    assert campaign.status == CampaignStatus.PAUSED


def test_job_leaves_a_campaign_paused_meanwhile(team, users):
    """The job read "in production", a manager paused it, then the job moves on."""
    campaign = _campaign(team, users["manager"], status=CampaignStatus.IN_PRODUCTION)
    services.campaign_transition(actor=users["manager"], campaign=campaign,
                                 to=CampaignStatus.PAUSED)
    result = services.campaign_transition(
        actor=None, campaign=campaign, to=CampaignStatus.RUNNING,
        expected_from=CampaignStatus.IN_PRODUCTION,
    )
    assert result.status == CampaignStatus.PAUSED
    campaign.refresh_from_db()
    assert campaign.status == CampaignStatus.PAUSED
    assert services.campaign_follow_dates(campaign=campaign, today=campaign.end_date) == []


# --- 5. tasks follow their source -------------------------------------------------------


def _tasks(source):
    return Task.objects.filter(
        source_type=ContentType.objects.get_for_model(type(source)), source_id=str(source.pk)
    )


def test_renamed_draft_still_closes_the_approval_tasks(team, users):
    campaign = spec_example(team, users["marketer"])
    services.campaign_submit(actor=users["marketer"], campaign=campaign)
    assert _tasks(campaign).filter(status=TaskStatus.OPEN).count() >= 1
    services.campaign_update(actor=users["marketer"], campaign=campaign, name="Renamed")
    services.campaign_transition(actor=users["manager"], campaign=campaign,
                                 to=CampaignStatus.PLANNED)
    assert not _tasks(campaign).filter(status=TaskStatus.OPEN).exists()
    assert _tasks(campaign).filter(status=TaskStatus.DONE).exists()


def test_second_submit_is_refused(api_as, team, users):
    campaign = spec_example(team, users["marketer"])
    api = api_as(users["marketer"])
    assert api.post(f"/api/v1/campaigns/{campaign.pk}/submit/").status_code == 200
    stamp = Campaign.objects.get(pk=campaign.pk).submitted_at
    response = api.post(f"/api/v1/campaigns/{campaign.pk}/submit/")
    assert response.status_code == 400
    assert "already submitted" in response.json()["to"][0]
    assert Campaign.objects.get(pk=campaign.pk).submitted_at == stamp


def test_milestone_task_follows_done_reassign_and_delete(team, users):
    campaign = _campaign(team, users["marketer"])
    phase = PhaseFactory(campaign=campaign)
    milestone = services.milestone_create(
        actor=users["marketer"], phase=phase, title="Script ready", due_date=phase.start_date,
        owner=users["marketer"],
    )
    task = _tasks(milestone).get()
    assert task.owner == users["marketer"]
    assert task.status == TaskStatus.OPEN
    assert task.source.get_absolute_url() == f"/campaigns/milestones/{milestone.pk}/"
    services.milestone_update(actor=users["marketer"], milestone=milestone,
                              owner=users["manager"], title="Script approved")
    open_tasks = _tasks(milestone).filter(status=TaskStatus.OPEN)
    assert [(t.owner, t.title) for t in open_tasks] == [
        (users["manager"], f"Script approved · {campaign.name}")
    ]
    services.milestone_set_done(actor=users["marketer"], milestone=milestone, done=True)
    assert not _tasks(milestone).filter(status=TaskStatus.OPEN).exists()
    assert _tasks(milestone).filter(status=TaskStatus.DONE, owner=users["manager"]).exists()
    services.milestone_set_done(actor=users["marketer"], milestone=milestone, done=False)
    assert _tasks(milestone).filter(status=TaskStatus.OPEN).count() == 1
    services.milestone_delete(actor=users["marketer"], milestone=milestone)
    assert not Task.objects.filter(status=TaskStatus.OPEN).exists()


def test_campaign_has_an_absolute_url(team, users):
    campaign = _campaign(team, users["marketer"])
    assert campaign.get_absolute_url() == f"/campaigns/{campaign.pk}/"


def test_milestone_owner_is_looked_up_in_the_campaign_team_only(api_as, team, users, outsider):
    phase = PhaseFactory(campaign=_campaign(team, users["marketer"]))
    api = api_as(users["marketer"])
    base = {"phase": phase.pk, "title": "Cut", "due_date": str(phase.start_date)}
    foreign = api.post("/api/v1/milestones/", {**base, "owner": outsider.username},
                       format="json")
    missing = api.post("/api/v1/milestones/", {**base, "owner": "nobody-at-all"},
                       format="json")
    assert foreign.status_code == missing.status_code == 400
    assert foreign.json() == missing.json()
    mine = api.post("/api/v1/milestones/", {**base, "owner": "analyst"}, format="json")
    assert mine.status_code == 201
    assert mine.json()["owner"] == "analyst"
    assert Milestone.objects.get(pk=mine.json()["id"]).owner == users["analyst"]


# --- 6. the feed speaks the reader's language -------------------------------------------


def test_feed_translates_field_codes_and_phase_kinds(team, users):
    campaign = _campaign(team, users["marketer"])
    with translation.override("en"):
        services.campaign_update(actor=users["marketer"], campaign=campaign, name="New name",
                                 budget="5")
        services.phase_standard_plan(actor=users["marketer"], campaign=campaign)
        phase = campaign.phases.order_by("start_date").first()
        services.phase_update(actor=users["marketer"], phase=phase, parallel=True)
    with translation.override("zh-hans"):
        texts = [line["text"] for line in selectors.activity_feed(campaign)]
    edited = next(t for t in texts if t.startswith("营销活动已修改"))
    assert "name" not in edited
    assert "budget" not in edited
    assert "名称" in edited
    phase_line = next(t for t in texts if "2030-01-01" in t and "2030-01-07" in t)
    assert "Content production" not in phase_line
    assert "内容制作" in phase_line


# --- 8. the approved-plan lock in the UI ------------------------------------------------


@pytest.mark.parametrize(("status", "words"), [
    (CampaignStatus.PLANNED, "return it to draft"),
    (CampaignStatus.RUNNING, "being carried out"),
    (CampaignStatus.PAUSED, "being carried out"),
])
def test_marketer_sees_why_the_plan_is_locked(client_as, team, users, status, words):
    campaign = _campaign(team, users["marketer"], status=status)
    GoalFactory(campaign=campaign)
    assert not selectors.user_may_edit_plan(users["marketer"], campaign)
    assert selectors.user_may_edit_plan(users["manager"], campaign)
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


# --- 9 / 10. list filter, home page -----------------------------------------------------


def test_invalid_list_filter_shows_the_error(client_as, team, users):
    _campaign(team, users["marketer"], name="Visible")
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
        _campaign(team, users["marketer"])
    with django_assert_max_num_queries(12) as few:
        client.get("/")
    for _i in range(20):
        _campaign(team, users["marketer"])
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get("/")


# --- 11. the admin role -----------------------------------------------------------------


def test_admin_plans_approves_and_runs(api_as, team, users):
    api = api_as(users["admin"])
    campaign = spec_example(team, users["marketer"])
    assert api.post(f"/api/v1/campaigns/{campaign.pk}/transition/",
                    {"to": "planned"}, format="json").status_code == 200
    assert api.post("/api/v1/goals/", {"campaign": campaign.pk, "statement": "More"},
                    format="json").status_code == 201
    assert api.post(f"/api/v1/campaigns/{campaign.pk}/transition/",
                    {"to": "running"}, format="json").status_code == 200
    milestone = MilestoneFactory(phase=PhaseFactory(campaign=campaign))
    assert api.post(f"/api/v1/milestones/{milestone.pk}/done/", {"done": True},
                    format="json").status_code == 200

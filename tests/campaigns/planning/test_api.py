"""REST API of campaign planning under /api/v1/."""

from decimal import Decimal

import pytest
from django.utils import timezone

from campaigns.planning.models import KPI, Campaign, CampaignStatus, Milestone, Phase
from tests.campaigns.planning.factories import (
    CampaignFactory,
    GoalFactory,
    KPIFactory,
    MilestoneFactory,
    PhaseFactory,
    spec_example,
)
from tests.conftest import forget_cached_answers

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english(settings):
    settings.LANGUAGE_CODE = "en"

CAMPAIGN = {
    "name": "API campaign", "objective": "awareness", "budget": "100.00",
    "start_date": "2030-01-01", "end_date": "2030-03-31", "target_gender": "any",
    "target_age_bands": ["18-24"], "target_interests": ["gaming"],
}


def test_crud_campaign_goal_kpi_phase_milestone(api_as, team, users):
    api = api_as(users["marketer"])
    response = api.post("/api/v1/campaigns/", {**CAMPAIGN, "team": team.pk}, format="json")
    assert response.status_code == 201, response.json()
    cid = response.json()["id"]
    assert response.json()["status"] == "draft"
    assert response.json()["owner"] == "marketer"
    response = api.post("/api/v1/goals/", {"campaign": cid, "statement": "Awareness +20%"},
                        format="json")
    assert response.status_code == 201, response.json()
    gid = response.json()["id"]
    assert response.json()["objective"] == "awareness"
    response = api.post("/api/v1/kpis/", {
        "goal": gid, "metric": "impressions", "baseline": "1000", "target_change_percent": "20",
        "platform": "wechat_oa",
    }, format="json")
    assert response.status_code == 201, response.json()
    assert response.json()["target"] == "1200.0000"
    assert response.json()["deadline"] == "2030-03-31"
    response = api.post("/api/v1/phases/", {
        "campaign": cid, "kind": "production", "start_date": "2030-01-01",
        "end_date": "2030-01-07",
    }, format="json")
    assert response.status_code == 201, response.json()
    pid = response.json()["id"]
    response = api.post("/api/v1/milestones/", {
        "phase": pid, "title": "Brief", "due_date": "2030-01-03", "owner": "marketer",
    }, format="json")
    assert response.status_code == 201, response.json()
    mid = response.json()["id"]
    response = api.post(f"/api/v1/milestones/{mid}/done/", {"done": True}, format="json")
    assert response.json()["done_at"] is not None
    response = api.patch(f"/api/v1/campaigns/{cid}/", {"name": "Renamed"}, format="json")
    assert response.status_code == 200
    assert response.json()["name"] == "Renamed"
    assert api.delete(f"/api/v1/milestones/{mid}/").status_code == 204
    assert api.delete(f"/api/v1/phases/{pid}/").status_code == 204
    assert api.delete(f"/api/v1/campaigns/{cid}/").status_code == 204
    assert not Campaign.objects.filter(pk=cid).exists()


@pytest.mark.parametrize(
    ("url", "payload", "field"),
    [
        ("/api/v1/campaigns/", {"end_date": "2029-01-01"}, "end_date"),
        ("/api/v1/campaigns/", {"budget": "-1"}, "budget"),
        ("/api/v1/campaigns/", {"budget": "lots"}, "budget"),
        ("/api/v1/campaigns/", {"target_age_bands": ["7-9"]}, "target_age_bands"),
    ],
)
def test_bad_campaign_input_is_400_with_field_errors(api_as, team, users, url, payload, field):
    response = api_as(users["marketer"]).post(
        url, {**CAMPAIGN, "team": team.pk, **payload}, format="json"
    )
    assert response.status_code == 400
    assert field in response.json()


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"target": "abc"}, "target"),
        ({"target": "-3"}, "target"),
        ({"target": "5", "deadline": "2035-01-01"}, "deadline"),
        ({"target": "5", "metric": "fame"}, "metric"),
        ({"target_change_percent": "10"}, "baseline"),
        ({}, "target"),
    ],
)
def test_bad_kpi_input_is_400(api_as, team, users, payload, field):
    goal = GoalFactory(campaign__team=team)
    response = api_as(users["marketer"]).post(
        "/api/v1/kpis/", {"goal": goal.pk, "metric": "impressions", **payload}, format="json"
    )
    assert response.status_code == 400
    assert field in response.json()


def test_phase_outside_campaign_is_400(api_as, team, users):
    campaign = CampaignFactory(team=team)
    response = api_as(users["marketer"]).post("/api/v1/phases/", {
        "campaign": campaign.pk, "kind": "custom", "start_date": "2029-01-01",
        "end_date": "2030-01-05",
    }, format="json")
    assert response.status_code == 400
    assert "start_date" in response.json()


def test_transition_endpoint_by_role(api_as, team, users):
    campaign = spec_example(team, users["marketer"])
    url = f"/api/v1/campaigns/{campaign.pk}/transition/"
    response = api_as(users["marketer"]).post(url, {"to": "planned"}, format="json")
    assert response.status_code == 403
    response = api_as(users["manager"]).post(url, {"to": "closed"}, format="json")
    assert response.status_code == 400
    assert "to" in response.json()
    response = api_as(users["manager"]).post(
        url, {"to": "planned", "reason": "ok"}, format="json"
    )
    assert response.status_code == 200
    assert response.json()["status"] == "planned"
    response = api_as(users["manager"]).post(url, {"to": "planned"}, format="json")
    assert response.status_code == 400


def test_submit_endpoint(api_as, team, users):
    campaign = spec_example(team, users["marketer"])
    response = api_as(users["marketer"]).post(f"/api/v1/campaigns/{campaign.pk}/submit/", {},
                                              format="json")
    assert response.status_code == 200
    assert response.json()["submitted_at"] is not None


def test_smart_endpoint(api_as, team, users):
    campaign = spec_example(team, users["marketer"])
    response = api_as(users["analyst"]).get(f"/api/v1/campaigns/{campaign.pk}/smart/")
    assert response.status_code == 200
    body = response.json()
    assert body["verdict"] == "pass"
    assert body["approvable"] is True
    assert [item["letter"] for item in body["letters"]] == ["S", "M", "A", "R", "T"]
    empty = CampaignFactory(team=team)
    body = api_as(users["analyst"]).get(f"/api/v1/campaigns/{empty.pk}/smart/").json()
    assert body["approvable"] is False


def test_standard_plan_and_duplicate_endpoints(api_as, team, users):
    campaign = spec_example(team, users["marketer"])
    api = api_as(users["marketer"])
    response = api.post(f"/api/v1/campaigns/{campaign.pk}/standard-plan/")
    assert response.status_code == 201
    assert [p["kind"] for p in response.json()] == ["production", "promotion", "evaluation"]
    response = api.post(f"/api/v1/campaigns/{campaign.pk}/duplicate/",
                        {"start_date": "2031-01-01"}, format="json")
    assert response.status_code == 201
    assert response.json()["start_date"] == "2031-01-01"
    assert Phase.objects.filter(campaign_id=response.json()["id"]).count() == 3


@pytest.mark.parametrize("role", ["analyst", "reviewer"])
def test_read_only_roles_read_but_cannot_write(api_as, team, users, role):
    campaign = spec_example(team, users["marketer"])
    api = api_as(users[role])
    assert api.get(f"/api/v1/campaigns/{campaign.pk}/").status_code == 200
    assert api.get("/api/v1/kpis/").json()["count"] == 2
    assert api.post("/api/v1/campaigns/", {**CAMPAIGN, "team": team.pk},
                    format="json").status_code == 403
    assert api.patch(f"/api/v1/campaigns/{campaign.pk}/", {"name": "x"},
                     format="json").status_code == 403
    assert api.post("/api/v1/goals/", {"campaign": campaign.pk, "statement": "x"},
                    format="json").status_code == 403
    assert api.post(f"/api/v1/campaigns/{campaign.pk}/transition/", {"to": "cancelled"},
                    format="json").status_code == 403


def test_other_team_is_404_and_invisible(api_as, team, outsider):
    campaign = CampaignFactory(team=team)
    kpi = KPIFactory(goal__campaign=campaign)
    phase = PhaseFactory(campaign=campaign)
    milestone = MilestoneFactory(phase=phase)
    api = api_as(outsider)
    assert api.get(f"/api/v1/campaigns/{campaign.pk}/").status_code == 404
    assert api.get(f"/api/v1/campaigns/{campaign.pk}/smart/").status_code == 404
    assert api.post(f"/api/v1/campaigns/{campaign.pk}/transition/", {"to": "cancelled"},
                    format="json").status_code == 404
    assert api.patch(f"/api/v1/campaigns/{campaign.pk}/", {"name": "x"},
                     format="json").status_code == 404
    assert api.get(f"/api/v1/kpis/{kpi.pk}/").status_code == 404
    assert api.get(f"/api/v1/goals/{kpi.goal.pk}/").status_code == 404
    assert api.get(f"/api/v1/phases/{phase.pk}/").status_code == 404
    assert api.get(f"/api/v1/milestones/{milestone.pk}/").status_code == 404
    assert api.get("/api/v1/campaigns/").json()["count"] == 0
    # Attaching to a campaign of another team is refused as unknown.
    response = api.post("/api/v1/goals/", {"campaign": campaign.pk, "statement": "x"},
                        format="json")
    assert response.status_code == 400
    assert "campaign" in response.json()
    campaign.refresh_from_db()
    assert campaign.status == CampaignStatus.DRAFT


@pytest.mark.parametrize("url", [
    "/api/v1/campaigns/", "/api/v1/goals/", "/api/v1/kpis/", "/api/v1/phases/",
    "/api/v1/milestones/",
])
def test_list_endpoints_run_constant_queries(
    api_as, team, users, url, django_assert_max_num_queries
):
    api = api_as(users["marketer"])
    KPIFactory(goal__campaign__team=team, platform_id=None)
    MilestoneFactory(phase__campaign__team=team, owner=users["marketer"])
    response = api.get(url)
    assert response.status_code == 200
    # The campaign list's cached answer has its own test (test_list_cache):
    # here each measured request computes its answer.
    forget_cached_answers()
    with django_assert_max_num_queries(10) as few:
        api.get(url)
    baseline = len(few.captured_queries)
    for _n in range(10):
        KPIFactory(goal__campaign__team=team)
        MilestoneFactory(phase__campaign__team=team, owner=users["marketer"])
    forget_cached_answers()
    with django_assert_max_num_queries(baseline):
        response = api.get(url)
    assert response.json()["count"] >= 11


def test_schema_documents_the_endpoints(api_as, users):
    response = api_as(users["marketer"]).get("/api/schema/", {"format": "json"})
    assert response.status_code == 200
    paths = response.json()["paths"]
    for path in (
        "/api/v1/campaigns/", "/api/v1/campaigns/{id}/transition/",
        "/api/v1/campaigns/{id}/smart/", "/api/v1/goals/", "/api/v1/kpis/",
        "/api/v1/phases/", "/api/v1/milestones/",
    ):
        assert path in paths, path


# --- KPI bounds, rates and weights ----------------------------------------------------


def test_huge_relative_target_is_a_field_error_and_nothing_is_saved(api_as, team, users):
    goal = GoalFactory(campaign=CampaignFactory(team=team, owner=users["marketer"]))
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


def test_kpi_patch_with_huge_values_is_400(api_as, team, users):
    kpi = KPIFactory(goal=GoalFactory(campaign=CampaignFactory(team=team, owner=users["marketer"])))
    api = api_as(users["marketer"])
    response = api.patch(f"/api/v1/kpis/{kpi.pk}/", {"target_change_percent": "9999999"},
                         format="json")
    assert response.status_code == 400
    assert "target_change_percent" in response.json()
    kpi.refresh_from_db()
    assert kpi.target == Decimal("1200000")


def test_rate_above_one_is_refused_by_the_api(api_as, team, users):
    goal = GoalFactory(campaign=CampaignFactory(team=team, owner=users["marketer"]))
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


def test_weight_zero_is_a_field_error_not_one(api_as, team, users):
    goal = GoalFactory(campaign=CampaignFactory(team=team, owner=users["marketer"]))
    response = api_as(users["marketer"]).post("/api/v1/kpis/", {
        "goal": goal.pk, "metric": "impressions", "baseline": "1", "target": "2", "weight": 0,
    }, format="json")
    assert response.status_code == 400
    assert "weight" in response.json()
    assert not goal.kpis.exists()


def test_achieved_is_kept_on_create(api_as, team, users):
    goal = GoalFactory(campaign=CampaignFactory(team=team, owner=users["marketer"]))
    response = api_as(users["marketer"]).post("/api/v1/kpis/", {
        "goal": goal.pk, "metric": "impressions", "baseline": "1", "target": "2",
        "achieved": "3",
    }, format="json")
    assert response.status_code == 201, response.json()
    assert goal.kpis.get().achieved == Decimal("3")


def test_duplicate_of_a_long_name_asks_for_a_shorter_name(api_as, team, users):
    campaign = CampaignFactory(team=team, owner=users["marketer"], name="x" * 195)
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


def test_campaign_years_are_limited(api_as, team, users):
    response = api_as(users["marketer"]).post("/api/v1/campaigns/", {
        "team": team.pk, "name": "Far", "objective": "awareness", "budget": "0",
        "start_date": "2030-01-01", "end_date": "9999-12-31", "target_gender": "any",
    }, format="json")
    assert response.status_code == 400
    assert "end_date" in response.json()


def test_duplicate_and_shift_far_away_are_field_errors(api_as, team, users):
    campaign = CampaignFactory(team=team, owner=users["marketer"])
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


def test_second_submit_is_refused(api_as, team, users):
    campaign = spec_example(team, users["marketer"])
    api = api_as(users["marketer"])
    assert api.post(f"/api/v1/campaigns/{campaign.pk}/submit/").status_code == 200
    stamp = Campaign.objects.get(pk=campaign.pk).submitted_at
    response = api.post(f"/api/v1/campaigns/{campaign.pk}/submit/")
    assert response.status_code == 400
    assert "already submitted" in response.json()["to"][0]
    assert Campaign.objects.get(pk=campaign.pk).submitted_at == stamp


def test_milestone_owner_is_looked_up_in_the_campaign_team_only(api_as, team, users, outsider):
    phase = PhaseFactory(campaign=CampaignFactory(team=team, owner=users["marketer"]))
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


def test_admin_plans_approves_and_runs(api_as, team, users):
    api = api_as(users["admin"])
    campaign = spec_example(team, users["marketer"])
    assert api.post(f"/api/v1/campaigns/{campaign.pk}/transition/",
                    {"to": "planned"}, format="json").status_code == 200
    assert api.post("/api/v1/goals/", {"campaign": campaign.pk, "statement": "More"},
                    format="json").status_code == 201
    # Nobody starts a campaign before its start date: here it has come.
    Campaign.objects.filter(pk=campaign.pk).update(start_date=timezone.localdate())
    assert api.post(f"/api/v1/campaigns/{campaign.pk}/transition/",
                    {"to": "running"}, format="json").status_code == 200
    milestone = MilestoneFactory(phase=PhaseFactory(campaign=campaign))
    assert api.post(f"/api/v1/milestones/{milestone.pk}/done/", {"done": True},
                    format="json").status_code == 200


"""Each planning rule lives in one service and holds through the page and the API alike.

The forms and serializers only parse; when a rule refuses, both doors show the
service's own message under the same field, and nothing is saved.
"""

from decimal import Decimal

import pytest
from django.urls import reverse

from campaigns.planning.models import KPI, Campaign, CampaignStatus, Goal, Milestone, Phase
from tests.campaigns.planning.factories import (
    CampaignFactory,
    GoalFactory,
    KPIFactory,
    PhaseFactory,
)

pytestmark = pytest.mark.django_db

CAMPAIGN = {
    "name": "Spring", "objective": "awareness", "budget": "100", "target_gender": "any",
    "start_date": "2030-02-01", "end_date": "2030-03-31",
}
END_BEFORE_START = ["The end date must not be before the start date."]
NOT_A_MEMBER = ["The owner must be a member of the campaign's team."]


@pytest.fixture(autouse=True)
def english(settings):
    settings.LANGUAGE_CODE = "en"


@pytest.fixture
def campaign(team, users):
    return CampaignFactory(team=team, owner=users["marketer"])


# --- end ≥ start ------------------------------------------------------------------------


def test_campaign_end_before_start_is_refused_by_page_and_api(client_as, api_as, team, users):
    reversed_dates = {**CAMPAIGN, "start_date": "2030-03-01", "end_date": "2030-02-01"}

    page = client_as(users["marketer"]).post(
        reverse("campaigns:create"), {**reversed_dates, "team": team.pk}
    )
    api = api_as(users["marketer"]).post(
        "/api/v1/campaigns/", {**reversed_dates, "team": team.pk}, format="json"
    )

    assert page.status_code == 200
    assert page.context["form"].errors["end_date"] == END_BEFORE_START
    assert api.status_code == 400
    assert api.json()["end_date"] == END_BEFORE_START
    assert not Campaign.objects.exists()


def test_campaign_edit_to_reversed_dates_is_refused_by_page_and_api(
    client_as, api_as, campaign, users
):
    page = client_as(users["marketer"]).post(reverse("campaigns:edit", args=[campaign.pk]), {
        **CAMPAIGN, "start_date": "2030-03-01", "end_date": "2030-02-01",
    })
    api = api_as(users["marketer"]).patch(
        f"/api/v1/campaigns/{campaign.pk}/", {"end_date": "2029-12-01"}, format="json"
    )

    assert page.context["form"].errors["end_date"] == END_BEFORE_START
    assert api.status_code == 400
    assert api.json()["end_date"] == END_BEFORE_START
    campaign.refresh_from_db()
    assert (str(campaign.start_date), str(campaign.end_date)) == ("2030-01-01", "2030-03-31")


def test_phase_end_before_start_is_refused_by_page_and_api(client_as, api_as, campaign, users):
    page = client_as(users["marketer"]).post(reverse("campaigns:phases", args=[campaign.pk]), {
        "form": "phase", "phase-kind": "custom",
        "phase-start_date": "2030-01-10", "phase-end_date": "2030-01-05",
    })
    api = api_as(users["marketer"]).post("/api/v1/phases/", {
        "campaign": campaign.pk, "kind": "custom",
        "start_date": "2030-01-10", "end_date": "2030-01-05",
    }, format="json")

    assert page.context["phase_form"].errors["end_date"] == END_BEFORE_START
    assert api.status_code == 400
    assert api.json()["end_date"] == END_BEFORE_START
    assert not Phase.objects.exists()


# --- a milestone's owner is a member of the campaign's team ------------------------------


def test_milestone_owner_from_another_team_is_refused_by_page_and_api(
    client_as, api_as, campaign, users, outsider
):
    phase = PhaseFactory(campaign=campaign)

    page = client_as(users["marketer"]).post(reverse("campaigns:phases", args=[campaign.pk]), {
        "form": "milestone", "milestone-phase": phase.pk, "milestone-title": "Cut",
        "milestone-due_date": str(phase.start_date), "milestone-owner": outsider.pk,
    })
    api = api_as(users["marketer"]).post("/api/v1/milestones/", {
        "phase": phase.pk, "title": "Cut", "due_date": str(phase.start_date),
        "owner": outsider.username,
    }, format="json")

    assert page.status_code == 200
    assert page.context["milestone_form"].errors["owner"] == NOT_A_MEMBER
    assert api.status_code == 400
    assert api.json() == {"owner": NOT_A_MEMBER}
    assert not Milestone.objects.exists()


def test_milestone_owner_who_is_a_member_is_accepted_by_page_and_api(
    client_as, api_as, campaign, users
):
    phase = PhaseFactory(campaign=campaign)

    client_as(users["marketer"]).post(reverse("campaigns:phases", args=[campaign.pk]), {
        "form": "milestone", "milestone-phase": phase.pk, "milestone-title": "By page",
        "milestone-due_date": str(phase.start_date), "milestone-owner": users["analyst"].pk,
    })
    api = api_as(users["marketer"]).post("/api/v1/milestones/", {
        "phase": phase.pk, "title": "By API", "due_date": str(phase.start_date),
        "owner": "analyst",
    }, format="json")

    assert api.status_code == 201
    assert sorted(Milestone.objects.values_list("title", "owner__username")) == [
        ("By API", "analyst"), ("By page", "analyst"),
    ]


# --- rates are at most 100 % (a ratio of 1) ---------------------------------------------


def test_rate_above_the_whole_is_refused_by_page_and_api(client_as, api_as, campaign, users):
    goal = GoalFactory(campaign=campaign)

    page = client_as(users["marketer"]).post(reverse("campaigns:goals", args=[campaign.pk]), {
        "form": "kpi", "kpi-goal": goal.pk, "kpi-metric": "ctr", "kpi-direction": "increase",
        "kpi-baseline": "2", "kpi-target": "150",
    })
    api = api_as(users["marketer"]).post("/api/v1/kpis/", {
        "goal": goal.pk, "metric": "ctr", "baseline": "0.02", "target": "1.5",
    }, format="json")

    # Each door speaks its own unit: the page takes percentages, the API ratios.
    assert page.context["kpi_form"].errors["target"] == [
        "A rate is a percentage between 0 and 100."
    ]
    assert api.status_code == 400
    assert api.json()["target"] == [
        "Rates are ratios: 0.05 = 5%. Enter a value between 0 and 1."
    ]
    assert not KPI.objects.exists()


def test_achieved_rate_above_the_whole_is_refused_by_page_and_api(
    client_as, api_as, team, users
):
    running = CampaignFactory(team=team, owner=users["marketer"], status=CampaignStatus.RUNNING)
    kpi = KPIFactory(goal=GoalFactory(campaign=running), metric="ctr",
                     baseline=Decimal("0.01"), target=Decimal("0.02"))
    url = reverse("campaigns:kpi_edit", args=[running.pk, kpi.pk])

    page = client_as(users["marketer"]).post(url, {"achieved": "150"})
    api = api_as(users["marketer"]).post(
        f"/api/v1/kpis/{kpi.pk}/achieved/", {"achieved": "1.5"}, format="json"
    )
    accepted = api_as(users["marketer"]).post(
        f"/api/v1/kpis/{kpi.pk}/achieved/", {"achieved": "0.03"}, format="json"
    )

    assert page.context["form"].errors["achieved"] == [
        "A rate is a percentage between 0 and 100."
    ]
    assert api.status_code == 400
    assert api.json()["achieved"] == [
        "Rates are ratios: 0.05 = 5%. Enter a value between 0 and 1."
    ]
    assert accepted.status_code == 200
    kpi.refresh_from_db()
    assert kpi.achieved == Decimal("0.03")


# --- ranges the forms used to check themselves ------------------------------------------


def test_negative_budget_is_refused_by_page_and_api(client_as, api_as, team, users):
    page = client_as(users["marketer"]).post(
        reverse("campaigns:create"), {**CAMPAIGN, "team": team.pk, "budget": "-5"}
    )
    api = api_as(users["marketer"]).post(
        "/api/v1/campaigns/", {**CAMPAIGN, "team": team.pk, "budget": "-5"}, format="json"
    )

    assert page.context["form"].errors["budget"] == ["Must not be negative."]
    assert api.json()["budget"] == ["Must not be negative."]
    assert not Campaign.objects.exists()


@pytest.mark.parametrize("weight", ["0", "1001"])
def test_kpi_weight_out_of_range_is_refused_by_page_and_api(
    client_as, api_as, campaign, users, weight
):
    kpi = KPIFactory(goal=GoalFactory(campaign=campaign))
    message = ["The weight must be between 1 and 1000."]

    page = client_as(users["marketer"]).post(
        reverse("campaigns:kpi_edit", args=[campaign.pk, kpi.pk]), {
            "metric": "impressions", "direction": "increase", "baseline": "1000",
            "target": "5000", "weight": weight,
        })
    api = api_as(users["marketer"]).patch(
        f"/api/v1/kpis/{kpi.pk}/", {"weight": weight}, format="json"
    )

    assert page.context["form"].errors["weight"] == message
    assert api.json()["weight"] == message
    kpi.refresh_from_db()
    assert kpi.weight == 1


def test_kpi_without_target_or_change_is_refused_by_page_and_api(
    client_as, api_as, campaign, users
):
    goal = GoalFactory(campaign=campaign)
    message = ["Enter a target or a change in %."]

    page = client_as(users["marketer"]).post(reverse("campaigns:goals", args=[campaign.pk]), {
        "form": "kpi", "kpi-goal": goal.pk, "kpi-metric": "impressions",
        "kpi-direction": "increase", "kpi-baseline": "1",
    })
    api = api_as(users["marketer"]).post(
        "/api/v1/kpis/", {"goal": goal.pk, "metric": "impressions", "baseline": "1"},
        format="json",
    )

    assert page.context["kpi_form"].errors["target"] == message
    assert api.json()["target"] == message
    assert not KPI.objects.exists()


# --- a goal with its first KPI ----------------------------------------------------------


def test_goal_with_its_first_kpi_is_added_by_page_and_api(client_as, api_as, campaign, users):
    client_as(users["marketer"]).post(reverse("campaigns:goals", args=[campaign.pk]), {
        "form": "goal", "goal-statement": "By page", "goal-objective": "awareness",
        "goal-metric": "ctr", "goal-direction": "increase", "goal-baseline": "2",
        "goal-target": "5",
    })
    api = api_as(users["marketer"]).post("/api/v1/goals/with-kpi/", {
        "campaign": campaign.pk, "statement": "By API", "metric": "ctr",
        "baseline": "0.02", "target": "0.05",
    }, format="json")

    assert api.status_code == 201
    assert api.json()["goal"]["statement"] == "By API"
    assert api.json()["kpi"]["target_display"] == "5%"
    assert sorted(
        KPI.objects.values_list("goal__statement", "metric", "baseline", "target")
    ) == [
        ("By API", "ctr", Decimal("0.02"), Decimal("0.05")),
        ("By page", "ctr", Decimal("0.02"), Decimal("0.05")),
    ]


def test_goal_whose_first_kpi_is_refused_is_not_saved_by_page_or_api(
    client_as, api_as, campaign, users
):
    deadline = ["The deadline must lie within the campaign (2030-01-01 – 2030-03-31)."]

    page = client_as(users["marketer"]).post(reverse("campaigns:goals", args=[campaign.pk]), {
        "form": "goal", "goal-statement": "Reach", "goal-objective": "awareness",
        "goal-metric": "impressions", "goal-direction": "increase", "goal-target": "5",
        "goal-deadline": "2035-01-01",
    })
    api = api_as(users["marketer"]).post("/api/v1/goals/with-kpi/", {
        "campaign": campaign.pk, "statement": "Reach", "metric": "impressions",
        "target": "5", "deadline": "2035-01-01",
    }, format="json")

    assert page.context["goal_form"].errors["deadline"] == deadline
    assert api.status_code == 400
    assert api.json() == {"deadline": deadline}
    assert not Goal.objects.exists()


def test_goal_with_kpi_needs_the_same_role_through_page_and_api(
    client_as, api_as, campaign, users
):
    page = client_as(users["analyst"]).post(reverse("campaigns:goals", args=[campaign.pk]), {
        "form": "goal", "goal-statement": "Reach", "goal-objective": "awareness",
        "goal-metric": "impressions", "goal-direction": "increase", "goal-target": "5",
    })
    api = api_as(users["analyst"]).post("/api/v1/goals/with-kpi/", {
        "campaign": campaign.pk, "statement": "Reach", "metric": "impressions", "target": "5",
    }, format="json")

    assert (page.status_code, api.status_code) == (403, 403)
    assert not Goal.objects.exists()

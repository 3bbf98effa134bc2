"""Goal and KPI services: bounds, rates, and a goal added with its first KPI."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from campaigns.planning import services
from teams.models import AuditEvent
from tests.campaigns.planning.factories import CampaignFactory, GoalFactory, KPIFactory

pytestmark = pytest.mark.django_db


def test_relative_target_beyond_the_column_is_refused(team, users):
    goal = GoalFactory(campaign=CampaignFactory(team=team, owner=users["marketer"]))
    with pytest.raises(ValidationError) as exc:
        services.kpi_create(
            actor=users["marketer"], goal=goal, metric="impressions",
            baseline="90000000000000", target_change_percent="50",
        )
    assert exc.value.message_dict["target_change_percent"] == [
        "The resulting target would be too large."
    ]



def test_goal_with_its_first_kpi_is_saved_together(team, users):
    campaign = CampaignFactory(team=team, owner=users["marketer"])

    goal, kpi = services.goal_create_with_kpi(
        actor=users["marketer"], campaign=campaign, statement="Awareness +20%",
        metric="impressions", baseline="1000", target_change_percent="20",
    )

    assert (goal.campaign, goal.objective, goal.order) == (campaign, campaign.objective, 0)
    assert (kpi.goal, kpi.target) == (goal, Decimal("1200"))
    assert list(AuditEvent.objects.filter(target_id=str(campaign.pk))
                .order_by("pk").values_list("action", flat=True)) == ["goal.create", "kpi.create"]


def test_goal_with_a_bad_kpi_saves_neither_and_reports_every_field(team, users):
    campaign = CampaignFactory(team=team, owner=users["marketer"])

    with pytest.raises(ValidationError) as exc:
        services.goal_create_with_kpi(
            actor=users["marketer"], campaign=campaign, statement=" ",
            metric="impressions", target="5", deadline="2035-01-01",
        )

    assert exc.value.message_dict == {
        "statement": ["Say what the goal is."],
        "deadline": ["The deadline must lie within the campaign (2030-01-01 – 2030-03-31)."],
    }
    assert not campaign.goals.exists()


def test_rates_typed_as_percent_are_stored_as_ratios(team, users):
    goal = GoalFactory(campaign=CampaignFactory(team=team, owner=users["marketer"]))

    kpi = services.kpi_create(actor=users["marketer"], goal=goal, metric="ctr",
                              baseline="2", target="5", rates_as_percent=True)

    assert (kpi.baseline, kpi.target) == (Decimal("0.02"), Decimal("0.05"))


def test_a_rate_above_100_percent_is_refused_in_percent_words(team, users):
    goal = GoalFactory(campaign=CampaignFactory(team=team, owner=users["marketer"]))

    with pytest.raises(ValidationError) as exc:
        services.kpi_create(actor=users["marketer"], goal=goal, metric="ctr",
                            baseline="2", target="500", rates_as_percent=True)

    assert exc.value.message_dict == {"target": ["A rate is a percentage between 0 and 100."]}


def test_kpi_update_in_percent_converts_only_what_was_typed(team, users):
    kpi = KPIFactory(goal=GoalFactory(campaign=CampaignFactory(team=team, owner=users["marketer"])),
                     metric="ctr", baseline=Decimal("0.01"), target=Decimal("0.02"))

    services.kpi_update(actor=users["marketer"], kpi=kpi, target="4", rates_as_percent=True)

    kpi.refresh_from_db()
    assert (kpi.baseline, kpi.target) == (Decimal("0.01"), Decimal("0.04"))


def test_no_target_and_no_change_is_one_clear_error(team, users):
    goal = GoalFactory(campaign=CampaignFactory(team=team, owner=users["marketer"]))

    with pytest.raises(ValidationError) as exc:
        services.kpi_create(actor=users["marketer"], goal=goal, metric="impressions")

    assert exc.value.message_dict == {"target": ["Enter a target or a change in %."]}

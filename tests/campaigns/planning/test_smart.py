"""SMART check (S2.1.1, S2.1.2): one verdict per letter with reasons."""

import datetime
from decimal import Decimal

import pytest
from django.utils import translation

from campaigns.planning.models import Objective
from campaigns.planning.smart import smart_check
from tests.campaigns.planning.factories import (
    CampaignFactory,
    GoalFactory,
    KPIFactory,
    spec_example,
)

pytestmark = pytest.mark.django_db


def verdicts(campaign) -> dict[str, str]:
    return {item.letter: item.verdict for item in smart_check(campaign).letters}


def reasons(campaign, letter: str) -> str:
    return " ".join(next(i.reasons for i in smart_check(campaign).letters if i.letter == letter))


def test_spec_example_with_baselines_passes_every_letter(team, users):
    campaign = spec_example(team, users["marketer"])
    assert verdicts(campaign) == {"S": "pass", "M": "pass", "A": "pass", "R": "pass", "T": "pass"}
    assert not smart_check(campaign).has_fail


def test_empty_plan_fails_specific_measurable_relevant_time_bound(team, users):
    campaign = CampaignFactory(team=team, owner=users["marketer"])
    result = verdicts(campaign)
    assert result["S"] == "fail"
    assert result["M"] == "fail"
    assert result["R"] == "fail"
    assert result["T"] == "fail"
    assert smart_check(campaign).has_fail


def test_goal_without_kpi_fails_specific(team, users):
    campaign = CampaignFactory(team=team, owner=users["marketer"])
    GoalFactory(campaign=campaign, statement="Be famous")
    assert verdicts(campaign)["S"] == "fail"
    assert "Be famous" in reasons(campaign, "S")


def test_missing_baseline_fails_unless_a_reason_is_given(team, users):
    kpi = KPIFactory(goal__campaign__team=team, baseline=None)
    campaign = kpi.goal.campaign
    assert verdicts(campaign)["M"] == "fail"
    kpi.no_baseline_reason = "New account, no history"
    kpi.save()
    assert verdicts(campaign)["M"] == "pass"


def test_target_far_above_baseline_warns(team):
    kpi = KPIFactory(goal__campaign__team=team, baseline=Decimal("100"), target=Decimal("301"))
    assert verdicts(kpi.goal.campaign)["A"] == "warn"
    assert "3×" in reasons(kpi.goal.campaign, "A")
    kpi.target = Decimal("300")
    kpi.save()
    assert verdicts(kpi.goal.campaign)["A"] == "pass"


def test_achievable_factor_is_configurable(team, settings):
    kpi = KPIFactory(goal__campaign__team=team, baseline=Decimal("100"), target=Decimal("250"))
    assert verdicts(kpi.goal.campaign)["A"] == "pass"
    settings.SMART_ACHIEVABLE_FACTOR = 2
    assert verdicts(kpi.goal.campaign)["A"] == "warn"


def test_target_far_above_teams_best_earlier_result_warns(team, other_team):
    KPIFactory(
        goal__campaign__team=team, goal__campaign__start_date=datetime.date(2029, 1, 1),
        metric="registrations", baseline=Decimal("50"), target=Decimal("100"),
        achieved=Decimal("100"), goal__objective=Objective.LEADS,
    )
    # Another team's records do not count.
    KPIFactory(
        goal__campaign__team=other_team, metric="registrations", baseline=Decimal("1000"),
        target=Decimal("5000"), achieved=Decimal("5000"), goal__objective=Objective.LEADS,
    )
    new = KPIFactory(
        goal__campaign__team=team, metric="registrations", baseline=None,
        no_baseline_reason="first time", target=Decimal("400"), goal__objective=Objective.LEADS,
    )
    assert verdicts(new.goal.campaign)["A"] == "warn"
    assert "best earlier result" in reasons(new.goal.campaign, "A")


def test_metric_not_fitting_objective_fails_with_fitting_list(team):
    kpi = KPIFactory(goal__campaign__team=team, goal__objective=Objective.SALES, metric="likes")
    assert verdicts(kpi.goal.campaign)["R"] == "fail"
    text = reasons(kpi.goal.campaign, "R")
    assert "Likes" in text
    assert "Revenue" in text
    assert "Orders" in text


@pytest.mark.parametrize(
    ("objective", "metric", "fits"),
    [
        (Objective.AWARENESS, "impressions", True),
        (Objective.AWARENESS, "followers_gained", True),
        (Objective.AWARENESS, "revenue", False),
        (Objective.SALES, "revenue", True),
        (Objective.SALES, "orders", True),
        (Objective.SALES, "aov", True),
        (Objective.SALES, "reads", False),
        (Objective.LEADS, "registrations", True),
        (Objective.LEADS, "leads", True),
        (Objective.LEADS, "plays", False),
    ],
)
def test_relevance_table(team, objective, metric, fits):
    kpi = KPIFactory(goal__campaign__team=team, goal__objective=objective, metric=metric)
    assert (verdicts(kpi.goal.campaign)["R"] == "pass") is fits


def test_deadline_outside_campaign_fails_time_bound(team):
    kpi = KPIFactory(goal__campaign__team=team)
    campaign = kpi.goal.campaign
    kpi.deadline = campaign.end_date + datetime.timedelta(days=1)
    kpi.save()
    assert verdicts(campaign)["T"] == "fail"
    assert campaign.end_date.isoformat() in reasons(campaign, "T")


def test_reasons_are_in_the_users_language(team, users):
    campaign = CampaignFactory(team=team, owner=users["marketer"])
    with translation.override("zh-hans"):
        text = reasons(campaign, "S")
    with translation.override("en"):
        english = reasons(campaign, "S")
    assert english.startswith("Add at least one goal")
    assert text != english
    assert any("\u4e00" <= ch <= "\u9fff" for ch in text)

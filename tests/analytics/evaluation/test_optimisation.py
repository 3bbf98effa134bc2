"""Optimisation actions: handed out as tasks, tracked to done, the KPI before and after.

And the budget reallocation suggestion, which is computed, shown and never applied.
"""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from analytics.models import ActionStatus, Finding, FindingKind, OptimisationAction
from analytics.selectors.dashboards import (
    CampaignDashboard,
    Filters,
    Group,
    budget_reallocation,
)
from analytics.services.optimisation import (
    action_complete,
    action_create,
    actions_follow_up,
)
from teams.models import Task, TaskStatus
from teams.services import task_set_status

from .conftest import DAY, START, put

pytestmark = pytest.mark.django_db

DONE_DAY = START + 10 * DAY


@pytest.fixture
def finding(campaign):
    return Finding.objects.create(
        campaign=campaign, kind=FindingKind.LOW_CTR, period_start=START + 3 * DAY,
        period_end=START + 9 * DAY, evidence={"stage": "click_rate"},
    )


def _create(campaign, users, finding, kpi, **overrides):
    values = {
        "actor": users["analyst"], "campaign": campaign, "title": "New covers and titles",
        "expected_effect": "Click rate back to 10%", "owner": users["marketer"],
        "due_date": START + 12 * DAY, "kpi": kpi, "finding": finding, "window_days": 3,
        "today": START + 9 * DAY,
    }
    values.update(overrides)
    return action_create(**values)


def test_an_action_goes_to_its_owner_as_a_task_keyed_by_the_action(
    campaign, users, finding, reads_kpi
):
    action = _create(campaign, users, finding, reads_kpi)

    task = Task.objects.get()
    assert action.task == task
    assert task.owner == users["marketer"]
    assert task.dedup_key == f"optimisation-action:{action.pk}"
    assert task.due_date == START + 12 * DAY
    assert task.title == "New covers and titles · Spring launch"
    assert task.source == action
    assert finding.actions.get() == action


def test_an_action_needs_a_title_an_effect_a_team_owner_and_a_future_due_date(
    campaign, users, finding, reads_kpi, outsider
):
    with pytest.raises(ValidationError) as error:
        _create(campaign, users, finding, reads_kpi, title=" ", expected_effect="",
                owner=outsider, due_date=START, window_days=0)

    assert error.value.message_dict == {
        "title": ["Say what will be changed."],
        "expected_effect": ["Say what the change should do to the KPI."],
        "owner": ["The owner must be a member of the campaign's team."],
        "due_date": ["The due date must not be in the past."],
        "window_days": ["Measure over 1 to 90 days."],
    }
    assert OptimisationAction.objects.count() == 0


def test_a_reviewer_may_not_plan_actions(campaign, users, finding, reads_kpi):
    with pytest.raises(PermissionDenied):
        _create(campaign, users, finding, reads_kpi, actor=users["reviewer"])


def _at(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(10)))


def test_done_actions_measure_the_kpi_the_same_days_before_and_after(
    campaign, users, finding, reads_kpi, wechat, monkeypatch
):
    for offset in range(7, 13):
        put(campaign, wechat, START + offset * DAY, reads=100 if offset < 10 else 160)
    action = _create(campaign, users, finding, reads_kpi)
    monkeypatch.setattr("analytics.services.optimisation.timezone.now", lambda: _at(DONE_DAY))

    action_complete(actor=users["marketer"], action=action)

    action.refresh_from_db()
    assert action.status == ActionStatus.DONE
    assert action.value_before == Decimal("300")  # START+7 … START+9
    assert action.value_after is None
    assert Task.objects.get().status == TaskStatus.DONE
    # The three days after are in once START+12 has passed.
    assert actions_follow_up(campaign=campaign, today=START + 12 * DAY) == []
    assert actions_follow_up(campaign=campaign, today=START + 13 * DAY) == [action]
    action.refresh_from_db()
    assert action.value_after == Decimal("480")  # START+10 … START+12
    assert actions_follow_up(campaign=campaign, today=START + 14 * DAY) == []


def test_an_action_whose_task_was_done_on_the_tasks_page_follows_it(
    campaign, users, finding, reads_kpi, wechat
):
    action = _create(campaign, users, finding, reads_kpi)
    task_set_status(actor=users["marketer"], task=action.task, status=TaskStatus.DONE)

    assert actions_follow_up(campaign=campaign, today=START + 9 * DAY) == [action]
    action.refresh_from_db()
    assert action.status == ActionStatus.DONE


def test_an_action_is_completed_once(campaign, users, finding, reads_kpi):
    action = _create(campaign, users, finding, reads_kpi)
    action_complete(actor=users["marketer"], action=action)

    with pytest.raises(ValidationError):
        action_complete(actor=users["marketer"], action=action)


def test_only_the_owner_leads_and_analysts_complete_an_action(
    campaign, users, finding, reads_kpi
):
    action = _create(campaign, users, finding, reads_kpi, owner=users["manager"])

    with pytest.raises(PermissionDenied):
        action_complete(actor=users["marketer"], action=action)


# --- budget reallocation ---------------------------------------------------------------------


def _dashboard(campaign, groups) -> CampaignDashboard:
    return CampaignDashboard(
        campaign=campaign, filters=Filters(), start=START, end=START, statuses=[], totals={},
        daily={}, platforms=groups, accounts=[],
    )


def test_reallocation_moves_half_way_toward_the_share_of_conversions(campaign):
    # ¥30,000 budget, ¥10,000 spent: ¥20,000 left to split.
    groups = [
        Group("wechat_oa", "WeChat", {"spend": Decimal("5000"), "conversions": Decimal("250")}),
        Group("douyin", "Douyin", {"spend": Decimal("5000"), "conversions": Decimal("50")}),
    ]

    suggestion = budget_reallocation(_dashboard(campaign, groups))

    assert suggestion.base == Decimal("20000")
    wechat, douyin = suggestion.rows
    assert wechat["cost_per_conversion"] == Decimal("20")
    assert douyin["cost_per_conversion"] == Decimal("100")
    # Shares 50/50 now; 83/17 by conversions; half-way is 66.7/33.3.
    assert wechat["suggested_share"].quantize(Decimal("0.001")) == Decimal("0.667")
    assert wechat["change"] == Decimal("3333.33")
    assert douyin["change"] == Decimal("-3333.33")
    # ¥3,333 more at 0.05 conversions per yuan, ¥3,333 less at 0.01.
    assert suggestion.extra_conversions.quantize(Decimal("1")) == Decimal("133")
    assert len(suggestion.reasoning) == 4
    assert suggestion.reasoning[0] == "WeChat: ¥20.00 per conversion, 50% of the spend."


def test_no_reallocation_without_two_platforms_that_spent(campaign):
    groups = [Group("wechat_oa", "WeChat", {"spend": Decimal("5000"), "conversions": 1}),
              Group("douyin", "Douyin", {"clicks": Decimal("5")})]

    assert budget_reallocation(_dashboard(campaign, groups)) is None

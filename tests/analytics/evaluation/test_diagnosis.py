"""Diagnosis rules: the weakest funnel stage with its numbers, weak platforms, sentiment."""

import datetime
from decimal import Decimal

import pytest

from analytics.models import Finding, FindingKind
from analytics.services.diagnosis import campaign_diagnose, diagnosis_period
from campaigns.planning.models import CampaignStatus
from compliance.risk.models import OpinionSignal
from tests.campaigns.planning.factories import CampaignFactory, GoalFactory, KPIFactory

from .conftest import DAY, START, put

pytestmark = pytest.mark.django_db

TODAY = START + 14 * DAY  # the diagnosed week: START+7 … START+13


def _week(campaign, account, days, **metrics):
    for offset in days:
        put(campaign, account, START + offset * DAY, **metrics)


def test_the_diagnosed_period_is_the_seven_days_before_today():
    assert diagnosis_period(TODAY) == (START + 7 * DAY, START + 13 * DAY)


def test_low_click_rate_with_normal_exposure_points_at_content_attractiveness(campaign, wechat):
    _week(campaign, wechat, range(7), reads=1000, clicks=100, conversions=5)
    _week(campaign, wechat, range(7, 14), reads=1000, clicks=30, conversions=2)

    [finding] = campaign_diagnose(campaign=campaign, today=TODAY)

    assert finding.kind == FindingKind.LOW_CTR
    assert (finding.period_start, finding.period_end) == (START + 7 * DAY, START + 13 * DAY)
    evidence = finding.evidence
    assert evidence["stage"] == "click_rate"
    assert evidence["value"] == 0.03
    assert evidence["own_history"] == 0.1
    assert evidence["reference"] == "own_history"
    assert evidence["ratio"] == 0.3
    assert evidence["stages"]["exposure_per_day"]["ratio"] == 1.0
    assert evidence["numbers"] == {
        "exposure": 7000.0, "clicks": 210.0, "conversions": 14.0, "orders": None,
        "spend": None, "days": 7,
    }


def test_low_exposure_points_at_channel_or_budget_before_anything_later(campaign, wechat):
    _week(campaign, wechat, range(7), reads=1000, clicks=100, conversions=5)
    _week(campaign, wechat, range(7, 14), reads=400, clicks=10, conversions=0)

    [finding] = campaign_diagnose(campaign=campaign, today=TODAY)

    assert finding.kind == FindingKind.LOW_IMPRESSIONS
    assert finding.evidence["value"] == 400.0  # exposure per day
    assert finding.evidence["own_history"] == 1000.0
    assert finding.evidence["ratio"] == 0.4


def test_low_conversion_with_a_normal_click_rate_points_at_landing_page_or_fit(
    campaign, wechat
):
    _week(campaign, wechat, range(7), reads=1000, clicks=100, conversions=5)
    _week(campaign, wechat, range(7, 14), reads=1000, clicks=100, conversions=2)

    [finding] = campaign_diagnose(campaign=campaign, today=TODAY)

    assert finding.kind == FindingKind.LOW_CONVERSION
    assert finding.evidence["value"] == 0.02
    assert finding.evidence["own_history"] == 0.05
    assert finding.evidence["ratio"] == 0.4


def test_a_steady_campaign_has_no_stage_finding(campaign, wechat):
    _week(campaign, wechat, range(14), reads=1000, clicks=100, conversions=5)

    assert campaign_diagnose(campaign=campaign, today=TODAY) == []


def test_without_own_history_the_teams_earlier_campaigns_are_the_reference(
    team, users, wechat
):
    earlier = CampaignFactory(team=team, owner=users["marketer"], name="Winter",
                              status=CampaignStatus.CLOSED, start_date=START - 40 * DAY,
                              end_date=START - 31 * DAY)
    for offset in range(10):
        put(earlier, wechat, earlier.start_date + offset * DAY, reads=1000, clicks=80,
            conversions=8)
    fresh = CampaignFactory(team=team, owner=users["marketer"], name="Fresh",
                            status=CampaignStatus.RUNNING, start_date=START + 7 * DAY,
                            end_date=START + 30 * DAY)
    _week(fresh, wechat, range(7, 14), reads=1000, clicks=80, conversions=2)

    [finding] = campaign_diagnose(campaign=fresh, today=TODAY)

    assert finding.kind == FindingKind.LOW_CONVERSION
    assert finding.evidence["reference"] == "team_history"
    assert finding.evidence["team_history"] == 0.1
    assert finding.evidence["own_history"] is None
    assert finding.evidence["team_campaigns"] == 1
    assert finding.evidence["ratio"] == 0.25


def test_without_any_history_the_plan_is_the_reference(team, users, wechat):
    fresh = CampaignFactory(team=team, owner=users["marketer"], status=CampaignStatus.RUNNING,
                            start_date=START + 7 * DAY, end_date=START + 36 * DAY)
    goal = GoalFactory(campaign=fresh)
    KPIFactory(goal=goal, metric="conversion_rate", target=Decimal("0.05"))
    _week(fresh, wechat, range(7, 14), reads=1000, clicks=100, conversions=1)

    [finding] = campaign_diagnose(campaign=fresh, today=TODAY)

    assert finding.kind == FindingKind.LOW_CONVERSION
    assert finding.evidence["reference"] == "plan"
    assert finding.evidence["plan"] == 0.05
    assert finding.evidence["ratio"] == 0.2


def test_a_platform_far_below_the_campaigns_average_points_at_platform_choice(
    campaign, wechat, douyin
):
    _week(campaign, wechat, range(14), reads=1000, clicks=100, conversions=5)
    _week(campaign, douyin, range(14), plays=1000, clicks=100, conversions=1)

    findings = campaign_diagnose(campaign=campaign, today=TODAY)

    [weak] = [f for f in findings if f.kind == FindingKind.WEAK_PLATFORM]
    assert weak.platform_code == "douyin"
    assert weak.evidence["metric"] == "conversion_rate"
    assert weak.evidence["value"] == 0.01
    assert weak.evidence["campaign_average"] == 0.03
    assert weak.evidence["own_history"] == 0.01


def _signals(team, day: datetime.date, negative: int, total: int) -> None:
    at = datetime.datetime.combine(day, datetime.time(12), tzinfo=datetime.UTC)
    OpinionSignal.objects.bulk_create([
        OpinionSignal(team=team, occurred_at=at, score=-0.8 if i < negative else 0.6,
                      label="negative" if i < negative else "positive", source="weibo",
                      platform_code="wechat_oa", external_id=f"{day}-{i}")
        for i in range(total)
    ])


def test_a_rising_negative_share_points_at_a_content_or_product_issue(team, campaign, wechat):
    _week(campaign, wechat, range(14), reads=1000, clicks=100, conversions=5)
    _signals(team, START + 3 * DAY, negative=3, total=30)
    _signals(team, START + 10 * DAY, negative=12, total=30)

    [finding] = campaign_diagnose(campaign=campaign, today=TODAY)

    assert finding.kind == FindingKind.NEGATIVE_SENTIMENT
    assert finding.evidence["negative"] == 12
    assert finding.evidence["total"] == 30
    assert finding.evidence["share"] == 0.4
    assert finding.evidence["share_before"] == 0.1


def test_a_steady_negative_share_is_no_finding(team, campaign, wechat):
    _week(campaign, wechat, range(14), reads=1000, clicks=100, conversions=5)
    _signals(team, START + 3 * DAY, negative=10, total=30)
    _signals(team, START + 10 * DAY, negative=12, total=30)

    assert campaign_diagnose(campaign=campaign, today=TODAY) == []


def test_diagnosing_the_same_week_twice_writes_each_finding_once(campaign, wechat):
    _week(campaign, wechat, range(7), reads=1000, clicks=100, conversions=5)
    _week(campaign, wechat, range(7, 14), reads=1000, clicks=30, conversions=2)

    campaign_diagnose(campaign=campaign, today=TODAY)
    campaign_diagnose(campaign=campaign, today=TODAY)

    assert Finding.objects.count() == 1


def test_a_finding_the_late_data_no_longer_supports_is_removed(campaign, wechat):
    _week(campaign, wechat, range(7), reads=1000, clicks=100, conversions=5)
    _week(campaign, wechat, range(7, 14), reads=1000, clicks=30, conversions=2)
    campaign_diagnose(campaign=campaign, today=TODAY)
    _week(campaign, wechat, range(7, 14), reads=1000, clicks=100, conversions=5)

    assert campaign_diagnose(campaign=campaign, today=TODAY) == []
    assert Finding.objects.count() == 0

"""KPI progress and pacing: bands, the straight line, the forecast, rates from summed parts."""

from decimal import Decimal

import pytest

from analytics.selectors.kpis import (
    AHEAD,
    AT_RISK,
    BEHIND,
    ON_TRACK,
    kpi_statuses,
    kpis_of_campaigns,
    pacing_for,
    worst_pacing,
)
from campaigns.planning.models import Direction
from tests.campaigns.planning.factories import KPIFactory
from tests.platforms.factories import platform

from .conftest import DAY, START, put

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("ratio", "pacing"),
    [
        ("2", AHEAD), ("1.10", AHEAD), ("1.0999", ON_TRACK), ("0.95", ON_TRACK),
        ("0.9499", BEHIND), ("0.75", BEHIND), ("0.7499", AT_RISK), ("0", AT_RISK),
    ],
)
def test_pacing_bands_split_forecast_over_target_at_110_95_75_percent(ratio, pacing):
    assert pacing_for(Decimal(ratio)) == pacing


def test_no_forecast_means_no_pacing():
    assert pacing_for(None) is None


def _status(kpi, today):
    return kpi_statuses(kpis_of_campaigns([kpi.goal.campaign_id]), today=today)[0]


def test_count_kpi_progress_expected_and_forecast_follow_the_straight_line(
    campaign, reads_kpi, wechat
):
    # 10 days of 900 reads against a 1,000-a-day straight line over 30 days.
    for offset in range(10):
        put(campaign, wechat, START + offset * DAY, reads=900)

    status = _status(reads_kpi, START + 10 * DAY)

    assert status.actual == Decimal("9000")
    assert status.target == Decimal("30000")
    assert status.progress == Decimal("0.3")
    assert status.elapsed_days == 10
    assert status.total_days == 30
    assert status.expected == Decimal("10000")
    assert status.forecast == Decimal("27000")
    assert status.pacing == BEHIND  # 27,000 ÷ 30,000 = 90 %


def test_progress_may_exceed_one_and_a_fast_start_is_ahead(campaign, reads_kpi, wechat):
    put(campaign, wechat, START, reads=36000)

    status = _status(reads_kpi, START + 15 * DAY)

    assert status.progress == Decimal("1.2")
    assert status.forecast == Decimal("72000")
    assert status.pacing == AHEAD


def test_a_kpi_before_its_first_full_day_has_no_forecast_or_pacing(campaign, reads_kpi, wechat):
    put(campaign, wechat, START, reads=500)

    status = _status(reads_kpi, START)

    assert status.actual == Decimal("500")
    assert status.expected == Decimal("0")
    assert status.forecast is None
    assert status.pacing is None


def test_a_kpi_without_data_has_no_actual_progress_or_pacing(campaign, reads_kpi):
    status = _status(reads_kpi, START + 5 * DAY)

    assert (status.actual, status.progress, status.pacing) == (None, None, None)
    assert status.expected == Decimal("5000")


def test_after_the_deadline_the_forecast_is_the_actual(campaign, reads_kpi, wechat):
    put(campaign, wechat, START + 3 * DAY, reads=29000)

    status = _status(reads_kpi, START + 40 * DAY)

    assert status.elapsed_days == 30
    assert status.expected == Decimal("30000")
    assert status.forecast == Decimal("29000")
    assert status.pacing == ON_TRACK  # 96.7 %


def test_data_outside_the_kpi_window_does_not_count(campaign, reads_kpi, wechat):
    put(campaign, wechat, START - DAY, reads=5000)
    put(campaign, wechat, START + 30 * DAY, reads=7000)
    put(campaign, wechat, START + DAY, reads=1000)

    assert _status(reads_kpi, START + 10 * DAY).actual == Decimal("1000")


def test_conversion_rate_is_the_ratio_of_summed_parts_not_an_average_of_days(
    campaign, conversion_kpi, wechat
):
    # Day 1: 1 of 10 clicks converted (10 %); day 2: 10 of 1,000 (1 %).
    # The average of the days would be 5.5 %; the campaign converted 11 of 1,010.
    put(campaign, wechat, START, clicks=10, conversions=1)
    put(campaign, wechat, START + DAY, clicks=1000, conversions=10)

    status = _status(conversion_kpi, START + 2 * DAY)

    assert status.actual == Decimal("0.010891")  # 11 ÷ 1,010
    assert status.expected == Decimal("0.05")  # a rate is expected at target every day
    assert status.forecast == status.actual
    assert status.pacing == AT_RISK


def test_aov_is_revenue_over_orders_summed(campaign, goal, wechat):
    kpi = KPIFactory(goal=goal, metric="aov", baseline=Decimal("100"), target=Decimal("150"))
    put(campaign, wechat, START, revenue="1000.50", orders=10)
    put(campaign, wechat, START + DAY, revenue="200", orders=1)

    status = _status(kpi, START + 2 * DAY)

    assert status.actual == Decimal("109.136364")  # 1,200.50 ÷ 11
    assert status.pacing == AT_RISK  # 72.8 % of ¥150


def test_a_platform_kpi_counts_only_that_platform(campaign, goal, wechat, douyin):
    kpi = KPIFactory(goal=goal, metric="reads", target=Decimal("1000"),
                     platform=platform("douyin"))
    put(campaign, wechat, START, reads=700)
    put(campaign, douyin, START, reads=300)

    assert _status(kpi, START + DAY).actual == Decimal("300")


def test_a_decrease_kpi_is_ahead_when_the_value_stays_below_target(campaign, goal, wechat):
    kpi = KPIFactory(goal=goal, metric="conversion_rate", target=Decimal("0.10"),
                     direction=Direction.DECREASE)
    put(campaign, wechat, START, clicks=100, conversions=5)

    assert _status(kpi, START + DAY).pacing == AHEAD  # 0.10 ÷ 0.05 = 2


def test_a_decrease_kpi_below_target_has_reached_it(campaign, goal, wechat):
    kpi = KPIFactory(goal=goal, metric="conversion_rate", target=Decimal("0.10"),
                     direction=Direction.DECREASE)
    put(campaign, wechat, START, clicks=100, conversions=5)

    assert _status(kpi, START + DAY).progress == Decimal("2")  # 0.10 ÷ 0.05: done twice over


def test_a_bounce_rate_kpi_above_target_shows_how_far_it_still_has_to_fall(
    campaign, goal, wechat
):
    kpi = KPIFactory(goal=goal, metric="bounce_rate", target=Decimal("0.30"),
                     direction=Direction.DECREASE)
    put(campaign, wechat, START, sessions=100, bounced_sessions=40)

    status = _status(kpi, START + DAY)

    assert status.actual == Decimal("0.4")
    assert status.progress == Decimal("0.75")  # 0.30 ÷ 0.40
    assert status.pacing == BEHIND


def test_a_decrease_kpi_at_zero_is_complete(campaign, goal, wechat):
    kpi = KPIFactory(goal=goal, metric="conversion_rate", target=Decimal("0.10"),
                     direction=Direction.DECREASE)
    put(campaign, wechat, START, clicks=100, conversions=0)

    assert _status(kpi, START + DAY).progress == Decimal("1")


def test_statuses_of_many_campaigns_take_one_query(
    campaign, reads_kpi, conversion_kpi, wechat, django_assert_num_queries
):
    put(campaign, wechat, START, reads=100, clicks=10, conversions=1)
    kpis = list(kpis_of_campaigns([campaign.pk]))

    with django_assert_num_queries(1):
        statuses = kpi_statuses(kpis, today=START + DAY)

    assert [s.metric for s in statuses] == ["reads", "conversion_rate"]


def test_worst_pacing_puts_at_risk_before_behind(campaign, reads_kpi, conversion_kpi, wechat):
    for offset in range(10):
        put(campaign, wechat, START + offset * DAY, reads=900, clicks=100, conversions=5)

    statuses = kpi_statuses(kpis_of_campaigns([campaign.pk]), today=START + 10 * DAY)

    assert [s.pacing for s in statuses] == [BEHIND, ON_TRACK]
    assert worst_pacing(statuses) == BEHIND
    assert worst_pacing([]) is None

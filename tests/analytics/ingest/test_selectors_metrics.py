"""Metric figures read from the rollups: totals, series, breakdowns, portfolio totals."""

import datetime
from decimal import Decimal

import pytest

from analytics.models import FormulaMetric
from analytics.selectors.metrics import (
    UnknownMetricError,
    campaign_metric_breakdown,
    campaign_metric_series,
    campaign_metric_total,
    campaigns_metric_totals,
)
from tests.analytics.ingest.factories import DAY, point, store
from tests.campaigns.planning.factories import CampaignFactory
from tests.platforms.factories import PlatformAccountFactory, platform

pytestmark = pytest.mark.django_db
MONDAY = datetime.date(2026, 3, 9)  # DAY is a Tuesday


def days(n):
    return MONDAY + datetime.timedelta(days=n)


def test_a_total_is_the_sum_of_the_rollups_in_the_range(campaign, douyin, weibo):
    store(
        point(campaign, douyin, "plays", 100, day=days(0)),
        point(campaign, douyin, "plays", 200, day=days(1)),
        point(campaign, weibo, "plays", 50, day=days(1)),
        point(campaign, douyin, "plays", 400, day=days(2)),
    )

    assert campaign_metric_total(campaign, "plays") == Decimal("750")
    assert campaign_metric_total(campaign, "plays", start=days(1), end=days(1)) == Decimal("250")
    assert campaign_metric_total(campaign, "plays", platform="weibo") == Decimal("50")
    assert campaign_metric_total(campaign, "plays", platform=platform("douyin")) == Decimal("700")


def test_a_total_without_data_is_none(campaign):
    assert campaign_metric_total(campaign, "reads") is None


def test_a_rate_is_the_ratio_of_summed_parts_never_an_average_of_daily_rates(campaign, douyin):
    store(
        point(campaign, douyin, "clicks", 1, day=days(0)),
        point(campaign, douyin, "impressions", 10, day=days(0)),  # 10 % that day
        point(campaign, douyin, "clicks", 99, day=days(1)),
        point(campaign, douyin, "impressions", 100, day=days(1)),  # 99 % that day
    )

    # (1 + 99) / (10 + 100), not (10 % + 99 %) / 2
    assert campaign_metric_total(campaign, "ctr") == Decimal("0.909091")


def test_average_order_value_is_revenue_over_orders(campaign, douyin, weibo):
    store(
        point(campaign, douyin, "revenue", "1000.50", day=days(0)),
        point(campaign, douyin, "orders", 10, day=days(0)),
        point(campaign, weibo, "revenue", "99.50", day=days(1)),
        point(campaign, weibo, "orders", 1, day=days(1)),
    )

    assert campaign_metric_total(campaign, "aov") == Decimal("100.000000")


def test_a_rate_without_its_denominator_has_no_value(campaign, douyin):
    store(point(campaign, douyin, "clicks", 5))

    assert campaign_metric_total(campaign, "ctr") is None


def test_series_by_day_week_and_month(campaign, douyin):
    store(
        point(campaign, douyin, "reads", 10, day=days(0)),
        point(campaign, douyin, "reads", 20, day=days(6)),
        point(campaign, douyin, "reads", 40, day=days(7)),
        point(campaign, douyin, "reads", 80, day=datetime.date(2026, 4, 2)),
    )

    assert campaign_metric_series(campaign, "reads") == [
        (days(0), Decimal("10")), (days(6), Decimal("20")), (days(7), Decimal("40")),
        (datetime.date(2026, 4, 2), Decimal("80")),
    ]
    assert campaign_metric_series(campaign, "reads", granularity="week") == [
        (MONDAY, Decimal("30")), (days(7), Decimal("40")),
        (datetime.date(2026, 3, 30), Decimal("80")),
    ]
    assert campaign_metric_series(campaign, "reads", granularity="month") == [
        (datetime.date(2026, 3, 1), Decimal("70")), (datetime.date(2026, 4, 1), Decimal("80")),
    ]
    assert campaign_metric_series(
        campaign, "reads", granularity="week", start=days(1), end=days(7)
    ) == [(MONDAY, Decimal("20")), (days(7), Decimal("40"))]


def test_a_rate_series_leaves_out_periods_without_a_denominator(campaign, douyin):
    store(
        point(campaign, douyin, "conversions", 3, day=days(0)),
        point(campaign, douyin, "clicks", 60, day=days(0)),
        point(campaign, douyin, "conversions", 1, day=days(1)),
    )

    assert campaign_metric_series(campaign, "conversion_rate") == [(days(0), Decimal("0.050000"))]


def test_series_granularity_must_be_known(campaign):
    with pytest.raises(ValueError, match="granularity"):
        campaign_metric_series(campaign, "reads", granularity="hour")


def test_breakdown_by_platform_and_by_account_largest_first(campaign, douyin, weibo, team):
    second = douyin.__class__.objects.create(
        team=team, platform=douyin.platform, handle="brand-douyin-2"
    )
    store(
        point(campaign, douyin, "likes", 30),
        point(campaign, second, "likes", 5),
        point(campaign, weibo, "likes", 20),
    )

    assert campaign_metric_breakdown(campaign, "likes") == [
        ("douyin", Decimal("35")), ("weibo", Decimal("20")),
    ]
    assert campaign_metric_breakdown(campaign, "likes", by="account") == [
        ("Douyin · brand-douyin", Decimal("30")), ("Weibo · brand-weibo", Decimal("20")),
        ("Douyin · brand-douyin-2", Decimal("5")),
    ]


def test_formula_metrics_are_ratios_of_sums_and_a_teams_own_wins(campaign, douyin, team):
    FormulaMetric.objects.create(
        code="interaction_rate", name="Shared", numerator=["likes"], denominator=["plays"]
    )
    FormulaMetric.objects.create(
        team=team, code="interaction_rate", name="Douyin interaction rate",
        numerator=["likes", "comments", "shares"], denominator=["plays"],
    )
    store(
        point(campaign, douyin, "plays", 1000, day=days(0)),
        point(campaign, douyin, "likes", 40, day=days(0)),
        point(campaign, douyin, "comments", 5, day=days(0)),
        point(campaign, douyin, "shares", 5, day=days(1)),
        point(campaign, douyin, "plays", 1000, day=days(1)),
    )

    assert campaign_metric_total(campaign, "interaction_rate") == Decimal("0.025000")
    assert campaigns_metric_totals([campaign.pk], ["interaction_rate"]) == {
        campaign.pk: {"interaction_rate": Decimal("0.025000")}
    }


def test_an_unknown_metric_is_an_error(campaign):
    with pytest.raises(UnknownMetricError):
        campaign_metric_total(campaign, "nope")


@pytest.mark.parametrize("count", [1, 20])
def test_portfolio_totals_take_one_query_whatever_the_number_of_campaigns(
    count, team, users, django_assert_num_queries
):
    campaigns = [CampaignFactory(team=team, owner=users["manager"]) for _ in range(count)]
    for index, campaign in enumerate(campaigns):
        # An account's day belongs to one campaign: each campaign has its own account.
        account = PlatformAccountFactory(team=team)
        store(
            point(campaign, account, "clicks", 10 + index),
            point(campaign, account, "impressions", 100),
            point(campaign, account, "revenue", "10.01"),
        )

    with django_assert_num_queries(1):
        totals = campaigns_metric_totals(
            [c.pk for c in campaigns], ["clicks", "ctr", "revenue", "orders"],
            start=DAY, end=DAY,
        )

    assert totals[campaigns[0].pk] == {
        "clicks": Decimal("10"), "ctr": Decimal("0.100000"), "revenue": Decimal("10.01"),
    }
    assert len(totals) == count

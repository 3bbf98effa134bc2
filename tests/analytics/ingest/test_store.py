"""The metric store: natural-key upserts and rollups kept in step with the raw points."""

import datetime
from decimal import Decimal

import pytest

from analytics.models import DailyRollup, MetricPoint
from analytics.services.store import (
    PointError,
    PointIn,
    UpsertCounts,
    point_value,
    points_increment,
    points_upsert,
)
from tests.analytics.ingest.factories import DAY, point, store
from tests.campaigns.content.factories import ContentItemFactory
from tests.campaigns.planning.factories import CampaignFactory

pytestmark = pytest.mark.django_db
NEXT = DAY + datetime.timedelta(days=1)


def rollup(campaign, account, metric, day=DAY):
    row = DailyRollup.objects.filter(
        campaign=campaign, account=account, metric=metric, date=day
    ).first()
    return row.value if row else None


def test_first_write_adds_points_and_their_rollups(campaign, douyin):
    counts = store(point(campaign, douyin, "plays", 1200), point(campaign, douyin, "likes", 45))

    assert counts == UpsertCounts(added=2, updated=0, unchanged=0)
    assert MetricPoint.objects.count() == 2
    assert rollup(campaign, douyin, "plays") == Decimal("1200")
    rolled = DailyRollup.objects.get(metric="likes")
    assert (rolled.platform.code, rolled.value) == ("douyin", Decimal("45"))


def test_writing_a_key_again_updates_it_and_never_duplicates(campaign, douyin):
    store(point(campaign, douyin, "plays", 1200))

    counts = store(point(campaign, douyin, "plays", 1500))

    assert counts == UpsertCounts(added=0, updated=1, unchanged=0)
    assert list(MetricPoint.objects.values_list("value", flat=True)) == [Decimal("1500")]
    assert rollup(campaign, douyin, "plays") == Decimal("1500")


def test_writing_the_same_values_again_changes_nothing(campaign, douyin):
    store(point(campaign, douyin, "plays", 1200), point(campaign, douyin, "likes", 45))
    before = list(MetricPoint.objects.order_by("pk").values_list("pk", "updated_at"))

    counts = store(point(campaign, douyin, "plays", 1200), point(campaign, douyin, "likes", 45))

    assert counts == UpsertCounts(added=0, updated=0, unchanged=2)
    assert list(MetricPoint.objects.order_by("pk").values_list("pk", "updated_at")) == before


def test_a_late_point_recomputes_only_its_own_day(campaign, douyin):
    store(point(campaign, douyin, "plays", 100), point(campaign, douyin, "plays", 200, day=NEXT))
    next_day_row = DailyRollup.objects.get(date=NEXT)

    store(point(campaign, douyin, "plays", 50, content_item_id=None, hour=9))

    assert rollup(campaign, douyin, "plays") == Decimal("100")  # the whole-day value wins
    assert DailyRollup.objects.get(date=NEXT).pk == next_day_row.pk


def test_a_repeated_key_in_one_write_keeps_its_last_value(campaign, douyin):
    counts = store(point(campaign, douyin, "plays", 1), point(campaign, douyin, "plays", 2))

    assert counts.total == 1
    assert MetricPoint.objects.get().value == Decimal("2")


def test_per_content_values_add_up_when_the_source_gives_no_account_total(campaign, douyin):
    first = ContentItemFactory(campaign=campaign)
    second = ContentItemFactory(campaign=campaign)

    store(
        point(campaign, douyin, "plays", 300, content_item_id=first.pk),
        point(campaign, douyin, "plays", 200, content_item_id=second.pk),
    )

    assert rollup(campaign, douyin, "plays") == Decimal("500")


def test_the_account_total_of_a_source_wins_over_its_per_content_values(campaign, douyin):
    item = ContentItemFactory(campaign=campaign)

    store(
        point(campaign, douyin, "plays", 300, content_item_id=item.pk),
        point(campaign, douyin, "plays", 1000),
    )

    assert rollup(campaign, douyin, "plays") == Decimal("1000")


def test_hours_add_up_to_the_day_when_no_whole_day_value_exists(campaign, douyin):
    store(
        point(campaign, douyin, "clicks", 3, hour=9),
        point(campaign, douyin, "clicks", 4, hour=10),
        source="tracking",
    )

    assert rollup(campaign, douyin, "clicks") == Decimal("7")


def test_sources_measuring_one_quantity_are_not_added_but_the_largest_kept(campaign, douyin):
    store(point(campaign, douyin, "clicks", 80), source="connector")
    store(point(campaign, douyin, "clicks", 95), source="import")
    store(point(campaign, douyin, "clicks", 12, hour=10), source="tracking")

    assert MetricPoint.objects.count() == 3
    assert rollup(campaign, douyin, "clicks") == Decimal("95")


def test_a_point_moved_to_another_campaign_leaves_the_first_campaigns_rollup(
    campaign, douyin, team
):
    later = CampaignFactory(team=team, owner=campaign.owner)
    store(point(campaign, douyin, "plays", 100))

    counts = store(point(later, douyin, "plays", 100))

    assert counts == UpsertCounts(added=0, updated=1, unchanged=0)
    assert rollup(campaign, douyin, "plays") is None
    assert rollup(later, douyin, "plays") == Decimal("100")


def test_money_keeps_its_fen_and_values_keep_four_places(campaign, douyin):
    store(
        point(campaign, douyin, "revenue", "12345678.91"),
        point(campaign, douyin, "reads", "0.12345"),
    )

    assert rollup(campaign, douyin, "revenue") == Decimal("12345678.91")
    assert MetricPoint.objects.get(metric="reads").value == Decimal("0.1235")


@pytest.mark.parametrize(("metric", "value", "hour"), [
    ("ctr", 1, -1),  # derived: computed from clicks and impressions, never stored
    ("aov", 1, -1),
    ("not_a_metric", 1, -1),
    ("reads", -1, -1),
    ("reads", "abc", -1),
    ("reads", 1, 24),
])
def test_the_store_refuses_points_it_cannot_keep_and_writes_nothing(
    campaign, douyin, metric, value, hour
):
    points = [
        point(campaign, douyin, "reads", 5),
        PointIn(campaign.pk, douyin.pk, DAY, metric, value, hour=hour),
    ]

    with pytest.raises(PointError):
        points_upsert(points=points, source="import")

    assert MetricPoint.objects.count() == 0
    assert DailyRollup.objects.count() == 0


def test_increments_add_to_the_stored_value(campaign, douyin):
    click = point(campaign, douyin, "clicks", 1, hour=14)

    points_increment(points=[click], source="tracking")
    counts = points_increment(points=[click, click], source="tracking")

    assert counts == UpsertCounts(added=0, updated=1, unchanged=0)
    assert MetricPoint.objects.get().value == Decimal("3")
    assert rollup(campaign, douyin, "clicks") == Decimal("3")


def test_point_value_reads_floats_by_their_shortest_decimal():
    assert point_value(0.1) == Decimal("0.1000")
    assert point_value(19.99) == Decimal("19.9900")
    assert point_value(Decimal("7")) == Decimal("7.0000")
    assert point_value(12) == Decimal("12.0000")
    assert point_value("12.5") == Decimal("12.5000")


@pytest.mark.parametrize("raw", [[0, [1, 2], 0], (0, (1, 2), 0), {"v": 1}, None, True, "1e999",
                                 "NaN", "-1"])
def test_point_value_refuses_what_is_not_one_number(raw):
    with pytest.raises(PointError):
        point_value(raw)


def test_writing_nothing_does_nothing(django_assert_max_num_queries):
    with django_assert_max_num_queries(4):
        assert points_upsert(points=[], source="import") == UpsertCounts()

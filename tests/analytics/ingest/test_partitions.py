"""Raw points on PostgreSQL: a table partitioned by month, partitions made as points arrive.

The PostgreSQL tests run when the suite runs on PostgreSQL (DATABASE_URL), as
CI does; on SQLite they are skipped and the plain table is checked instead.
"""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from analytics.models import MetricPoint
from analytics.services.store import month_partitions_ensure
from tests.analytics.ingest.factories import point, store
from tests.conftest import restore_data_migrations

pytestmark = pytest.mark.django_db
postgres_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="partitioning is PostgreSQL's (set DATABASE_URL)"
)
TABLE = "analytics_metricpoint"


def scalar(sql: str, params=()):
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchone()[0]


def partitions() -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid "
            "WHERE i.inhparent = %s::regclass ORDER BY 1", [TABLE],
        )
        return [row[0] for row in cursor.fetchall()]


def home_of(pk: int) -> str:
    return scalar(f"SELECT tableoid::regclass::text FROM {TABLE} WHERE id = %s", [pk])  # noqa: S608


@postgres_only
def test_the_points_table_is_partitioned_by_month_with_a_default_partition():
    assert scalar("SELECT relkind FROM pg_class WHERE oid = %s::regclass", [TABLE]) == "p"
    assert scalar("SELECT pg_get_partkeydef(%s::regclass)", [TABLE]) == "RANGE (date)"
    assert f"{TABLE}_default" in partitions()
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
            "WHERE conrelid = %s::regclass AND contype IN ('p', 'u') ORDER BY conname", [TABLE],
        )
        keys = dict(cursor.fetchall())
    assert keys == {
        f"{TABLE}_pkey": "PRIMARY KEY (id, date)",
        "metric_point_natural_key":
            "UNIQUE (source, account_id, content_key, date, hour, metric)",
    }


@postgres_only
def test_points_land_in_the_partition_of_their_month(campaign, douyin):
    store(
        point(campaign, douyin, "reads", 1, day=datetime.date(2026, 3, 31)),
        point(campaign, douyin, "reads", 2, day=datetime.date(2026, 4, 1)),
    )

    march, april = MetricPoint.objects.order_by("date")
    assert home_of(march.pk) == f"{TABLE}_p2026_03"
    assert home_of(april.pk) == f"{TABLE}_p2026_04"
    # Django keeps ``id`` as the pk; the database's key is (id, date).
    assert MetricPoint.objects.get(pk=april.pk).value == Decimal("2")


@postgres_only
def test_rows_that_reached_the_default_partition_move_into_their_new_month(campaign, douyin):
    store(point(campaign, douyin, "reads", 5, day=datetime.date(2031, 1, 5)))
    stranded = MetricPoint.objects.get()
    with connection.cursor() as cursor:
        # As if the month had had no partition when the row arrived.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute(f"ALTER TABLE {TABLE} DETACH PARTITION {TABLE}_p2031_01")
        cursor.execute(f"INSERT INTO {TABLE}_default SELECT * FROM {TABLE}_p2031_01")  # noqa: S608
        cursor.execute(f"DROP TABLE {TABLE}_p2031_01")
    assert home_of(stranded.pk) == f"{TABLE}_default"

    store(point(campaign, douyin, "likes", 1, day=datetime.date(2031, 1, 6)))

    assert home_of(stranded.pk) == f"{TABLE}_p2031_01"
    assert scalar(f"SELECT COUNT(*) FROM {TABLE}_default") == 0  # noqa: S608
    assert MetricPoint.objects.count() == 2


@postgres_only
def test_ensuring_a_months_partition_twice_creates_it_once():
    month = datetime.date(2032, 7, 1)

    assert month_partitions_ensure([month, month.replace(day=20)]) == 1
    assert month_partitions_ensure([month]) == 0
    assert f"{TABLE}_p2032_07" in partitions()


@pytest.mark.skipif(connection.vendor != "sqlite", reason="the SQLite path")
def test_sqlite_keeps_a_plain_table(campaign, douyin):
    assert month_partitions_ensure([datetime.date(2026, 3, 1)]) == 0
    store(point(campaign, douyin, "reads", 1))
    assert scalar("SELECT type FROM sqlite_master WHERE name = %s", [TABLE]) == "table"
    assert MetricPoint.objects.count() == 1


@pytest.fixture
def restores_catalogue(django_db_blocker):
    with django_db_blocker.unblock():
        restore_data_migrations()
    yield
    with django_db_blocker.unblock():
        restore_data_migrations()


@postgres_only
def test_the_migration_partitions_existing_points_and_reverses(restores_catalogue, transactional_db,
                                                              team, users):
    before = [("analytics", "0001_initial")]
    executor = MigrationExecutor(connection)
    executor.migrate(before)
    try:
        old = executor.loader.project_state(before).apps
        assert scalar("SELECT relkind FROM pg_class WHERE oid = %s::regclass", [TABLE]) == "r"
        campaign = old.get_model("campaigns", "Campaign").objects.create(
            team_id=team.pk, owner_id=users["manager"].pk, name="Old", objective="awareness",
            start_date=datetime.date(2026, 1, 1), end_date=datetime.date(2026, 2, 1),
        )
        account = old.get_model("platforms", "PlatformAccount").objects.create(
            team_id=team.pk, platform=old.get_model("platforms", "Platform").objects.get(code="weibo"),
            handle="old",
        )
        kept = old.get_model("analytics", "MetricPoint").objects.create(
            campaign_id=campaign.pk, account_id=account.pk, date=datetime.date(2026, 1, 2),
            metric="reads", value=Decimal("7"), source="import",
        )
        executor = MigrationExecutor(connection)
        executor.loader.build_graph()
        executor.migrate([("analytics", "0002_ingest_metricpoint_partitions")])

        assert scalar("SELECT relkind FROM pg_class WHERE oid = %s::regclass", [TABLE]) == "p"
        assert home_of(kept.pk) == f"{TABLE}_default"
        later = MetricPoint.objects.create(
            campaign_id=campaign.pk, account_id=account.pk, date=datetime.date(2026, 1, 3),
            metric="reads", value=Decimal("8"), source="import",
        )
        assert later.pk > kept.pk
    finally:
        executor = MigrationExecutor(connection)
        executor.loader.build_graph()
        executor.migrate(executor.loader.graph.leaf_nodes())

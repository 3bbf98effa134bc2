"""On PostgreSQL, raw metric points become a table partitioned by month (RANGE on date).

The table keeps its name, columns, checks, indexes, foreign keys and the unique
natural key (which holds ``date``, as a partitioned table's unique keys must).
The primary key becomes (id, date) in the database; Django keeps ``id`` as the
model's pk, fed by a sequence. A DEFAULT partition takes every row at first;
the ingest path (``analytics.services.store.month_partitions_ensure``) creates
monthly partitions as points arrive and moves a month out of DEFAULT when it
finds rows there. Other databases keep the plain table.
"""

import re

from django.db import migrations

TABLE = "analytics_metricpoint"
NATURAL_KEY = "metric_point_natural_key"
NATURAL_KEY_COLUMNS = "source, account_id, content_key, date, hour, metric"
SEQUENCE = f"{TABLE}_id_seq"


def _indexes_and_foreign_keys(cursor, table: str) -> tuple[list[str], list[tuple[str, str]]]:
    """Index definitions (not those behind constraints) and (name, definition) of foreign keys."""
    cursor.execute(
        "SELECT pg_get_indexdef(i.indexrelid) FROM pg_index i "
        "WHERE i.indrelid = %s::regclass AND NOT EXISTS ("
        "SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid) ORDER BY 1",
        [table],
    )
    indexes = [row[0] for row in cursor.fetchall()]
    cursor.execute(
        "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
        "WHERE conrelid = %s::regclass AND contype = 'f' ORDER BY conname",
        [table],
    )
    return indexes, list(cursor.fetchall())


def _rebuild(cursor, *, source: str, indexes: list[str], foreign_keys: list[tuple[str, str]],
             primary_key: str) -> None:
    """Give the new ``TABLE`` the keys, indexes and foreign keys ``source`` had."""
    cursor.execute(f"SELECT COALESCE(MAX(id), 0) FROM {source}")  # noqa: S608
    highest = cursor.fetchone()[0]
    cursor.execute(f"DROP TABLE {source} CASCADE")
    cursor.execute(f"ALTER TABLE {TABLE} ALTER COLUMN id DROP DEFAULT")
    cursor.execute(f"DROP SEQUENCE IF EXISTS {SEQUENCE}")
    cursor.execute(f"CREATE SEQUENCE {SEQUENCE} OWNED BY {TABLE}.id")
    cursor.execute("SELECT setval(%s, %s, %s)", [SEQUENCE, max(highest, 1), highest > 0])
    cursor.execute(f"ALTER TABLE {TABLE} ALTER COLUMN id SET DEFAULT nextval('{SEQUENCE}')")
    cursor.execute(f"ALTER TABLE {TABLE} ADD CONSTRAINT {TABLE}_pkey PRIMARY KEY ({primary_key})")
    cursor.execute(
        f"ALTER TABLE {TABLE} ADD CONSTRAINT {NATURAL_KEY} UNIQUE ({NATURAL_KEY_COLUMNS})"
    )
    for definition in indexes:
        cursor.execute(re.sub(r" ON (ONLY )?\S+ ", f" ON {TABLE} ", definition, count=1))
    for name, definition in foreign_keys:
        cursor.execute(f"ALTER TABLE {TABLE} ADD CONSTRAINT {name} {definition}")


def partition(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    old = f"{TABLE}_unpartitioned"
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(f"ALTER TABLE {TABLE} RENAME TO {old}")
        indexes, foreign_keys = _indexes_and_foreign_keys(cursor, old)
        # Without INCLUDING IDENTITY: the id is fed by a sequence (a partitioned
        # table takes no identity column before PostgreSQL 17).
        cursor.execute(
            f"CREATE TABLE {TABLE} (LIKE {old} INCLUDING DEFAULTS INCLUDING CONSTRAINTS) "
            "PARTITION BY RANGE (date)"
        )
        cursor.execute(f"CREATE TABLE {TABLE}_default PARTITION OF {TABLE} DEFAULT")
        cursor.execute(f"INSERT INTO {TABLE} SELECT * FROM {old}")  # noqa: S608
        _rebuild(cursor, source=old, indexes=indexes, foreign_keys=foreign_keys,
                 primary_key="id, date")


def unpartition(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    old = f"{TABLE}_partitioned"
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(
            "SELECT relkind FROM pg_class WHERE oid = %s::regclass", [TABLE]
        )
        if cursor.fetchone()[0] != "p":
            return
        cursor.execute(f"ALTER TABLE {TABLE} RENAME TO {old}")
        indexes, foreign_keys = _indexes_and_foreign_keys(cursor, old)
        # The sequence must outlive the partitioned table it belongs to.
        cursor.execute(f"ALTER SEQUENCE {SEQUENCE} OWNED BY NONE")
        cursor.execute(
            f"CREATE TABLE {TABLE} (LIKE {old} INCLUDING DEFAULTS INCLUDING CONSTRAINTS)"
        )
        cursor.execute(f"INSERT INTO {TABLE} SELECT * FROM {old}")  # noqa: S608
        _rebuild(cursor, source=old, indexes=indexes, foreign_keys=foreign_keys,
                 primary_key="id")


class Migration(migrations.Migration):

    dependencies = [
        ("analytics", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(partition, unpartition, elidable=False),
    ]

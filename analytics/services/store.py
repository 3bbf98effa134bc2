"""The metric store: raw points in, daily rollups kept in step (S2.3.3).

Every way in — connector pulls, file imports, tracking links, demo data — writes
through this module, so one set of rules holds whichever door a number came by:

- a point is unique on (source, account, content, date, hour, metric): writing
  it again updates it (or leaves it alone when nothing changed), never adds a
  second row;
- only catalogue metrics that add up are stored (counts and money); rates and
  averages (ctr, conversion_rate, aov, formula metrics) are derived from their
  summed parts when read, never stored;
- the daily rollups of exactly the (campaign, account, date) keys a write
  touched — including the campaign a moved point left — are recomputed in the
  same transaction, so a late point re-computes only its days.

A day's rollup value for one campaign, account and metric is read off the raw
points in three steps, so no figure is counted twice:

1. per source and piece of content, the whole-day value (``hour = -1``) where
   the source gives one, else the sum of its hours;
2. per source, the account-wide value (``content_key = 0``) where the source
   gives one, else the sum over its pieces of content;
3. across sources, the largest: a platform pull, an imported back-end export
   and a tracking link measuring the same account's clicks are three readings
   of one quantity, not three quantities to add.

Writes go through a staging table (``PointStage``): the points are loaded into
a temporary table (``COPY`` on PostgreSQL), de-duplicated there (the last
point of a key wins), merged with one ``INSERT … SELECT … ON CONFLICT DO
UPDATE`` on the natural key, and the touched days re-aggregated with one
``INSERT … SELECT``. The same statements run on SQLite, except the bulk load.
On PostgreSQL the raw points are partitioned by month; the partitions a write
needs are created here on demand (``month_partitions_ensure``).
"""

from __future__ import annotations

import datetime
import io
import logging
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections, transaction
from django.utils import timezone

from platforms.metrics import METRICS, is_derived

from ..models import DailyRollup, MetricPoint, MetricSource
from .dashboard_archive import generation_bump

logger = logging.getLogger("campaignops.analytics")

# Points a value may carry: the model's column, DECIMAL(20, 4).
QUANTUM = Decimal("0.0001")
MAX_VALUE = Decimal("9999999999999999.9999")
# Metrics the store keeps: every catalogue metric that adds up across days and posts.
STORED_METRICS = frozenset(code for code in METRICS if not is_derived(code))
# Rows sent to the staging table per round trip.
STAGE_CHUNK = 20_000
SOURCES = frozenset(MetricSource.values)
# NULL in COPY's text format.
NULL = "\\N"


class PointError(ValueError):
    """A point the store refuses: unknown or derived metric, bad value or hour."""


@dataclass
class PointIn:
    """One value to store; ``hour`` is 0–23, or -1 for the whole day."""

    campaign_id: int
    account_id: int
    date: datetime.date
    metric: str
    value: Decimal
    content_item_id: int | None = None
    publication_id: int | None = None
    hour: int = -1


@dataclass
class UpsertCounts:
    """What a write did: points added, updated (a value or owner changed), left unchanged."""

    added: int = 0
    updated: int = 0
    unchanged: int = 0

    def __add__(self, other: UpsertCounts) -> UpsertCounts:
        return UpsertCounts(
            self.added + other.added, self.updated + other.updated,
            self.unchanged + other.unchanged,
        )

    @property
    def total(self) -> int:
        return self.added + self.updated + self.unchanged


def point_value(raw: object) -> Decimal:
    """``raw`` as a stored value (four decimals, money keeps its fen), or ``PointError``."""
    if isinstance(raw, bool):
        raise PointError("not a number")
    try:
        if isinstance(raw, float):
            # repr gives the shortest decimal that reads back as the float: 0.1, not 0.1000…0555.
            value = Decimal(repr(raw))
        elif isinstance(raw, Decimal):
            value = raw
        elif isinstance(raw, (int, str)):
            value = Decimal(raw)
        else:
            # Decimal also builds a number from a (sign, digits, exponent) tuple or list,
            # so a JSON array such as [0, [1, 2], 0] would pass as 12.
            raise TypeError(type(raw).__name__)
    except (InvalidOperation, TypeError, ValueError) as exc:
        raise PointError("not a number") from exc
    if not value.is_finite():
        raise PointError("not a number")
    if value < 0:
        raise PointError("negative")
    # Compared before quantizing: 1e999 has no four-decimal form (InvalidOperation).
    if value > MAX_VALUE:
        raise PointError("too large")
    value = value.quantize(QUANTUM, rounding=ROUND_HALF_UP)
    if value > MAX_VALUE:
        raise PointError("too large")
    return value


def points_upsert(
    *, points: Iterable[PointIn], source: str, batch=None, using: str = DEFAULT_DB_ALIAS
) -> UpsertCounts:
    """Store ``points`` as the current values of their keys and keep the rollups in step.

    Guarantees: one row per natural key (a repeated key in ``points`` keeps its
    last value); an unchanged point is not written again; the rollups of exactly
    the (campaign, account, date) keys that changed are recomputed in the same
    transaction. Raises ``PointError`` (nothing written) for a point the store
    refuses.
    """
    with PointStage(source=source, batch_id=getattr(batch, "pk", batch), using=using) as stage:
        for point in points:
            stage.add(point)
        return stage.merge()


def points_increment(
    *, points: Iterable[PointIn], source: str, using: str = DEFAULT_DB_ALIAS
) -> UpsertCounts:
    """Add ``points``' values to their keys' current values (a click adds 1), rollups in step.

    Concurrent increments of one key never lose a count: the addition happens
    in the database (``value = value + n``).
    """
    with PointStage(source=source, increment=True, using=using) as stage:
        for point in points:
            stage.add(point)
        return stage.merge()


def _quoted(connection, name: str) -> str:
    return connection.ops.quote_name(name)


def _partition_name(month: datetime.date) -> str:
    return f"{MetricPoint._meta.db_table}_p{month:%Y_%m}"


def _month(day: datetime.date) -> datetime.date:
    return day.replace(day=1)


def _next_month(month: datetime.date) -> datetime.date:
    return (month + datetime.timedelta(days=32)).replace(day=1)


def month_partitions_ensure(months: Iterable[datetime.date], *, using: str = DEFAULT_DB_ALIAS) -> int:
    """Create the monthly partitions of the raw points that ``months`` need; return how many.

    PostgreSQL only (elsewhere the table is a plain one and this does nothing).
    Rows that reached the DEFAULT partition for a month that had no partition
    yet are moved into the new one. Run it outside the writing transaction when
    possible: a partition then stays even if the write is rolled back.
    """
    connection = connections[using]
    if connection.vendor != "postgresql":
        return 0
    table = MetricPoint._meta.db_table
    wanted = {_month(m) for m in months}
    if not wanted:
        return 0
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.relkind, ARRAY(SELECT ch.relname::text FROM pg_inherits i "
            "JOIN pg_class ch ON ch.oid = i.inhrelid WHERE i.inhparent = c.oid) "
            "FROM pg_class c WHERE c.oid = %s::regclass",
            [table],
        )
        relkind, existing = cursor.fetchone()
    if relkind != "p":
        return 0
    created = 0
    for month in sorted(wanted):
        name = _partition_name(month)
        if name in existing:
            continue
        with transaction.atomic(using=using):
            created += _partition_create(connection, table, name, month)
    return created


def _partition_create(connection, table: str, name: str, month: datetime.date) -> int:
    start, end = month.isoformat(), _next_month(month).isoformat()
    default = _quoted(connection, f"{table}_default")
    parent, child = _quoted(connection, table), _quoted(connection, name)
    with connection.cursor() as cursor:
        # Serialises creators of partitions; readers and writers of points carry on.
        cursor.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", [table])
        cursor.execute("SELECT to_regclass(%s) IS NOT NULL", [name])
        if cursor.fetchone()[0]:
            return 0
        cursor.execute(
            f"SELECT EXISTS (SELECT 1 FROM {default} WHERE date >= %s AND date < %s)",  # noqa: S608
            [start, end],
        )
        if not cursor.fetchone()[0]:
            cursor.execute(
                f"CREATE TABLE IF NOT EXISTS {child} PARTITION OF {parent} "
                f"FOR VALUES FROM (%s) TO (%s)",
                [start, end],
            )
            return 1
        # The month's rows went to DEFAULT (its partition did not exist then):
        # a partition may not be created over them, so they move into it first.
        # Deferred foreign-key checks of this transaction run now: tables with
        # pending checks cannot be altered.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute(
            f"CREATE TABLE {child} (LIKE {parent} INCLUDING DEFAULTS INCLUDING CONSTRAINTS)"
        )
        cursor.execute(
            f"INSERT INTO {child} SELECT * FROM {default} WHERE date >= %s AND date < %s",  # noqa: S608
            [start, end],
        )
        cursor.execute(
            f"DELETE FROM {default} WHERE date >= %s AND date < %s", [start, end]  # noqa: S608
        )
        cursor.execute(
            f"ALTER TABLE {parent} ATTACH PARTITION {child} FOR VALUES FROM (%s) TO (%s)",
            [start, end],
        )
    logger.info("Created partition %s and moved its rows out of the default partition", name)
    return 1


class PointStage:
    """A temporary table that one write's points pass through on their way to the store.

    Use as a context manager: ``add`` points (they are sent in chunks, so a
    file of any length is never held whole), then ``merge`` once. Loading may
    happen outside a transaction (an import updates its progress meanwhile);
    ``merge`` runs in one. ``increment=True`` adds values to the stored ones
    instead of replacing them.
    """

    def __init__(
        self, *, source: str, batch_id: int | None = None, increment: bool = False,
        using: str = DEFAULT_DB_ALIAS,
    ) -> None:
        if source not in SOURCES:
            raise PointError(f"unknown source {source!r}")
        self.source = source
        self.batch_id = batch_id
        self.increment = increment
        self.using = using
        self.connection = connections[using]
        suffix = uuid.uuid4().hex[:12]
        self.stage_table = f"analytics_stage_{suffix}"
        self.touched_table = f"analytics_touched_{suffix}"
        self.rows = 0
        self.months: set[datetime.date] = set()
        self._buffer: list[tuple] = []
        # Increments of one key are summed before they reach the database.
        self._sums: dict[tuple, list] = {}
        self._open = False
        self._deduped = False
        # The campaigns whose rollups the merge changed.
        self.campaign_ids: set[int] = set()

    # -- lifecycle ------------------------------------------------------------------
    def __enter__(self) -> PointStage:
        self.open()
        return self

    def __exit__(self, *exc_info) -> None:
        self.close()

    @property
    def _pg(self) -> bool:
        return self.connection.vendor == "postgresql"

    def open(self) -> None:
        q = self._q
        numeric = "NUMERIC(20, 4)" if self._pg else "NUMERIC"
        text_date = "DATE" if self._pg else "TEXT"
        with self.connection.cursor() as cursor:
            cursor.execute(
                f"CREATE TEMPORARY TABLE {q(self.stage_table)} ("
                "seq BIGINT NOT NULL, campaign_id BIGINT NOT NULL, account_id BIGINT NOT NULL, "
                "content_item_id BIGINT NULL, content_key BIGINT NOT NULL, "
                f"publication_id BIGINT NULL, date {text_date} NOT NULL, hour SMALLINT NOT NULL, "
                f"metric VARCHAR(40) NOT NULL, value {numeric} NOT NULL)"
            )
            cursor.execute(
                f"CREATE TEMPORARY TABLE {q(self.touched_table)} ("
                f"campaign_id BIGINT NOT NULL, account_id BIGINT NOT NULL, date {text_date} NOT NULL, "
                "PRIMARY KEY (campaign_id, account_id, date))"
            )
        self._open = True

    def close(self) -> None:
        if not self._open:
            return
        self._open = False
        if self.connection.in_atomic_block and self.connection.needs_rollback:
            # The transaction is rolling back; tables made in it go with it, and a
            # table made before it is dropped with the session.
            return
        q = self._q
        try:
            with self.connection.cursor() as cursor:
                cursor.execute(f"DROP TABLE IF EXISTS {q(self.stage_table)}")
                cursor.execute(f"DROP TABLE IF EXISTS {q(self.touched_table)}")
        except DatabaseError:
            logger.warning("Could not drop staging tables %s", self.stage_table, exc_info=True)

    def _q(self, name: str) -> str:
        return _quoted(self.connection, name)

    # -- loading -----------------------------------------------------------------------
    def add(self, point: PointIn) -> None:
        """Stage one point; ``PointError`` when the store would refuse it."""
        if point.metric not in STORED_METRICS:
            raise PointError(f"metric {point.metric!r} is not a stored catalogue metric")
        if not -1 <= point.hour <= 23:
            raise PointError(f"hour {point.hour!r} is out of range")
        value = point_value(point.value)
        self.add_valid(
            point.campaign_id, point.account_id, point.content_item_id, point.publication_id,
            point.date, point.hour, point.metric, value,
        )

    def add_valid(
        self, campaign_id: int, account_id: int, content_item_id: int | None,
        publication_id: int | None, day: datetime.date, hour: int, metric: str, value: Decimal,
        *, content_key: int | None = None,
    ) -> None:
        """Stage a point whose metric, hour and value the caller has already checked.

        ``content_key`` defaults to the content item's id (0 without one); a pull
        gives posts published outside CampaignOps a negative key of their own.
        """
        if content_key is None:
            content_key = content_item_id or 0
        self.months.add(day.replace(day=1))
        if self.increment:
            key = (account_id, content_key, day, hour, metric)
            held = self._sums.get(key)
            if held is None:
                self._sums[key] = [campaign_id, content_item_id, publication_id, value]
            else:
                held[:3] = [campaign_id, content_item_id, publication_id]
                held[3] += value
            return
        self.rows += 1
        self._buffer.append((
            self.rows, campaign_id, account_id, content_item_id, content_key,
            publication_id, day, hour, metric, value,
        ))
        if len(self._buffer) >= STAGE_CHUNK:
            self.flush()

    def flush(self) -> None:
        """Send the buffered points to the staging table."""
        if self._sums:
            for (account_id, content_key, day, hour, metric), held in self._sums.items():
                campaign_id, content_item_id, publication_id, value = held
                self.rows += 1
                self._buffer.append((
                    self.rows, campaign_id, account_id, content_item_id, content_key,
                    publication_id, day, hour, metric, value,
                ))
            self._sums = {}
        if not self._buffer:
            return
        rows, self._buffer = self._buffer, []
        columns = (
            "seq, campaign_id, account_id, content_item_id, content_key, publication_id, "
            "date, hour, metric, value"
        )
        with self.connection.cursor() as cursor:
            if self._pg:
                self._copy(cursor, columns, rows)
            else:
                cursor.executemany(
                    f"INSERT INTO {self._q(self.stage_table)} ({columns}) "  # noqa: S608
                    "VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s)",
                    [
                        (seq, c, a, i, k, p, d.isoformat(), h, m, str(v))
                        for seq, c, a, i, k, p, d, h, m, v in rows
                    ],
                )

    def _copy(self, cursor, columns: str, rows: list[tuple]) -> None:
        buffer = io.StringIO()
        write = buffer.write
        for seq, c, a, i, k, p, d, h, m, v in rows:
            item = NULL if i is None else i
            publication = NULL if p is None else p
            write(f"{seq}\t{c}\t{a}\t{item}\t{k}\t{publication}\t{d.isoformat()}\t{h}\t{m}\t{v}\n")
        buffer.seek(0)
        sql = f"COPY {self._q(self.stage_table)} ({columns}) FROM STDIN"
        raw = cursor.cursor
        if hasattr(raw, "copy_expert"):  # psycopg2
            raw.copy_expert(sql, buffer)
        else:  # psycopg 3
            with raw.copy(sql) as copy:
                copy.write(buffer.getvalue())

    # -- merging ---------------------------------------------------------------------
    def ensure_partitions(self) -> None:
        month_partitions_ensure(self.months, using=self.using)

    def merge(self) -> UpsertCounts:
        """Write the staged points into the store and recompute the touched days' rollups."""
        self.flush()
        if not self.rows:
            return UpsertCounts()
        self.ensure_partitions()
        with transaction.atomic(using=self.using):
            counts = self._merge_pg() if self._pg else self._merge_portable()
            self._rollups_recompute()
            self._dashboards_outdate()
        return counts

    def _dashboards_outdate(self) -> None:
        """The touched campaigns' archived dashboards are out of date from this commit on."""
        with self.connection.cursor() as cursor:
            cursor.execute(f"SELECT DISTINCT campaign_id FROM {self._q(self.touched_table)}")  # noqa: S608
            self.campaign_ids = {row[0] for row in cursor.fetchall()}
        generation_bump(self.campaign_ids, using=self.using)

    def _changed(self, old: str, new: str) -> str:
        if self._pg:
            return (
                f"({old}.value, {old}.campaign_id, {old}.content_item_id, {old}.publication_id) "
                f"IS DISTINCT FROM ({new}.value, {new}.campaign_id, {new}.content_item_id, "
                f"{new}.publication_id)"
            )
        return (
            f"({old}.value <> {new}.value OR {old}.campaign_id <> {new}.campaign_id "
            f"OR {old}.content_item_id IS NOT {new}.content_item_id "
            f"OR {old}.publication_id IS NOT {new}.publication_id)"
        )

    def _update_set(self) -> str:
        value = "p.value + EXCLUDED.value" if self.increment else "EXCLUDED.value"
        return (
            f"value = {value}, campaign_id = EXCLUDED.campaign_id, "
            "content_item_id = EXCLUDED.content_item_id, "
            "publication_id = EXCLUDED.publication_id, batch_id = EXCLUDED.batch_id, "
            "updated_at = EXCLUDED.updated_at"
        )

    def _insert_sql(self) -> str:
        q = self._q
        where = "" if self.increment else f" WHERE {self._changed('p', 'EXCLUDED')}"
        return (
            f"INSERT INTO {q(MetricPoint._meta.db_table)} AS p (campaign_id, account_id, "  # noqa: S608
            "content_item_id, content_key, publication_id, date, hour, metric, value, source, "
            "batch_id, updated_at) "
            "SELECT s.campaign_id, s.account_id, s.content_item_id, s.content_key, "
            "s.publication_id, s.date, s.hour, s.metric, s.value, %s, %s, %s "
            f"FROM {q(self.stage_table)} s WHERE true "
            "ON CONFLICT (source, account_id, content_key, date, hour, metric) "
            f"DO UPDATE SET {self._update_set()}{where}"
        )

    def _params(self) -> list:
        ops = self.connection.ops
        return [self.source, self.batch_id, ops.adapt_datetimefield_value(timezone.now())]

    def _dedupe(self, cursor) -> None:
        """Keep the last staged point of each key (a file may repeat a row)."""
        q = self._q
        if self._pg:
            cursor.execute(
                f"DELETE FROM {q(self.stage_table)} s USING {q(self.stage_table)} d "  # noqa: S608
                "WHERE s.account_id = d.account_id AND s.content_key = d.content_key "
                "AND s.date = d.date AND s.hour = d.hour AND s.metric = d.metric AND s.seq < d.seq"
            )
        else:
            cursor.execute(
                f"DELETE FROM {q(self.stage_table)} WHERE seq NOT IN (SELECT MAX(seq) FROM "  # noqa: S608
                f"{q(self.stage_table)} GROUP BY account_id, content_key, date, hour, metric)"
            )

    def _merge_pg(self) -> UpsertCounts:
        q = self._q
        table = MetricPoint._meta.db_table
        with self.connection.cursor() as cursor:
            cursor.execute("SELECT pg_get_serial_sequence(%s, 'id')", [table])
            sequence = cursor.fetchone()[0]
            # Rows this statement adds get ids above the sequence's value now;
            # rows it updates had theirs before.
            cursor.execute(
                f"SELECT CASE WHEN is_called THEN last_value ELSE last_value - 1 END FROM {sequence}"  # noqa: S608
            )
            floor = cursor.fetchone()[0]
            if self.rows > 1_000:
                cursor.execute(f"ANALYZE {q(self.stage_table)}")
            sql = (
                f"WITH ins AS ({self._insert_sql()} "  # noqa: S608
                "RETURNING p.id, p.date, p.campaign_id, p.account_id), "
                f"moved AS (SELECT o.campaign_id, o.account_id, o.date FROM {q(table)} o "
                "JOIN ins ON o.id = ins.id AND o.date = ins.date "
                "WHERE ins.id <= %s AND o.campaign_id <> ins.campaign_id), "
                f"touched AS (INSERT INTO {q(self.touched_table)} (campaign_id, account_id, date) "
                "SELECT campaign_id, account_id, date FROM ins UNION "
                "SELECT campaign_id, account_id, date FROM moved ON CONFLICT DO NOTHING) "
                "SELECT COUNT(*) FILTER (WHERE id > %s), COUNT(*) FILTER (WHERE id <= %s) FROM ins"
            )
            params = [*self._params(), floor, floor, floor]
            if self.increment:
                cursor.execute(sql, params)
            else:
                try:
                    with transaction.atomic(using=self.using):
                        cursor.execute(sql, params)
                except DatabaseError as exc:
                    # "ON CONFLICT DO UPDATE command cannot affect row a second time":
                    # the stage repeats a key. Rare, so the de-duplication runs only then.
                    if getattr(exc.__cause__, "pgcode", None) != "21000":
                        raise
                    self._dedupe(cursor)
                    self._deduped = True
                    cursor.execute(sql, params)
            added, updated = cursor.fetchone()
        staged = self._staged_count() if self._deduped else self.rows
        return UpsertCounts(added=added, updated=updated, unchanged=staged - added - updated)

    def _staged_count(self) -> int:
        with self.connection.cursor() as cursor:
            cursor.execute(f"SELECT COUNT(*) FROM {self._q(self.stage_table)}")  # noqa: S608
            return cursor.fetchone()[0]

    def _merge_portable(self) -> UpsertCounts:
        q = self._q
        table = q(MetricPoint._meta.db_table)
        stage = q(self.stage_table)
        join = (
            f"{table} p ON p.source = %s AND p.account_id = s.account_id "
            "AND p.content_key = s.content_key AND p.date = s.date AND p.hour = s.hour "
            "AND p.metric = s.metric"
        )
        changed = "1 = 1" if self.increment else self._changed("p", "s")
        with self.connection.cursor() as cursor:
            if not self.increment:
                self._dedupe(cursor)
            cursor.execute(
                "SELECT COUNT(*), COALESCE(SUM(CASE WHEN p.id IS NULL THEN 1 ELSE 0 END), 0), "  # noqa: S608
                f"COALESCE(SUM(CASE WHEN p.id IS NOT NULL AND {changed} THEN 1 ELSE 0 END), 0) "
                f"FROM {stage} s LEFT JOIN {join}",
                [self.source],
            )
            staged, added, updated = cursor.fetchone()
            cursor.execute(
                f"INSERT INTO {q(self.touched_table)} (campaign_id, account_id, date) "  # noqa: S608
                f"SELECT s.campaign_id, s.account_id, s.date FROM {stage} s LEFT JOIN {join} "
                f"WHERE p.id IS NULL OR {changed} "
                "UNION SELECT p.campaign_id, p.account_id, p.date "
                f"FROM {stage} s JOIN {join} WHERE p.campaign_id <> s.campaign_id "
                "ON CONFLICT DO NOTHING",
                [self.source, self.source],
            )
            cursor.execute(self._insert_sql(), self._params())
        return UpsertCounts(added=added, updated=updated, unchanged=staged - added - updated)

    def _rollups_recompute(self) -> None:
        q = self._q
        rollup = q(DailyRollup._meta.db_table)
        points = q(MetricPoint._meta.db_table)
        touched = q(self.touched_table)
        accounts = q(MetricPoint._meta.get_field("account").related_model._meta.db_table)
        with self.connection.cursor() as cursor:
            if self._pg and self.rows > 1_000:
                cursor.execute(f"ANALYZE {touched}")
            cursor.execute(
                f"DELETE FROM {rollup} WHERE EXISTS (SELECT 1 FROM {touched} t "  # noqa: S608
                f"WHERE t.campaign_id = {rollup}.campaign_id "
                f"AND t.account_id = {rollup}.account_id AND t.date = {rollup}.date)"
            )
            cursor.execute(
                f"INSERT INTO {rollup} (campaign_id, platform_id, account_id, date, metric, value) "  # noqa: S608
                "SELECT l2.campaign_id, a.platform_id, l2.account_id, l2.date, l2.metric, "
                "MAX(l2.v) FROM ("
                "SELECT l1.campaign_id, l1.account_id, l1.date, l1.metric, l1.source, "
                "COALESCE(SUM(CASE WHEN l1.content_key = 0 THEN l1.v END), SUM(l1.v)) AS v "
                "FROM ("
                "SELECT p.campaign_id, p.account_id, p.date, p.metric, p.source, p.content_key, "
                "COALESCE(SUM(CASE WHEN p.hour = -1 THEN p.value END), SUM(p.value)) AS v "
                f"FROM {points} p JOIN {touched} t ON t.campaign_id = p.campaign_id "
                "AND t.account_id = p.account_id AND t.date = p.date "
                "GROUP BY p.campaign_id, p.account_id, p.date, p.metric, p.source, p.content_key"
                ") l1 GROUP BY l1.campaign_id, l1.account_id, l1.date, l1.metric, l1.source"
                f") l2 JOIN {accounts} a ON a.id = l2.account_id "
                "GROUP BY l2.campaign_id, a.platform_id, l2.account_id, l2.date, l2.metric"
            )

"""Benchmark the metric import against a raw COPY of the same rows (spec S2.3.3).

Generates a wide export of 1,000,000 rows (date, platform, account and three
metric columns: 3,000,000 points) and imports it through the app's import path
(``analytics.services.imports``: store the file, stream it, validate every row,
COPY into a staging table, merge on the natural key, recompute the daily
rollups). The floor, measured in the same run: a raw ``COPY`` of the same
points, prepared beforehand, into an equivalent indexed table — the points
table's columns, checks, monthly partitions, keys, indexes and (deferred)
foreign keys, without the app. A COPY into a plain table with the same indexes
but no partitions or foreign keys is printed beside it. Then the file is
imported a second time, which must add 0 points, and the peak RSS is printed:
the file is streamed, so memory stays flat whatever its length.

PostgreSQL only (``DATABASE_URL=postgres://…``): the bench creates and drops
its own database next to the one named, so the project's data is never
touched. Without PostgreSQL it says so and exits 0. ``BENCH_ROWS`` changes
the row count. Ends with one line
``RESULT rows=… rows_per_s=… copy_rows_per_s=… ratio=… reimport_added=…``.

Run standalone: ``DATABASE_URL=postgres://… .venv/bin/python bench/ingest.py``.
"""

from __future__ import annotations

import datetime
import os
import re
import resource
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

ROWS = int(os.environ.get("BENCH_ROWS", "1000000"))
ACCOUNTS = 1_000
METRICS = ("reads", "likes", "shares")
START = datetime.date(2024, 1, 1)


def _postgres_url() -> str | None:
    url = os.environ.get("DATABASE_URL", "")
    return url if url.startswith(("postgres://", "postgresql://")) else None


def _bench_database(url: str) -> str:
    """A fresh database beside the one in ``url``; its URL."""
    import psycopg2

    parts = urlsplit(url)
    name = f"{parts.path.lstrip('/') or 'campaignops'}_bench_ingest"
    admin = psycopg2.connect(urlunsplit(parts._replace(path="/postgres")))
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}"')
        cursor.execute(f'CREATE DATABASE "{name}"')
    admin.close()
    return urlunsplit(parts._replace(path=f"/{name}"))


def _drop_database(url: str) -> None:
    import psycopg2

    parts = urlsplit(url)
    admin = psycopg2.connect(urlunsplit(parts._replace(path="/postgres")))
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{parts.path.lstrip("/")}"')
    admin.close()


def rss_mb() -> float:
    """Peak resident set size of this process so far, in MB (Linux reports KB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _day(n: int) -> datetime.date:
    return START + datetime.timedelta(days=n // ACCOUNTS)


def write_export(path: Path, handles: list[str]) -> None:
    """The wide export, written line by line (never held whole)."""
    with path.open("w", encoding="utf-8", newline="") as out:
        out.write("日期,平台,账号,阅读量,点赞数,分享数\n")
        for n in range(ROWS):
            reads = 1_000 + (n * 7919) % 50_000
            out.write(
                f"{_day(n).isoformat()},抖音,{handles[n % ACCOUNTS]},{reads},{reads // 40},{reads // 90}\n"
            )


def write_copy_data(path: Path, campaign_id: int, account_ids: list[int]) -> None:
    """The same points as COPY text: what the raw COPY floor loads."""
    now = "2026-01-01 00:00:00+00"
    with path.open("w", encoding="utf-8") as out:
        pk = 0
        for n in range(ROWS):
            reads = 1_000 + (n * 7919) % 50_000
            day = _day(n).isoformat()
            account = account_ids[n % ACCOUNTS]
            for metric, value in zip(METRICS, (reads, reads // 40, reads // 90), strict=True):
                pk += 1
                out.write(
                    f"{pk}\t0\t{day}\t-1\t{metric}\t{value}\timport\t{now}\t{account}\t\\N\t"
                    f"{campaign_id}\t\\N\t\\N\n"
                )


def create_floor_table(cursor, name: str, *, equivalent: bool, months: list[datetime.date]) -> None:
    """A table of analytics_metricpoint's columns, checks and indexes; ``equivalent`` also
    gives it the same monthly partitions, primary and natural keys and foreign keys."""
    source = "analytics_metricpoint"
    if not equivalent:
        cursor.execute(
            f"CREATE TABLE {name} (LIKE {source} INCLUDING DEFAULTS INCLUDING CONSTRAINTS "
            "INCLUDING INDEXES)"
        )
        return
    cursor.execute(
        f"CREATE TABLE {name} (LIKE {source} INCLUDING DEFAULTS INCLUDING CONSTRAINTS) "
        "PARTITION BY RANGE (date)"
    )
    cursor.execute(f"CREATE TABLE {name}_default PARTITION OF {name} DEFAULT")
    for month in months:
        end = (month + datetime.timedelta(days=32)).replace(day=1)
        cursor.execute(
            f"CREATE TABLE {name}_p{month:%Y_%m} PARTITION OF {name} "
            f"FOR VALUES FROM ('{month}') TO ('{end}')"
        )
    cursor.execute(
        "SELECT pg_get_indexdef(i.indexrelid) FROM pg_index i WHERE i.indrelid = %s::regclass",
        [source],
    )
    for (definition,) in cursor.fetchall():
        definition = re.sub(r"INDEX (\S+) ON (ONLY )?\S+ ", rf"INDEX {name}_\1 ON {name} ",
                            definition, count=1)
        cursor.execute(definition)
    cursor.execute(
        "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
        "WHERE conrelid = %s::regclass AND contype = 'f'", [source],
    )
    for constraint, definition in cursor.fetchall():
        cursor.execute(f"ALTER TABLE {name} ADD CONSTRAINT {name}_{constraint} {definition}")


def main() -> None:
    url = _postgres_url()
    if url is None:
        print("bench/ingest.py: skipped — it measures PostgreSQL's COPY; "
              "set DATABASE_URL=postgres://… (a database is created beside it and dropped).")
        print(f"RESULT rows=0 rows_per_s=0 copy_rows_per_s=0 ratio=0 reimport_added=0 skipped=1 "
              f"wanted_rows={ROWS}")
        return
    bench_url = _bench_database(url)
    tmp = tempfile.TemporaryDirectory(prefix="bench-ingest-")
    os.environ["DATABASE_URL"] = bench_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ.setdefault("DEBUG", "true")
    os.environ["MEDIA_ROOT"] = str(Path(tmp.name) / "media")
    try:
        run(Path(tmp.name))
    finally:
        from django.db import connections

        connections.close_all()
        _drop_database(bench_url)
        tmp.cleanup()


def run(folder: Path) -> None:
    import logging

    import django

    django.setup()
    logging.disable(logging.WARNING)

    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.db import connection, transaction

    from analytics.models import DailyRollup, MetricPoint
    from analytics.services import imports
    from campaigns.planning.models import Campaign, CampaignStatus
    from platforms.models import Platform, PlatformAccount
    from teams.models import Team

    call_command("migrate", verbosity=0, interactive=False)
    team = Team.objects.create(name="Bench", slug="bench")
    owner = get_user_model().objects.create_user("bench-owner")
    campaign = Campaign.objects.create(
        team=team, owner=owner, name="Bench", objective="awareness", status=CampaignStatus.RUNNING,
        start_date=START, end_date=START + datetime.timedelta(days=ROWS // ACCOUNTS + 1),
    )
    douyin = Platform.objects.get(code="douyin")
    handles = [f"bench-{n:04d}" for n in range(ACCOUNTS)]
    accounts = PlatformAccount.objects.bulk_create(
        PlatformAccount(team=team, platform=douyin, handle=h) for h in handles
    )
    export = folder / "export.csv"
    copy_data = folder / "points.copy"
    write_export(export, handles)
    write_copy_data(copy_data, campaign.pk, [a.pk for a in accounts])
    points = ROWS * len(METRICS)
    print(f"rows: {ROWS:,} ({points:,} points, {export.stat().st_size / 1e6:.0f} MB file); "
          f"accounts: {ACCOUNTS}; days: {ROWS // ACCOUNTS}")

    # The floors: COPY of the same points into a table like analytics_metricpoint.
    columns = ("id, content_key, date, hour, metric, value, source, updated_at, account_id, "
               "batch_id, campaign_id, content_item_id, publication_id")
    months = sorted({_day(n).replace(day=1) for n in range(0, ROWS, ACCOUNTS)})

    def copy_into(equivalent: bool) -> float:
        with connection.cursor() as cursor:
            create_floor_table(cursor, "bench_floor", equivalent=equivalent, months=months)
            with copy_data.open("r", encoding="utf-8") as source:
                started = time.perf_counter()
                with transaction.atomic():  # deferred foreign keys are checked at commit
                    cursor.cursor.copy_expert(f"COPY bench_floor ({columns}) FROM STDIN", source)
                seconds = time.perf_counter() - started
            cursor.execute("SELECT COUNT(*) FROM bench_floor")
            assert cursor.fetchone()[0] == points
            cursor.execute("DROP TABLE bench_floor CASCADE")
        return seconds

    plain_seconds = copy_into(equivalent=False)
    copy_seconds = copy_into(equivalent=True)
    copy_data.unlink()
    copy_rate = ROWS / copy_seconds
    print(f"raw COPY, plain indexed table:       {plain_seconds:8.1f} s  "
          f"{ROWS / plain_seconds:10,.0f} rows/s")
    print(f"raw COPY, equivalent table:          {copy_seconds:8.1f} s  {copy_rate:10,.0f} rows/s"
          "  (same partitions, keys, indexes and foreign keys)")

    rss_before = rss_mb()

    def import_once() -> tuple[float, object]:
        started = time.perf_counter()
        with export.open("rb") as handle:
            batch = imports.import_create(
                actor=None, campaign=campaign, file=handle, original_name=export.name,
                size=export.stat().st_size, run=False,
            )
        batch = imports.import_run(batch=batch)
        return time.perf_counter() - started, batch

    seconds, first = import_once()
    assert first.status == "done", first.errors
    assert MetricPoint.objects.count() == points
    rate = ROWS / seconds
    print(f"app import:      {seconds:8.1f} s  {rate:10,.0f} rows/s  "
          f"(added {first.points_added:,}; {DailyRollup.objects.count():,} rollup rows)")
    again_seconds, again = import_once()
    print(f"second import:   {again_seconds:8.1f} s  added {again.points_added}, "
          f"unchanged {again.points_unchanged:,}")
    ratio = rate / copy_rate
    print(f"ratio import/COPY: {ratio:.3f}  (target: >= 0.333)")
    print(f"peak RSS: {rss_before:.0f} MB before the imports, {rss_mb():.0f} MB after both "
          f"(the {export.stat().st_size / 1e6:.0f} MB file is streamed)")
    print(
        f"RESULT rows={ROWS} rows_per_s={rate:.0f} copy_rows_per_s={copy_rate:.0f} "
        f"ratio={ratio:.3f} reimport_added={again.points_added} peak_rss_mb={rss_mb():.0f}"
    )


if __name__ == "__main__":
    main()

"""Benchmark the campaign dashboard's data request (spec S2.4.1) on 10,000,000 raw points.

1,000 campaigns, each with two accounts, 50 days, ten metrics and ten pieces of
content (10,000 raw points a campaign), are loaded with ``COPY`` into the
month-partitioned raw points; their daily rollups are computed once by SQL.
Each campaign has three KPIs. Then, over the same random campaigns:

- ``median_ms``: the campaign dashboard data request, ``GET
  /api/v1/campaigns/{id}/dashboard/`` through the whole Django stack (session,
  scoping, KPIs, trend, platform and account breakdown, funnel), as a manager,
  answered from the dashboard's archive (``analytics.services.dashboard_archive``:
  built after each import and every night, as here after loading);
- ``computed_ms``: the same request when its archive is out of date (data just
  written): computed from the rollups, archived and sent;
- ``rollup_sql_ms``: the same numbers by hand-written SQL on the rollups
  (the KPI window sums, and one GROUPING SETS statement for the daily totals
  per metric — per platform for the exposure metrics — and the per-account
  sums), the floor for the request;
- ``raw_sql_ms``: the same numbers by SQL on the raw points, under the store's
  rule for a day's value, in the fastest form measured (one statement).

Before timing, the request's KPI values, totals and daily totals are checked
against both SQL answers on one campaign; a difference stops the bench. The
request and the rollup SQL take turns going first, so neither always finds
the other's pages cached. Also printed: the selector alone (no HTTP, session
or JSON) and a signed-in request that finds no campaign (what any request
costs before the dashboard's work).

Targets: median ≤ 100 ms, within 1.5× the hand-written rollup query, and at
least 20× faster than the raw points.

PostgreSQL only: the server of ``BENCH_DATABASE_URL`` (or ``DATABASE_URL`` when
it is PostgreSQL, else the local server), in a database of its own that is
created and dropped here. Without a reachable PostgreSQL it says so and skips.

Run standalone: ``.venv/bin/python bench/dashboard.py [--campaigns N]``. Ends
with one ``RESULT ...`` line.
"""

from __future__ import annotations

import argparse
import io
import os
import random
import statistics
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

DEFAULT_SERVER = "postgres://postgres@127.0.0.1:5432/postgres"
DAYS = 50
ACCOUNTS_PER_CAMPAIGN = 2
CONTENT_PER_ACCOUNT = 10
METRICS = ("impressions", "reads", "plays", "clicks", "likes", "comments", "shares",
           "followers_gained", "conversions", "orders")
POINTS_PER_CAMPAIGN = DAYS * ACCOUNTS_PER_CAMPAIGN * CONTENT_PER_ACCOUNT * len(METRICS)
COPY_CHUNK = 500_000
SEED = 20260611


def _server_url() -> str | None:
    for name in ("BENCH_DATABASE_URL", "DATABASE_URL"):
        url = os.environ.get(name, "")
        if url.startswith(("postgres://", "postgresql://")):
            return url
    return DEFAULT_SERVER


def _with_database(url: str, name: str) -> str:
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, f"/{name}", parts.query, parts.fragment))


def _admin_connection(url: str):
    import psycopg2

    parts = urlsplit(url)
    connection = psycopg2.connect(
        host=parts.hostname or "127.0.0.1", port=parts.port or 5432,
        user=parts.username or "postgres", password=parts.password or None,
        dbname=(parts.path or "/postgres").lstrip("/") or "postgres", connect_timeout=5,
    )
    connection.autocommit = True
    return connection


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--campaigns", type=int, default=1_000)
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--raw-runs", type=int, default=30)
    parser.add_argument("--keep", action="store_true",
                        help="keep the generated database (its name is printed)")
    parser.add_argument("--reuse", metavar="DATABASE",
                        help="measure again on a database kept by --keep")
    args = parser.parse_args()

    server = _server_url()
    try:
        admin = _admin_connection(server)
    except Exception as exc:  # noqa: BLE001 - any failure to reach the server means "skip"
        print(f"SKIP: bench/dashboard.py needs PostgreSQL ({type(exc).__name__}: {exc}).")
        print("Set BENCH_DATABASE_URL=postgres://user@host:5432/postgres to run it.")
        return
    prefix = "campaignops_bench_dashboard_"
    if args.reuse and not args.reuse.startswith(prefix):
        raise SystemExit(f"--reuse takes a database this bench kept ({prefix}…)")
    name = args.reuse or f"{prefix}{os.getpid()}"
    if not args.reuse:
        with admin.cursor() as cursor:
            cursor.execute(f'CREATE DATABASE "{name}"')
    try:
        run(_with_database(server, name), args)
    finally:
        from django.db import connections

        connections.close_all()
        if args.keep or args.reuse:
            print(f"kept database {name} (measure again with --reuse {name})")
        else:
            with admin.cursor() as cursor:
                cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.close()


def run(database_url: str, args) -> None:
    os.environ.update({
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DATABASE_URL": database_url,
        "EMBEDDED": "true",  # generated local secrets, no production checks
        "ALLOWED_HOSTS": "testserver",
        "CONN_MAX_AGE": "600",
    })
    os.environ.pop("DEBUG", None)
    import django

    django.setup()

    import logging

    from django.core.management import call_command

    logging.disable(logging.WARNING)
    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    print(f"migrated in {time.perf_counter() - started:.1f} s")
    if args.reuse:
        campaigns, points = _existing()
    else:
        campaigns, today = _plan(args.campaigns)
        points = _load_points(campaigns, today)
        _build_rollups()
    _archive_dashboards(campaigns)
    measure(campaigns, points, args)


def _existing():
    """The campaigns and point count of a database a previous run kept."""
    from analytics.models import MetricPoint
    from campaigns.planning.models import Campaign

    campaigns = [(pk, start, []) for pk, start in
                 Campaign.objects.order_by("pk").values_list("pk", "start_date")]
    return campaigns, MetricPoint.objects.count()


def _plan(count: int):
    """Campaigns of the last 60 days with their accounts, KPIs and a manager to read them."""
    import datetime
    from decimal import Decimal

    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from campaigns.planning.models import KPI, Campaign, CampaignStatus, Goal, Objective
    from platforms.models import Platform, PlatformAccount
    from teams.models import Membership, Team
    from teams.roles import Role

    today = timezone.localdate()
    team = Team.objects.create(name="Bench team", slug="bench")
    manager = get_user_model().objects.create_user("bench-manager", password="x")
    Membership.objects.create(team=team, user=manager, role=Role.MANAGER)
    platforms = list(Platform.objects.filter(code__in=["wechat_oa", "douyin"]).order_by("code"))
    accounts = PlatformAccount.objects.bulk_create([
        PlatformAccount(team=team, platform=platforms[i % 2], handle=f"bench-{i}")
        for i in range(200)
    ])
    start = today - datetime.timedelta(days=DAYS + 10)
    rows = Campaign.objects.bulk_create([
        Campaign(team=team, owner=manager, name=f"Bench campaign {i}",
                 objective=Objective.AWARENESS, status=CampaignStatus.RUNNING,
                 budget=Decimal("100000"), start_date=start,
                 end_date=start + datetime.timedelta(days=DAYS - 1))
        for i in range(count)
    ])
    goals = Goal.objects.bulk_create([
        Goal(campaign=c, statement="Bench goal", objective=Objective.AWARENESS) for c in rows
    ])
    KPI.objects.bulk_create([
        KPI(goal=g, metric=metric, target=target, deadline=g.campaign.end_date)
        for g in goals
        for metric, target in (("reads", Decimal("2000000")), ("clicks", Decimal("100000")),
                               ("conversion_rate", Decimal("0.05")))
    ])
    campaigns = []
    for i, campaign in enumerate(rows):
        pair = (accounts[(2 * i) % 200], accounts[(2 * i + 1) % 200])
        campaigns.append((campaign.pk, start, [a.pk for a in pair]))
    return campaigns, today


def _load_points(campaigns, today) -> int:
    """COPY the raw points in, a chunk at a time (the file is never held whole)."""
    import datetime

    from django.db import connection

    from analytics.services.store import month_partitions_ensure

    start = campaigns[0][1]
    days = [start + datetime.timedelta(days=d) for d in range(DAYS)]
    month_partitions_ensure(days)
    rng = random.Random(SEED)
    columns = "campaign_id, account_id, content_key, date, hour, metric, value, source, updated_at"
    now = datetime.datetime.now(datetime.UTC).isoformat()
    iso_days = [d.isoformat() for d in days]
    total = 0
    started = time.perf_counter()
    buffer = io.StringIO()
    lines = 0
    connection.ensure_connection()
    raw = connection.connection.cursor()
    # The generated rows reference campaigns and accounts made above: skipping
    # the per-row foreign key triggers while loading is what makes COPY fast.
    raw.execute("SET session_replication_role = replica")
    sql = f"COPY analytics_metricpoint ({columns}) FROM STDIN"
    for index, (campaign_id, _start, account_ids) in enumerate(campaigns):
        base = rng.randint(50, 500)
        write = buffer.write
        for account_id in account_ids:
            # Accounts are shared between campaigns; each post is one campaign's
            # (the natural key has no campaign: a post's figures belong to one).
            for content in range(index * CONTENT_PER_ACCOUNT + 1,
                                 (index + 1) * CONTENT_PER_ACCOUNT + 1):
                for day in iso_days:
                    for m, metric in enumerate(METRICS):
                        value = base * (10 - m) // 3 + (content * 7 + m) % 13
                        write(f"{campaign_id}\t{account_id}\t{content}\t{day}\t-1\t{metric}\t"
                              f"{value}\timport\t{now}\n")
        lines += POINTS_PER_CAMPAIGN
        if lines >= COPY_CHUNK:
            buffer.seek(0)
            raw.copy_expert(sql, buffer)
            total += lines
            buffer, lines = io.StringIO(), 0
    if lines:
        buffer.seek(0)
        raw.copy_expert(sql, buffer)
        total += lines
    raw.execute("SET session_replication_role = DEFAULT")
    elapsed = time.perf_counter() - started
    print(f"copied {total:,} raw points in {elapsed:.1f} s ({total / elapsed:,.0f} rows/s)")
    return total


def _build_rollups() -> None:
    """The rollups the ingest path keeps: one source and whole days here, so a plain sum."""
    from django.db import connection

    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO analytics_dailyrollup (campaign_id, platform_id, account_id, date, "
            "metric, value) SELECT p.campaign_id, a.platform_id, p.account_id, p.date, p.metric, "
            "SUM(p.value) FROM analytics_metricpoint p "
            "JOIN platforms_platformaccount a ON a.id = p.account_id "
            "GROUP BY p.campaign_id, a.platform_id, p.account_id, p.date, p.metric"
        )
        cursor.execute("SELECT COUNT(*) FROM analytics_dailyrollup")
        rollups = cursor.fetchone()[0]
        cursor.execute("VACUUM ANALYZE analytics_dailyrollup")
        cursor.execute("ANALYZE analytics_metricpoint")
    print(f"built {rollups:,} daily rollups in {time.perf_counter() - started:.1f} s")


def _archive_dashboards(campaigns) -> None:
    """What the import task and the nightly beat job do: archive each default dashboard.

    The rollups above were written by SQL, not through the store, so nothing
    has counted a generation yet; the archives are built for generation 0.
    """
    from analytics.services.dashboard_archive import dashboard_archives_build

    started = time.perf_counter()
    built = sum(dashboard_archives_build(cid) for cid, _start, _accounts in campaigns)
    elapsed = time.perf_counter() - started
    print(f"archived {built:,} dashboards (each campaign in each language) in {elapsed:.1f} s "
          f"({elapsed / max(built, 1) * 1000:.1f} ms each: computed from the rollups and stored)")


# The numbers the dashboard data request returns, by hand. The request
# answers with each KPI's value over its own window and platform, and over the
# shown days the daily total of every metric, each platform's and account's
# sums, and exposure — impressions where a platform reports them, else its
# reads and plays, day by day. So: each KPI's sums, and one GROUPING SETS
# statement with per metric and day the totals (split by platform for the
# exposure metrics) and per metric and account the sums (platform sums and
# totals are their sums). The bench's KPIs are reads, clicks and the
# conversion rate (conversions ÷ clicks), on no particular platform.
EXPOSURE_METRICS = "('impressions', 'reads', 'plays')"
# Both read the day values ``d`` (account, platform, date, metric, value); the
# one-statement form pads each half to the same columns.
KPI_SELECT = (
    "SELECT k.id{pad}, SUM(d.value) FILTER (WHERE d.metric = k.metric), "
    "SUM(d.value) FILTER (WHERE d.metric = 'conversions'), "
    "SUM(d.value) FILTER (WHERE d.metric = 'clicks') "
    "FROM campaigns_kpi k JOIN campaigns_goal g ON g.id = k.goal_id "
    "JOIN campaigns_campaign c ON c.id = g.campaign_id "
    "LEFT JOIN d ON d.date BETWEEN c.start_date AND GREATEST(k.deadline, c.start_date) "
    "AND (k.platform_id IS NULL OR d.platform_id = k.platform_id) "
    "WHERE c.id = %(campaign)s GROUP BY k.id"
)
PANELS_SELECT = (
    "SELECT {lead}d.metric, d.date, "
    f"CASE WHEN d.metric IN {EXPOSURE_METRICS} THEN d.platform_id END AS exposure_platform, "
    "d.platform_id, d.account_id, SUM(d.value){tail} FROM d "
    "WHERE d.date BETWEEN %(start)s AND %(end)s "
    "GROUP BY GROUPING SETS ((d.metric, d.date, exposure_platform), "
    "(d.metric, d.platform_id, d.account_id))"
)
# On the rollups a day's value of an account and metric is a row; two
# statements, each reading only the rows it needs, are the faster form there.
ROLLUP_DAYS = (
    "SELECT account_id, platform_id, date, metric, value FROM analytics_dailyrollup "
    "WHERE campaign_id = %(campaign)s"
)
ROLLUP_STATEMENTS = (
    f"WITH d AS ({ROLLUP_DAYS} AND metric IN ('reads', 'clicks', 'conversions')) "
    + KPI_SELECT.format(pad=""),
    f"WITH d AS ({ROLLUP_DAYS}) " + PANELS_SELECT.format(lead="", tail=""),
)
# On the raw points the same numbers need the store's rule for a day's value
# (``analytics.services.store``): per source and content the whole-day value,
# else the sum of its hours; per source the account-wide value, else the sum
# over content; across sources the largest. This derived table is that rule,
# read through the points' (campaign, date) index. It is the expensive part,
# so one statement computes it once for both answers (two statements, as on
# the rollups, would derive it twice and take longer).
RAW_DAYS = (
    "SELECT l2.account_id, a.platform_id, l2.date, l2.metric, MAX(l2.v) AS value FROM ("
    "SELECT l1.account_id, l1.date, l1.metric, l1.source, "
    "COALESCE(SUM(CASE WHEN l1.content_key = 0 THEN l1.v END), SUM(l1.v)) AS v FROM ("
    "SELECT p.account_id, p.date, p.metric, p.source, p.content_key, "
    "COALESCE(SUM(CASE WHEN p.hour = -1 THEN p.value END), SUM(p.value)) AS v "
    "FROM analytics_metricpoint p WHERE p.campaign_id = %(campaign)s "
    "GROUP BY p.account_id, p.date, p.metric, p.source, p.content_key) l1 "
    "GROUP BY l1.account_id, l1.date, l1.metric, l1.source) l2 "
    "JOIN platforms_platformaccount a ON a.id = l2.account_id "
    "GROUP BY l2.account_id, a.platform_id, l2.date, l2.metric"
)
RAW_STATEMENTS = (
    f"WITH d AS MATERIALIZED ({RAW_DAYS}) "
    + KPI_SELECT.format(
        pad=", NULL::varchar, NULL::date, NULL::bigint, NULL::bigint, NULL::bigint"
    )
    + " UNION ALL " + PANELS_SELECT.format(lead="NULL, ", tail=", NULL, NULL"),
)


def _sql(cursor, statements, campaign_id: int, start, end) -> tuple[float, list[list]]:
    params = {"campaign": campaign_id, "start": start, "end": end}
    began = time.perf_counter()
    results = []
    for sql in statements:
        cursor.execute(sql, params)
        results.append(cursor.fetchall())
    return (time.perf_counter() - began) * 1000, results


def _numbers_of_sql(results: list[list], one_statement: bool) -> dict:
    """KPI values, totals and daily totals per metric from the hand-written SQL's rows."""
    if one_statement:
        kpi_rows = [r for r in results[0] if r[0] is not None]
        kpis = [(r[0], r[6], r[7], r[8]) for r in kpi_rows]
        panels = [r[1:6] + (r[6],) for r in results[0] if r[0] is None]
    else:
        kpis, panels = results[0], results[1]
    numbers: dict = {"kpis": {}, "totals": {}, "daily": {}}
    for kpi_id, own, conversions, clicks in kpis:
        # The conversion-rate KPI has no own metric among the rows: conversions ÷ clicks.
        value = own if own is not None else (conversions / clicks if clicks else None)
        numbers["kpis"][kpi_id] = round(float(value), 4) if value is not None else None
    for metric, day, _exposure_platform, _platform, account, value in panels:
        if day is not None:
            key = (metric, day.isoformat())
            numbers["daily"][key] = numbers["daily"].get(key, 0) + float(value)
        elif account is not None:
            numbers["totals"][metric] = numbers["totals"].get(metric, 0) + float(value)
    return numbers


def _numbers_of_response(body: dict) -> dict:
    numbers: dict = {
        "kpis": {k["id"]: round(k["actual"], 4) if k["actual"] is not None else None
                 for k in body["kpis"]},
        "totals": {m: v for m, v in body["totals"].items() if m != "exposure"},
        "daily": {(m, point["date"]): point["value"] for m, points in body["daily"].items()
                  if m != "exposure" for point in points},
    }
    return numbers


def _same(label: str, expected: dict, actual: dict) -> None:
    """The request and the hand-written SQL must answer the same numbers."""
    for part in ("kpis", "totals", "daily"):
        mine, theirs = expected[part], actual[part]
        if set(mine) != set(theirs) or any(
            abs((mine[k] or 0) - (theirs[k] or 0)) > 1e-6 * max(1, abs(mine[k] or 0))
            for k in mine
        ):
            raise SystemExit(f"{label} and the dashboard request disagree on {part}")


def measure(campaigns, points: int, args) -> None:
    import datetime

    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client

    rng = random.Random(SEED + 1)
    client = Client()
    client.force_login(get_user_model().objects.get(username="bench-manager"))
    end_of = {cid: start + datetime.timedelta(days=DAYS - 1) for cid, start, _a in campaigns}
    start_of = {cid: start for cid, start, _a in campaigns}
    ids = [cid for cid, _s, _a in campaigns]
    for campaign_id in rng.sample(ids, min(20, len(ids))):  # warm the caches and connections
        client.get(f"/api/v1/campaigns/{campaign_id}/dashboard/")
    sample = [rng.choice(ids) for _ in range(args.requests)]
    request_ms, rollup_ms = [], []
    with connection.cursor() as cursor:
        # The three answer the same numbers (checked on the first campaign).
        check = sample[0]
        body = client.get(f"/api/v1/campaigns/{check}/dashboard/").json()
        for label, statements, one in (("rollup SQL", ROLLUP_STATEMENTS, False),
                                       ("raw SQL", RAW_STATEMENTS, True)):
            _ms, results = _sql(cursor, statements, check, start_of[check], end_of[check])
            _same(label, _numbers_of_sql(results, one), _numbers_of_response(body))
        for index, campaign_id in enumerate(sample):
            # Alternate which goes first, so neither always finds the other's
            # pages in the cache.
            if index % 2:
                rollup_ms.append(_sql(cursor, ROLLUP_STATEMENTS, campaign_id,
                                      start_of[campaign_id], end_of[campaign_id])[0])
            began = time.perf_counter()
            response = client.get(f"/api/v1/campaigns/{campaign_id}/dashboard/")
            request_ms.append((time.perf_counter() - began) * 1000)
            if response.status_code != 200:
                raise SystemExit(f"dashboard request failed: {response.status_code}")
            if not index % 2:
                rollup_ms.append(_sql(cursor, ROLLUP_STATEMENTS, campaign_id,
                                      start_of[campaign_id], end_of[campaign_id])[0])
        raw_ms = [
            _sql(cursor, RAW_STATEMENTS, campaign_id, start_of[campaign_id],
                 end_of[campaign_id])[0]
            for campaign_id in sample[: args.raw_runs]
        ]
    # The same request when the archive is out of date (data just written): it
    # computes the dashboard from the rollups, archives and sends it.
    from analytics.models import DashboardArchive

    computed_ms = []
    for campaign_id in sample[: args.raw_runs]:
        DashboardArchive.objects.filter(campaign_id=campaign_id).delete()
        began = time.perf_counter()
        response = client.get(f"/api/v1/campaigns/{campaign_id}/dashboard/")
        computed_ms.append((time.perf_counter() - began) * 1000)
        if response.status_code != 200:
            raise SystemExit(f"dashboard request failed: {response.status_code}")
    from analytics.selectors.dashboards import campaign_dashboard_for

    manager = get_user_model().objects.get(username="bench-manager")
    selector_ms = []
    for campaign_id in sample:
        began = time.perf_counter()
        campaign_dashboard_for(manager, campaign_id)
        selector_ms.append((time.perf_counter() - began) * 1000)
    # What any request of a signed-in user costs before the dashboard's own
    # work: session, user, roles and the scoped campaign lookup (here a 404).
    empty_ms = []
    for _ in range(min(50, len(sample))):
        began = time.perf_counter()
        client.get("/api/v1/campaigns/0/dashboard/")
        empty_ms.append((time.perf_counter() - began) * 1000)
    median = statistics.median(request_ms)
    rollup = statistics.median(rollup_ms)
    raw = statistics.median(raw_ms)
    selector = statistics.median(selector_ms)
    print(f"dashboard selector alone (no HTTP, session or JSON): median {selector:.2f} ms, "
          f"{selector / rollup:.2f}x the rollup SQL")
    print(f"a signed-in request that finds no campaign: median "
          f"{statistics.median(empty_ms):.2f} ms")
    computed = statistics.median(computed_ms)
    print(f"dashboard request (archived): median {median:.2f} ms, p90 "
          f"{statistics.quantiles(request_ms, n=10)[-1]:.2f} ms over {len(request_ms)} requests")
    print(f"dashboard request with its archive out of date (computed, archived, sent): "
          f"median {computed:.2f} ms over {len(computed_ms)} requests, "
          f"{computed / rollup:.2f}x the rollup SQL, {raw / computed:.1f}x faster than raw")
    print(f"hand-written SQL on rollups: median {rollup:.2f} ms")
    print(f"same aggregates on raw points: median {raw:.2f} ms over {len(raw_ms)} runs")
    print("targets: median <= 100 ms, <= 1.5x rollup SQL, >= 20x faster than raw")
    print(
        f"RESULT points={points} median_ms={median:.2f} rollup_sql_ms={rollup:.2f} "
        f"raw_sql_ms={raw:.2f} ratio_vs_rollup_sql={median / rollup:.2f} "
        f"speedup_vs_raw={raw / median:.1f} computed_ms={computed:.2f}"
    )


if __name__ == "__main__":
    main()

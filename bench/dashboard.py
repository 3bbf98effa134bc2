"""Benchmark the campaign dashboard's data request (spec S2.4.1) on 10,000,000 raw points.

1,000 campaigns, each with two accounts, 50 days, ten metrics and ten pieces of
content (10,000 raw points a campaign), are loaded with ``COPY`` into the
month-partitioned raw points; their daily rollups are computed once by SQL.
Each campaign has three KPIs. Then, over the same random campaigns:

- ``median_ms``: the campaign dashboard data request, ``GET
  /api/v1/campaigns/{id}/dashboard/`` through the whole Django stack (session,
  scoping, KPIs, trend, platform and account breakdown, funnel), as a manager;
- ``rollup_sql_ms``: the same aggregates by hand-written SQL on the rollups
  (the KPI window sums, and one GROUPING SETS statement for daily, per-platform
  and per-account totals per metric), the floor for the request;
- ``raw_sql_ms``: the same aggregates by SQL on the raw points.

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
    name = args.reuse or f"campaignops_bench_dashboard_{os.getpid()}"
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
    if args.reuse:
        campaigns, points = _existing()
    else:
        started = time.perf_counter()
        call_command("migrate", verbosity=0)
        print(f"migrated in {time.perf_counter() - started:.1f} s")
        campaigns, today = _plan(args.campaigns)
        points = _load_points(campaigns, today)
        _build_rollups()
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


# The same aggregates as the request, by hand: each KPI's window sum, then per
# metric its daily, per-platform and per-account totals.
KPI_SQL = (
    "SELECT k.id, SUM(r.value) FILTER (WHERE r.metric = k.metric), "
    "SUM(r.value) FILTER (WHERE r.metric = 'conversions'), "
    "SUM(r.value) FILTER (WHERE r.metric = 'clicks') "
    "FROM campaigns_kpi k JOIN campaigns_goal g ON g.id = k.goal_id "
    "JOIN campaigns_campaign c ON c.id = g.campaign_id "
    "LEFT JOIN {table} r ON r.campaign_id = c.id AND r.date BETWEEN c.start_date AND k.deadline "
    "AND r.metric IN ('reads', 'clicks', 'conversions') "
    "WHERE c.id = %s GROUP BY k.id"
)
PANELS_ROLLUP_SQL = (
    "SELECT r.metric, r.date, r.platform_id, r.account_id, SUM(r.value) "
    "FROM analytics_dailyrollup r WHERE r.campaign_id = %s AND r.date BETWEEN %s AND %s "
    "GROUP BY GROUPING SETS ((r.metric, r.date), (r.metric, r.platform_id), "
    "(r.metric, r.account_id))"
)
# On the raw points the same numbers need the store's rule for a day's value
# (``analytics.services.store``): per source and content the whole-day value,
# else the sum of its hours; per source the account-wide value, else the sum
# over content; across sources the largest. This derived table is that rule.
RAW_DAYS = (
    "(SELECT l2.campaign_id, l2.account_id, a.platform_id, l2.date, l2.metric, "
    "MAX(l2.v) AS value FROM ("
    "SELECT l1.campaign_id, l1.account_id, l1.date, l1.metric, l1.source, "
    "COALESCE(SUM(CASE WHEN l1.content_key = 0 THEN l1.v END), SUM(l1.v)) AS v FROM ("
    "SELECT p.campaign_id, p.account_id, p.date, p.metric, p.source, p.content_key, "
    "COALESCE(SUM(CASE WHEN p.hour = -1 THEN p.value END), SUM(p.value)) AS v "
    "FROM analytics_metricpoint p WHERE p.campaign_id = %s AND p.date BETWEEN %s AND %s "
    "GROUP BY p.campaign_id, p.account_id, p.date, p.metric, p.source, p.content_key) l1 "
    "GROUP BY l1.campaign_id, l1.account_id, l1.date, l1.metric, l1.source) l2 "
    "JOIN platforms_platformaccount a ON a.id = l2.account_id "
    "GROUP BY l2.campaign_id, l2.account_id, a.platform_id, l2.date, l2.metric)"
)
PANELS_RAW_SQL = (
    "SELECT r.metric, r.date, r.platform_id, r.account_id, SUM(r.value) "
    f"FROM {RAW_DAYS} r "
    "GROUP BY GROUPING SETS ((r.metric, r.date), (r.metric, r.platform_id), "
    "(r.metric, r.account_id))"
)
KPI_RAW_SQL = KPI_SQL.format(table=f"{RAW_DAYS}").replace(
    "FROM analytics_metricpoint p WHERE p.campaign_id = %s AND p.date BETWEEN %s AND %s ",
    "FROM analytics_metricpoint p WHERE p.campaign_id = %s ",
)
KPI_ROLLUP_SQL = KPI_SQL.format(table="analytics_dailyrollup")


def _sql_ms(cursor, statements, campaign_id: int, start, end) -> float:
    began = time.perf_counter()
    for sql, params in statements:
        cursor.execute(sql, [{"campaign": campaign_id, "start": start, "end": end}[p]
                             for p in params])
        cursor.fetchall()
    return (time.perf_counter() - began) * 1000


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
        for campaign_id in sample:
            began = time.perf_counter()
            response = client.get(f"/api/v1/campaigns/{campaign_id}/dashboard/")
            request_ms.append((time.perf_counter() - began) * 1000)
            if response.status_code != 200:
                raise SystemExit(f"dashboard request failed: {response.status_code}")
            rollup_ms.append(_sql_ms(
                cursor, [(KPI_ROLLUP_SQL, ("campaign",)),
                         (PANELS_ROLLUP_SQL, ("campaign", "start", "end"))],
                campaign_id, start_of[campaign_id], end_of[campaign_id],
            ))
        raw_ms = [
            _sql_ms(cursor, [(KPI_RAW_SQL, ("campaign", "campaign")),
                             (PANELS_RAW_SQL, ("campaign", "start", "end"))],
                    campaign_id, start_of[campaign_id], end_of[campaign_id])
            for campaign_id in sample[: args.raw_runs]
        ]
    from analytics.selectors.dashboards import campaign_dashboard_for

    manager = get_user_model().objects.get(username="bench-manager")
    selector_ms = []
    for campaign_id in sample:
        began = time.perf_counter()
        campaign_dashboard_for(manager, campaign_id)
        selector_ms.append((time.perf_counter() - began) * 1000)
    print(f"dashboard selector alone: median {statistics.median(selector_ms):.2f} ms")
    median = statistics.median(request_ms)
    rollup = statistics.median(rollup_ms)
    raw = statistics.median(raw_ms)
    print(f"dashboard request: median {median:.2f} ms, p90 "
          f"{statistics.quantiles(request_ms, n=10)[-1]:.2f} ms over {len(request_ms)} requests")
    print(f"hand-written SQL on rollups: median {rollup:.2f} ms")
    print(f"same aggregates on raw points: median {raw:.2f} ms over {len(raw_ms)} runs")
    print("targets: median <= 100 ms, <= 1.5x rollup SQL, >= 20x faster than raw")
    print(
        f"RESULT points={points} median_ms={median:.2f} rollup_sql_ms={rollup:.2f} "
        f"raw_sql_ms={raw:.2f} ratio_vs_rollup_sql={median / rollup:.2f} "
        f"speedup_vs_raw={raw / median:.1f}"
    )


if __name__ == "__main__":
    main()

"""``make load``: a locust scenario against gunicorn, PostgreSQL and Redis on loopback.

What it does, start to end:

1. creates its own database ``campaignops_load_<pid>`` on the PostgreSQL server
   of ``BENCH_DATABASE_URL`` / ``DATABASE_URL`` (default
   ``postgres://postgres@127.0.0.1:5432/postgres``), migrates it, seeds the demo
   and a few hundred more campaigns with a month of daily metric points each
   (through the analytics store, so rollups are in step as in production);
2. starts gunicorn (production settings: DEBUG off, whitenoise, generated
   secrets; plain http on 127.0.0.1) with ``REDIS_URL`` on a Redis database of
   its own (``--redis-db``, emptied before and after);
3. runs locust headless in this process: marketers browse campaigns, the
   calendar and the inbox; managers open dashboards; an API client reads the
   campaign list and metrics, records tracking clicks (metric writes) and
   imports a file; a bare view (``tools/load_floor.py``) is measured in the
   same mix as the floor;
4. then measures throughput with the same load shape (the same users, no think
   time, the same duration) twice: once on the bare view, once on the campaign
   list API; their ratio is ``list_api_ratio``;
5. prints requests/s, p50/p95/p99 and errors per endpoint, stops gunicorn,
   drops the database, and ends with one line
   ``RESULT users=… rps=… p95_ms=… errors=… floor_rps=… list_api_ratio=…``
   (``p95_ms`` is over the page requests of the mixed phase).

Usage: ``python tools/load.py [--users 50] [--duration 60] [--quick]``.
"""

# locust patches the standard library for gevent: it must come first.
from locust import FastHttpUser, between, constant, task  # isort: skip
from locust.env import Environment  # isort: skip

import argparse
import json
import os
import random
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import gevent

ROOT = Path(__file__).resolve().parents[1]
PYTHON = sys.executable
DEFAULT_SERVER_URL = "postgres://postgres@127.0.0.1:5432/postgres"
PAGE_P95_TARGET_MS = 300
RATIO_TARGET = 0.40

# Run inside the load database by a child process (Django set up there): the
# demo, then enough rows to be realistic; prints what the users need as JSON.
SETUP = r"""
import copy, datetime, json, sys
from decimal import Decimal
import django
django.setup()
from django.contrib.auth import get_user_model
from django.contrib.sessions.backends.db import SessionStore
from django.core.management import call_command
from django.db import transaction
from rest_framework.authtoken.models import Token
from analytics.models import MetricSource, TrackingLink
from analytics.services.store import PointIn, points_upsert
from analytics.services.tracking import tracking_link_create
from campaigns.planning.models import Campaign
from platforms.models import PlatformAccount
from teams.models import Team

campaigns_extra, days, sessions_per_role = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
call_command("seed_demo", force=True, verbosity=0)
team = Team.objects.get(slug="demo")
base = Campaign.objects.filter(team=team).order_by("pk").first()
accounts = list(PlatformAccount.objects.filter(team=team).order_by("pk")[:3])
today = datetime.date.today()
metrics = ("impressions", "reads", "clicks", "likes", "conversions")
with transaction.atomic():
    clones = []
    for n in range(campaigns_extra):
        clone = copy.copy(base)
        clone.pk = clone.id = None
        clone._state = copy.copy(base._state)
        clone._state.adding = True
        clone.name = f"{base.name[:180]} · {n + 1}"
        clones.append(clone)
    Campaign.objects.bulk_create(clones, batch_size=500)
points = []
for campaign in Campaign.objects.filter(team=team).order_by("pk")[: campaigns_extra + 50]:
    for account in accounts:
        for back in range(days):
            day = today - datetime.timedelta(days=back)
            for k, metric in enumerate(metrics):
                value = Decimal((campaign.pk * 7 + account.pk * 13 + back * 3 + k) % 5000 + 10)
                points.append(PointIn(campaign.pk, account.pk, day, metric, value))
    if len(points) > 50_000:
        points_upsert(points=points, source=MetricSource.CONNECTOR)
        points = []
if points:
    points_upsert(points=points, source=MetricSource.CONNECTOR)
User = get_user_model()

def sessions(username):
    user = User.objects.get(username=username)
    keys = []
    for _ in range(sessions_per_role):
        store = SessionStore()
        store["_auth_user_id"] = str(user.pk)
        store["_auth_user_backend"] = "django.contrib.auth.backends.ModelBackend"
        store["_auth_user_hash"] = user.get_session_auth_hash()
        store.create()
        keys.append(store.session_key)
    return keys

analyst = User.objects.get(username="analyst")
# The demo has no tracking link; without one the API client would record no clicks.
link = TrackingLink.objects.filter(team=team).order_by("pk").first() or tracking_link_create(
    actor=None, campaign=base, account=accounts[0], target_url="https://example.com/landing"
)
account = accounts[0]
print(json.dumps({
    "marketer": sessions("marketer"),
    "manager": sessions("manager"),
    "token": Token.objects.get_or_create(user=analyst)[0].key,
    "campaigns": list(Campaign.objects.filter(team=team).order_by("-pk").values_list("pk", flat=True)[:200]),
    "import_campaign": base.pk,
    "import_account": account.handle,
    "import_platform": account.platform.name,
    "tracking": link.code if link else "",
    "campaign_count": Campaign.objects.filter(team=team).count(),
}))
"""


# --- the users -------------------------------------------------------------------------


def describe(response) -> str:
    """The failure as logged: the status, or the connection error when there was none."""
    return f"HTTP {response.status_code}" if response.status_code else repr(response.error)[:200]


# Between two clicks a person reads the page: 1 to 3 s is a brisk reader. Without
# it, 50 users on 2 cores are a stress test, not 50 people at work; the
# throughput phases below are that stress test, on purpose, for the ratio.
THINK_TIME = between(1, 3)
# gunicorn keeps an idle connection open this long. Longer than any think time,
# so a client never sends its next request on a connection the server is closing
# at that moment (a reset, not an answer). The production commands use the same.
KEEP_ALIVE_S = 5

DATA: dict = {}
PAGE_NAMES: set[str] = set()


def page(name: str) -> str:
    PAGE_NAMES.add(name)
    return name


# FastHttpUser (geventhttpclient) costs locust a fraction of the CPU of the
# requests-based HttpUser: locust shares the 2 cores with gunicorn, and every
# cycle it spends is one the server does not get. It never retries a request
# (max_retries 0), so a dropped connection is counted as the error it is.
class SessionUser(FastHttpUser):
    abstract = True
    role = ""

    def on_start(self):
        keys = DATA[self.role]
        self.headers = {
            "Cookie": f"sessionid={keys[random.randrange(len(keys))]}",
            "Accept-Language": "zh-hans",
        }

    def get_page(self, url: str, name: str):
        with self.client.get(url, name=page(name), headers=self.headers, catch_response=True,
                             allow_redirects=False) as response:
            if response.status_code != 200:
                response.failure(describe(response))


class Marketer(SessionUser):
    weight = 6
    role = "marketer"
    wait_time = THINK_TIME

    @task(4)
    def campaigns(self):
        self.get_page("/campaigns/", "page: campaign list")

    @task(3)
    def campaign(self):
        pk = random.choice(DATA["campaigns"])
        self.get_page(f"/campaigns/{pk}/", "page: campaign detail")

    @task(3)
    def calendar(self):
        self.get_page("/calendar/", "page: calendar")

    @task(3)
    def inbox(self):
        self.get_page("/engagement/", "page: inbox")


class Manager(SessionUser):
    weight = 3
    role = "manager"
    wait_time = THINK_TIME

    @task(2)
    def portfolio(self):
        self.get_page("/analytics/", "page: portfolio dashboard")

    @task(3)
    def dashboard(self):
        pk = random.choice(DATA["campaigns"][:50])
        self.get_page(f"/analytics/campaigns/{pk}/", "page: campaign dashboard")


class ApiClient(FastHttpUser):
    weight = 2
    wait_time = THINK_TIME

    def on_start(self):
        self.headers = {"Authorization": f"Token {DATA['token']}", "Accept": "application/json"}

    def expect(self, response, status: int):
        if response.status_code != status:
            response.failure(describe(response))

    @task(4)
    def campaign_list(self):
        with self.client.get("/api/v1/campaigns/", name="api: campaign list",
                             headers=self.headers, catch_response=True) as response:
            self.expect(response, 200)

    @task(2)
    def metrics(self):
        pk = random.choice(DATA["campaigns"][:50])
        with self.client.get(f"/api/v1/campaigns/{pk}/metrics/?metric=clicks",
                             name="api: campaign metrics", headers=self.headers,
                             catch_response=True) as response:
            self.expect(response, 200)

    @task(2)
    def click(self):
        if not DATA["tracking"]:
            return
        with self.client.get(f"/t/{DATA['tracking']}", name="write: tracking click",
                             allow_redirects=False, catch_response=True) as response:
            self.expect(response, 302)

    @task(1)
    def import_file(self):
        day = f"2026-0{random.randint(1, 9)}-{random.randint(10, 28)}"
        export = (
            "日期,平台,账号,阅读量,点击量\n"
            f"{day},{DATA['import_platform']},{DATA['import_account']},"
            f"{random.randint(100, 9000)},{random.randint(1, 500)}\n"
        ).encode()
        boundary = secrets.token_hex(16)
        body = b"".join((
            f"--{boundary}\r\n"
            'Content-Disposition: form-data; name="campaign"\r\n\r\n'
            f"{DATA['import_campaign']}\r\n"
            f"--{boundary}\r\n"
            'Content-Disposition: form-data; name="file"; filename="export.csv"\r\n'
            "Content-Type: text/csv\r\n\r\n".encode(),
            export,
            f"\r\n--{boundary}--\r\n".encode(),
        ))
        headers = {**self.headers,
                   "Content-Type": f"multipart/form-data; boundary={boundary}"}
        with self.client.post("/api/v1/imports/", name="api: import a file", data=body,
                              headers=headers, catch_response=True) as response:
            self.expect(response, 201)


class FloorVisitor(FastHttpUser):
    weight = 1
    wait_time = THINK_TIME

    @task
    def floor(self):
        with self.client.get("/__floor__", name="floor: bare view",
                             catch_response=True) as response:
            if response.status_code != 200:
                response.failure(describe(response))


class FloorHammer(FastHttpUser):
    wait_time = constant(0)

    @task
    def floor(self):
        self.client.get("/__floor__", name="floor: bare view")


class ListHammer(FastHttpUser):
    wait_time = constant(0)

    def on_start(self):
        self.headers = {"Authorization": f"Token {DATA['token']}", "Accept": "application/json"}

    @task
    def campaign_list(self):
        self.client.get("/api/v1/campaigns/", name="api: campaign list", headers=self.headers)


# --- running --------------------------------------------------------------------------


def run_phase(user_classes, host: str, users: int, duration: float):
    environment = Environment(user_classes=user_classes, host=host)
    runner = environment.create_local_runner()
    runner.start(users, spawn_rate=max(users / 5, 1))
    gevent.sleep(5 + duration)  # spawning takes up to 5 s, then the measured time
    runner.quit()
    return environment.stats


def report(stats, title: str) -> None:
    print(f"\n== {title}")
    print(f"{'endpoint':34} {'reqs':>7} {'rps':>7} {'p50':>6} {'p95':>6} {'p99':>6} {'errors':>6}")
    for (name, _method), entry in sorted(stats.entries.items()):
        print(
            f"{name[:34]:34} {entry.num_requests:7d} {entry.total_rps:7.1f} "
            f"{entry.get_response_time_percentile(0.5) or 0:6.0f} "
            f"{entry.get_response_time_percentile(0.95) or 0:6.0f} "
            f"{entry.get_response_time_percentile(0.99) or 0:6.0f} {entry.num_failures:6d}"
        )
    for error in stats.errors.values():
        print(f"   error x{error.occurrences}: {error.method} {error.name}: {error.error}")


def pages_p95(stats) -> float:
    from locust.stats import StatsEntry

    merged = StatsEntry(stats, "pages", "GET")
    for (name, _method), entry in stats.entries.items():
        if name in PAGE_NAMES:
            merged.extend(entry)
    return merged.get_response_time_percentile(0.95) or 0.0


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def with_database(url: str, name: str) -> str:
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, f"/{name}", parts.query, parts.fragment))


def admin_connection(server_url: str):
    import psycopg2

    parts = urlsplit(server_url)
    connection = psycopg2.connect(
        host=parts.hostname or "127.0.0.1", port=parts.port or 5432,
        user=parts.username or "postgres", password=parts.password or None,
        dbname=(parts.path or "/postgres").lstrip("/") or "postgres",
    )
    connection.autocommit = True
    return connection


def redis_flush(redis_url: str) -> None:
    import redis

    redis.Redis.from_url(redis_url).flushdb()


def wait_until_up(base: str, server: subprocess.Popen, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit("gunicorn stopped while starting; see its output above")
        try:
            with urllib.request.urlopen(f"{base}/__floor__", timeout=2) as answer:  # noqa: S310
                if answer.status == 200:
                    return
        except OSError:
            time.sleep(0.5)
    raise SystemExit("gunicorn did not answer within two minutes")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=50, help="concurrent users (default 50)")
    parser.add_argument("--duration", type=float, default=60,
                        help="seconds of the mixed phase (default 60)")
    parser.add_argument("--ratio-duration", type=float, default=None,
                        help="seconds of each throughput phase (default: a third of --duration)")
    parser.add_argument("--quick", action="store_true",
                        help="10 users, 15 s, fewer seeded rows: a smoke run")
    parser.add_argument("--workers", type=int, default=3, help="gunicorn workers (default 3)")
    parser.add_argument("--threads", type=int, default=4, help="threads per worker (default 4)")
    parser.add_argument("--redis-db", type=int, default=9, help="Redis database to use and empty")
    parser.add_argument("--campaigns", type=int, default=300, help="extra campaigns to seed")
    parser.add_argument("--days", type=int, default=30, help="days of metric points to seed")
    args = parser.parse_args()
    if args.quick:
        args.users, args.duration, args.campaigns, args.days = 10, 15, 60, 30
    ratio_duration = args.ratio_duration or max(args.duration / 3, 10)

    server_url = (os.environ.get("BENCH_DATABASE_URL") or os.environ.get("DATABASE_URL")
                  or DEFAULT_SERVER_URL)
    name = f"campaignops_load_{os.getpid()}"
    assert name.startswith("campaignops_load_")  # never the CI or test databases
    database_url = with_database(server_url, name)
    redis_url = f"redis://127.0.0.1:6379/{args.redis_db}"
    var_dir = Path(tempfile.mkdtemp(prefix="campaignops-load-"))
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DATABASE_URL": database_url, "REDIS_URL": redis_url, "EMBEDDED": "false",
        "DEBUG": "false", "VAR_DIR": str(var_dir), "MEDIA_ROOT": str(var_dir / "media"),
        "SECRET_KEY": secrets.token_urlsafe(64),
        "CREDENTIALS_KEYS": __import__("base64").urlsafe_b64encode(secrets.token_bytes(32)).decode(),
        "PSEUDONYM_KEY": secrets.token_urlsafe(32),
        "ALLOWED_HOSTS": "127.0.0.1", "SECURE_SSL_REDIRECT": "false",
        "SESSION_COOKIE_SECURE": "false", "CSRF_COOKIE_SECURE": "false",
        "SECURE_HSTS_SECONDS": "0", "LOG_LEVEL": "WARNING", "CONN_MAX_AGE": "600",
        # Imports queue for a worker this run does not start: the web side is measured.
        "CELERY_TASK_ALWAYS_EAGER": "false",
    }
    admin = admin_connection(server_url)
    server = None
    try:
        with admin.cursor() as cursor:
            cursor.execute(f'CREATE DATABASE "{name}"')
        redis_flush(redis_url)
        started = time.monotonic()
        print(f"== database {name}: migrating and seeding", flush=True)
        subprocess.run([PYTHON, "manage.py", "migrate", "--noinput", "-v", "0"],
                       cwd=ROOT, env=env, check=True)
        subprocess.run([PYTHON, "manage.py", "collectstatic", "--noinput", "-v", "0"],
                       cwd=ROOT, env=env, check=True)
        sessions = max(args.users, 10)
        seeded = subprocess.run(
            [PYTHON, "-c", SETUP, str(args.campaigns), str(args.days), str(sessions)],
            cwd=ROOT, env=env, capture_output=True, text=True,
        )
        if seeded.returncode:
            raise SystemExit(f"seeding failed:\n{seeded.stderr[-3000:]}")
        DATA.update(json.loads(seeded.stdout.strip().splitlines()[-1]))
        print(f"   {DATA['campaign_count']} campaigns seeded in {time.monotonic() - started:.0f} s",
              flush=True)
        server = subprocess.Popen(
            [PYTHON, "-m", "gunicorn", "--pythonpath", "tools", "load_floor:application",
             "--bind", f"127.0.0.1:{port}", "--workers", str(args.workers),
             "--worker-class", "gthread", "--threads", str(args.threads),
             "--keep-alive", str(KEEP_ALIVE_S), "--timeout", "60", "--log-level", "warning"],
            cwd=ROOT, env=env, start_new_session=True,
        )
        wait_until_up(base, server)
        print(f"== gunicorn on {base}: {args.workers} workers × {args.threads} threads; "
              f"{args.users} users", flush=True)

        mixed = run_phase([Marketer, Manager, ApiClient, FloorVisitor], base, args.users,
                          args.duration)
        report(mixed, f"mixed: {args.users} users for {args.duration:.0f} s")
        floor = run_phase([FloorHammer], base, args.users, ratio_duration)
        report(floor, f"floor: {args.users} users, no think time, {ratio_duration:.0f} s")
        listing = run_phase([ListHammer], base, args.users, ratio_duration)
        report(listing, f"campaign list API: same shape, {ratio_duration:.0f} s")
    finally:
        if server is not None and server.poll() is None:
            os.killpg(server.pid, signal.SIGTERM)
            try:
                server.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(server.pid, signal.SIGKILL)
        with admin.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.close()
        try:
            redis_flush(redis_url)
        except Exception as exc:  # noqa: BLE001 - cleaning up; the run's outcome stands
            print(f"   could not empty {redis_url}: {exc}")

    total = mixed.total
    errors = total.num_failures + floor.total.num_failures + listing.total.num_failures
    p95 = pages_p95(mixed)
    floor_rps = floor.total.total_rps
    ratio = listing.total.total_rps / floor_rps if floor_rps else 0.0
    print(f"\ntargets: errors 0 ({errors}), page p95 < {PAGE_P95_TARGET_MS} ms ({p95:.0f}), "
          f"list API ≥ {RATIO_TARGET:.0%} of the floor ({ratio:.0%})")
    print(
        f"RESULT users={args.users} rps={total.total_rps:.1f} p95_ms={p95:.0f} errors={errors} "
        f"floor_rps={floor_rps:.1f} list_api_ratio={ratio:.2f}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())

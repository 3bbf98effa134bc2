"""Benchmark exactly-once publishing (spec S2.3.1): 1,000 due items, two workers, one killed.

1,000 approved items are due at once on sandbox accounts (the sandbox connector
is a simulated platform that does NOT de-duplicate: every publish call adds a
``platforms.SandboxPost`` row, so a double post shows as two rows with one client
key). Two real Celery worker processes publish them; this process plays beat
(``publications_due_task`` every few seconds). When about a third is out, one
worker is SIGKILLed mid-run and started again. Once nothing is due any more,
the rows the killed worker left ``publishing`` wait for the task's hard time
limit, then ``publications_reconcile_task`` asks the sandbox read-only.

Printed: the time from the first beat to a settled calendar, and the counts

- ``duplicated``: client keys with more than one post on the platform (must be 0);
- ``missing``: publications neither published (with a post on the platform) nor
  reported failed with a reason, plus posts on the platform whose publication
  does not say published (must be 0);
- ``unknown``: publications left ``unknown`` after reconciliation (must be 0).

Broker: Redis when ``REDIS_URL`` is set, else the filesystem broker in a
temporary ``VAR_DIR``. The database is a temporary SQLite file shared by the
three processes; the project's own database is never touched.

Run standalone: ``.venv/bin/python bench/publish.py [--items N]``. Ends with one
``RESULT ...`` line.
"""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
_tmp = tempfile.TemporaryDirectory(prefix="bench-publish-")
TMP = Path(_tmp.name)
# A short hard time limit, so rows a killed worker left "publishing" become
# eligible for reconciliation within seconds instead of minutes.
HARD_LIMIT, SOFT_LIMIT = 20, 15
os.environ.update({
    "DJANGO_SETTINGS_MODULE": "config.settings",
    "EMBEDDED": "true",
    "VAR_DIR": str(TMP / "var"),
    "DATABASE_URL": f"sqlite:///{TMP / 'bench.sqlite3'}",
    "CELERY_TASK_TIME_LIMIT": str(HARD_LIMIT),
    "CELERY_TASK_SOFT_TIME_LIMIT": str(SOFT_LIMIT),
    "CELERY_TASK_ALWAYS_EAGER": "false",
})
os.environ.pop("DEBUG", None)

import django  # noqa: E402

django.setup()

import datetime  # noqa: E402
import logging  # noqa: E402

from django.core.management import call_command  # noqa: E402
from django.db.models import Count  # noqa: E402
from django.utils import timezone  # noqa: E402

logging.disable(logging.WARNING)

BEAT_EVERY = 3.0  # seconds between due beats, as a fast beat would
KILL_AT = 0.33  # share published when one worker is killed
LATENCY_MS = 30  # the sandbox's round trip per publish
ACCOUNTS = 4
TIMEOUT = 900  # seconds before giving up waiting for the calendar to settle
MAX_CRASHES = 20  # workers exiting on their own before the run is abandoned


# A worker of the project's Celery app. The filesystem broker is polled: a short
# interval keeps a worker from idling a second between messages (Redis pushes).
WORKER = (
    "import sys\n"
    "from config.celery import app\n"
    "app.conf.broker_transport_options = {\n"
    "    **(app.conf.broker_transport_options or {}), 'polling_interval': 0.05}\n"
    "app.worker_main(['worker', *sys.argv[1:]])\n"
)


def _worker(name: str, log: Path) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-c", WORKER, "-Q", "default",
         "--pool", "solo", "--concurrency", "1", "--loglevel", "WARNING",
         "--hostname", f"{name}@%h", "--without-gossip", "--without-mingle",
         "--without-heartbeat"],
        cwd=ROOT, env=dict(os.environ), stdout=log.open("ab"), stderr=subprocess.STDOUT,
        start_new_session=True,
    )


def _seed(items: int) -> None:
    """``items`` approved items, each scheduled on one sandbox account and due now.

    Written in bulk, as the calendar would leave them after ``publication_schedule``
    (that service is exercised by the test-suite; here the publishing path is measured).
    """
    from django.contrib.auth import get_user_model

    from campaigns.content.models import ContentItem, ContentKind, ContentStatus, ContentVariant
    from campaigns.planning.models import Campaign
    from campaigns.publishing.models import Publication
    from platforms.crypto import encrypt_credentials
    from platforms.models import (
        ConnectorKind,
        Platform,
        PlatformAccount,
        QualificationDocument,
        VerificationStatus,
    )
    from teams.models import Team

    today = timezone.localdate()
    team = Team.objects.create(name="Bench team", slug="bench")
    owner = get_user_model().objects.create_user(username="bench-marketer")
    campaign = Campaign.objects.create(
        team=team, owner=owner, name="Bench campaign", objective="awareness", budget=0,
        start_date=today, end_date=today + datetime.timedelta(days=30),
    )
    accounts = []
    for n, platform in enumerate(Platform.objects.order_by("sort_order")[:ACCOUNTS]):
        account = PlatformAccount.objects.create(
            team=team, platform=platform, handle=f"bench-{n}", connector=ConnectorKind.SANDBOX,
            verification_status=VerificationStatus.VERIFIED,
            enterprise_certificate_number="91310000MA1BENCH01",
            verified_on=today, certification_expires_on=today + datetime.timedelta(days=365),
            credentials_ciphertext=encrypt_credentials({"latency_ms": LATENCY_MS}),
        )
        for kind in platform.required_documents:
            QualificationDocument.objects.create(
                account=account, kind=kind, number=f"B-{n}-{kind[:6]}",
                expires_on=today + datetime.timedelta(days=365),
            )
        accounts.append(account)
    ContentItem.objects.bulk_create([
        ContentItem(
            campaign=campaign, team=team, owner=owner, kind=ContentKind.IMAGE_TEXT,
            title=f"Bench post {n}", body=f"Bench body {n}", status=ContentStatus.SCHEDULED,
        )
        for n in range(items)
    ])
    made = list(ContentItem.objects.filter(campaign=campaign).order_by("pk"))
    ContentVariant.objects.bulk_create([
        ContentVariant(item=item, account=accounts[n % len(accounts)])
        for n, item in enumerate(made)
    ])
    due = timezone.now() - datetime.timedelta(seconds=1)
    Publication.objects.bulk_create([
        Publication(team=team, item=item, account=accounts[n % len(accounts)], scheduled_at=due)
        for n, item in enumerate(made)
    ], batch_size=500)


def _counts() -> dict[str, int]:
    from campaigns.publishing.models import Publication

    return dict(Publication.objects.values_list("status").annotate(n=Count("pk")))


def _tally() -> dict[str, int]:
    from campaigns.publishing.models import Publication, PublicationStatus
    from platforms.models import SandboxPost

    keys_twice = (
        SandboxPost.objects.values("client_key").annotate(n=Count("pk")).filter(n__gt=1).count()
    )
    posted = set(SandboxPost.objects.values_list("client_key", flat=True))
    external = set(SandboxPost.objects.values_list("external_id", flat=True))
    missing = 0
    for key, status, external_id, kind in Publication.objects.values_list(
        "idempotency_key", "status", "external_id", "error_kind"
    ):
        key = str(key)
        if status == PublicationStatus.PUBLISHED:
            missing += external_id not in external  # reported published, not on the platform
        elif status == PublicationStatus.FAILED and kind:
            missing += key in posted  # on the platform, reported failed
        elif status != PublicationStatus.UNKNOWN:
            missing += 1  # neither published nor reported
    return {
        "duplicated": keys_twice,
        "missing": missing,
        "unknown": Publication.objects.filter(status=PublicationStatus.UNKNOWN).count(),
    }


def _round_trip_ms() -> float:
    from django.db.models import Avg, DurationField, ExpressionWrapper, F

    from campaigns.publishing.models import PublicationAttempt

    took = PublicationAttempt.objects.filter(finished_at__isnull=False).aggregate(
        avg=Avg(ExpressionWrapper(F("finished_at") - F("started_at"),
                                  output_field=DurationField()))
    )["avg"]
    return took.total_seconds() * 1000 if took else 0.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=1000)
    args = parser.parse_args()
    # A plain ``kill`` of this process still stops the workers it started (finally below).
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    broker = "redis" if os.environ.get("REDIS_URL") else "filesystem"

    from campaigns.publishing.tasks import publications_due_task, publications_reconcile_task
    from config.celery import app

    call_command("migrate", verbosity=0)
    _seed(args.items)
    if broker == "redis":
        app.control.purge()  # messages of an earlier run would name rows that do not exist
    print(f"seeded {args.items} due items on {ACCOUNTS} sandbox accounts; broker={broker}")

    log = TMP / "workers.log"
    workers = {name: _worker(name, log) for name in ("w1", "w2")}
    killed = restarted = False
    started = time.monotonic()
    next_beat = next_check = 0.0
    drained = None
    crashes = 0
    try:
        while True:
            now = time.monotonic()
            if now - started > TIMEOUT:
                print("timed out waiting for the calendar to settle")
                break
            for name, process in list(workers.items()):
                if process.poll() is None:
                    continue
                # Restarted as a supervisor would. The filesystem broker can hand a
                # worker a message file before its writer filled it, and the worker
                # exits; the lost message is listed again by the next beat.
                crashes += 1
                if crashes > MAX_CRASHES:
                    raise SystemExit(
                        "workers keep exiting; their log ends:\n"
                        + "\n".join(log.read_text(errors="replace").splitlines()[-15:])
                    )
                workers[name] = _worker(name, log)
            counts = _counts()
            if now >= next_beat and counts.get("scheduled"):
                publications_due_task()  # this process plays beat
                next_beat = now + BEAT_EVERY
            if not killed and counts.get("published", 0) >= args.items * KILL_AT:
                os.kill(workers["w1"].pid, signal.SIGKILL)
                workers["w1"].wait()
                killed = True
                print(f"SIGKILLed w1 at {counts.get('published', 0)} published, "
                      f"{counts.get('publishing', 0)} in flight")
                time.sleep(1.0)
                workers["w1"] = _worker("w1", log)
                restarted = True
            if now >= next_check and not counts.get("scheduled") and (
                counts.get("publishing") or counts.get("unknown")
            ):
                # What the killed worker left: asked read-only once its time limit passed.
                publications_reconcile_task()
                next_check = now + BEAT_EVERY
            if drained is None and not counts.get("scheduled"):
                drained = now - started
            if not any(counts.get(s) for s in ("scheduled", "publishing", "unknown")):
                break
            time.sleep(0.5)
        seconds = time.monotonic() - started
    finally:
        for process in workers.values():
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
        for process in workers.values():
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()

    if crashes:
        errors = [line for line in log.read_text(errors="replace").splitlines()
                  if line and not line.startswith((" ", "Traceback"))]
        print("why workers exited (last lines of their log): " + " | ".join(errors[-3:]))
    counts = _counts()
    tally = _tally()
    print(f"killed and restarted a worker: {killed and restarted}; "
          f"workers that exited on their own and were restarted: {crashes}")
    print("statuses: " + ", ".join(f"{k}={v}" for k, v in sorted(counts.items())))
    print(f"published more than once: {tally['duplicated']}")
    print(f"never published nor reported: {tally['missing']}")
    print(f"left unknown: {tally['unknown']}")
    print(f"{args.items / seconds:.1f} items/s over {seconds:.1f} s "
          f"(nothing left to send after {drained or seconds:.1f} s; the rest is the wait for "
          f"the killed worker's time limit and the read-only checks)")
    print(f"platform round trip per publish: {_round_trip_ms():.0f} ms on average")
    print(
        f"RESULT items={args.items} seconds={seconds:.1f} duplicated={tally['duplicated']} "
        f"missing={tally['missing']} unknown={tally['unknown']}"
    )


if __name__ == "__main__":
    main()

"""Two runs on one publication at the same time: only one calls the platform.

Two real processes, as two workers (or a duplicate delivery) would be, on one
database. On SQLite the test database is copied to a file opened with the
production settings (WAL, ``BEGIN IMMEDIATE``); on PostgreSQL both processes
connect to the test database itself, whose rows this transactional test has
committed. Each process runs ``publication_publish`` on the same row through
the sandbox connector with a slow round trip, and the database tells what
happened.
"""

import json
import os
import sqlite3
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import quote

import pytest
from django.db import connection

from campaigns.content.models import ContentStatus as C
from campaigns.publishing.models import PublicationStatus as P
from platforms.models import SandboxPost
from tests.conftest import restore_data_migrations

from .factories import approved_item, publication, steer_sandbox

pytestmark = pytest.mark.django_db(transaction=True)

ROOT = Path(__file__).resolve().parents[3]

WORKER = """
import json, os, sys, time
from pathlib import Path
from urllib.parse import quote
import django
django.setup()
from campaigns.publishing import services
folder = Path(sys.argv[2])
(folder / f"ready-{sys.argv[3]}").touch()
while not (folder / "go").exists():
    time.sleep(0.002)
delay = float(sys.argv[4])
if delay:
    time.sleep(delay)
print(json.dumps(services.publication_publish(publication_id=int(sys.argv[1]))))
"""


@pytest.fixture(autouse=True)
def platform_catalogue(transactional_db):
    """A transactional test before this one flushed the catalogue its data migration made."""
    restore_data_migrations()


def _shared_database_url(folder: Path) -> str:
    """Where both worker processes find the rows this test wrote."""
    connection.ensure_connection()
    if connection.vendor == "sqlite":
        target = folder / "shared.sqlite3"
        with sqlite3.connect(target) as copy:
            connection.connection.backup(copy)
        return f"sqlite:///{target}"
    db = connection.settings_dict
    credentials = db["USER"] + (f":{quote(db['PASSWORD'])}" if db["PASSWORD"] else "")
    return f"postgres://{credentials}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def _race(pub_id: int, folder: Path, delays: tuple[float, float]) -> list[str]:
    env = {
        **os.environ, "DJANGO_SETTINGS_MODULE": "config.settings", "EMBEDDED": "true",
        "VAR_DIR": str(folder / "var"), "DATABASE_URL": _shared_database_url(folder),
        "CELERY_TASK_ALWAYS_EAGER": "true",
    }
    workers = [
        subprocess.Popen(
            [sys.executable, "-c", WORKER, str(pub_id), str(folder), str(n), str(delay)],
            cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        )
        for n, delay in enumerate(delays)
    ]
    deadline = time.monotonic() + 120
    while not all((folder / f"ready-{n}").exists() for n in range(len(workers))):
        assert time.monotonic() < deadline, [w.communicate()[1] for w in workers]
        time.sleep(0.05)
    (folder / "go").touch()
    results = []
    for worker in workers:
        out, err = worker.communicate(timeout=120)
        assert worker.returncode == 0, err
        results.append(json.loads(out.strip().splitlines()[-1]))
    return results


def _outcome(folder: Path, pub) -> tuple[int, str, int]:
    if connection.vendor != "sqlite":
        pub.refresh_from_db()
        posts = SandboxPost.objects.filter(client_key=str(pub.idempotency_key)).count()
        return posts, pub.status, pub.attempts
    with sqlite3.connect(folder / "shared.sqlite3") as db:
        posts = db.execute(
            "SELECT COUNT(*) FROM platforms_sandboxpost WHERE client_key = ?",
            (str(pub.idempotency_key),),
        ).fetchone()[0]
        status, attempts = db.execute(
            "SELECT status, attempts FROM publishing_publication WHERE id = ?", (pub.pk,)
        ).fetchone()
    return posts, status, attempts


def test_two_workers_started_together_post_once(campaign, weibo, tmp_path):
    steer_sandbox(weibo, latency_ms=400)
    pub = publication(approved_item(campaign, [weibo], status=C.SCHEDULED), weibo)

    results = _race(pub.pk, tmp_path, (0.0, 0.0))

    assert sorted(results) == ["", P.PUBLISHED]
    assert _outcome(tmp_path, pub) == (1, P.PUBLISHED, 1)


def test_a_duplicate_arriving_while_the_first_waits_for_the_platform_does_not_post(
    campaign, weibo, tmp_path
):
    steer_sandbox(weibo, latency_ms=1500)
    pub = publication(approved_item(campaign, [weibo], status=C.SCHEDULED), weibo)

    results = _race(pub.pk, tmp_path, (0.0, 0.5))

    assert results == [P.PUBLISHED, ""]
    assert _outcome(tmp_path, pub) == (1, P.PUBLISHED, 1)

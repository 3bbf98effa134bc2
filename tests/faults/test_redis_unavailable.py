"""Redis goes away and comes back empty: pages still answer, /readyz says 503, work resumes.

A web process (the production request path, DEBUG off) and a Celery worker run
against a Redis of the test's own (cache, broker) and the database the test
wrote (see ``processes``). Redis is SIGKILLed, as a crash would end it, and
started again without its data, as a Redis without persistence comes back:

- while it is down, the login page and a logged-in page answer 200 (sessions
  live in the database, nothing on those pages needs the cache), and /readyz
  answers 503 naming the broker and the cache, not the database;
- a publication scheduled while it is down is published once it is back: beat
  lists it (its row is the queue's memory, not Redis);
- a publication whose message was sent before the crash and lost with Redis is
  published too, once the hard time limit since it was sent has passed
  (``CELERY_TASK_TIME_LIMIT``, set to seconds here).

The worker that ran through the outage is the one that publishes: it
reconnects by itself.
"""

from __future__ import annotations

import datetime
import json
import subprocess
import sys
import uuid
from collections import Counter

import pytest
from django.utils import timezone

from campaigns.content.models import ContentStatus
from tests.campaigns.planning.factories import CampaignFactory
from tests.campaigns.publishing.factories import approved_item, publication
from tests.conftest import restore_data_migrations
from tests.platforms.factories import qualified_account

from .processes import ROOT, Beat, RedisServer, SharedDatabase, Workers, process_env, wait_for

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.worker]

HARD_LIMIT, SOFT_LIMIT = 6, 5
PASSWORD = "tea-garden-2026"

# The web process: answers one command a line on stdin with one JSON line.
WEB = """
import datetime, json, sys
import django
from django.conf import settings
# Static URLs without collectstatic's manifest (a deployment step, not the subject here).
settings.STORAGES["staticfiles"] = {
    "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
}
django.setup()
from django.test import Client
from django.utils import timezone

def probe():
    visitor = Client(raise_request_exception=False, HTTP_ACCEPT_LANGUAGE="en")
    user = Client(raise_request_exception=False, HTTP_ACCEPT_LANGUAGE="en")
    login_page = visitor.get("/accounts/login/")
    login = user.post("/accounts/login/", {"username": sys.argv[1], "password": sys.argv[2]})
    campaigns = user.get("/campaigns/")
    # The list API with nothing in this process's own answer cache: the shared
    # cache (Redis) is asked first, and its absence must only cost time.
    from django.contrib.auth import get_user_model
    from rest_framework.authtoken.models import Token
    from teams.answers import answers
    answers.clear_local()
    key = Token.objects.get_or_create(user=get_user_model().objects.get(username=sys.argv[1]))[0]
    api = Client(raise_request_exception=False).get(
        "/api/v1/campaigns/", HTTP_AUTHORIZATION=f"Token {key.key}", HTTP_ACCEPT="application/json"
    )
    ready = visitor.get("/readyz")
    return {
        "login_page": login_page.status_code, "login": [login.status_code, login.get("Location")],
        "campaigns": [campaigns.status_code, "Spring launch" in campaigns.content.decode()],
        "api": [api.status_code, "Spring launch" in api.content.decode()],
        "readyz": [ready.status_code, json.loads(ready.content)],
    }

def schedule(item_id, seconds):
    from django.contrib.auth import get_user_model
    from campaigns.content.models import ContentItem
    from campaigns.publishing.services import publication_schedule
    actor = get_user_model().objects.get(username=sys.argv[1])
    item = ContentItem.objects.get(pk=item_id)
    at = timezone.now() + datetime.timedelta(seconds=seconds)
    return [p.pk for p in publication_schedule(actor=actor, item=item, at=at)]

for line in sys.stdin:
    command, *args = line.split()
    answer = probe() if command == "probe" else schedule(int(args[0]), float(args[1]))
    print(json.dumps(answer), flush=True)
"""


@pytest.fixture(autouse=True)
def platform_catalogue(transactional_db):
    """A transactional test before this one flushed the catalogue its data migration made."""
    restore_data_migrations()


class Web:
    def __init__(self, env: dict, username: str) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-c", WEB, username, PASSWORD], cwd=ROOT, env=env,
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
            start_new_session=True,
        )

    def ask(self, *command: object) -> object:
        self.process.stdin.write(" ".join(map(str, command)) + "\n")
        self.process.stdin.flush()
        line = self.process.stdout.readline()
        assert line, self.process.stderr.read()
        return json.loads(line)

    def stop(self) -> str:
        """Stop it; what it logged (errors of requests answered 500 among them)."""
        if self.process.poll() is None:
            self.process.kill()
        self.process.wait(timeout=10)
        return self.process.stderr.read()[-4000:]


def test_without_redis_pages_answer_readyz_fails_and_publishing_resumes_when_it_returns(
    team, users, tmp_path, settings
):
    # The web process checks passwords with the production hashers, not the tests' fast one.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.PBKDF2PasswordHasher"]
    marketer = users["marketer"]
    marketer.set_password(PASSWORD)
    marketer.save()
    campaign = CampaignFactory(team=team, owner=marketer, name="Spring launch")
    account = qualified_account(team, "weibo", handle="brand-weibo")
    later = approved_item(campaign, [account], title="Scheduled while Redis is down")
    sent = publication(
        approved_item(campaign, [account], title="Sent before the crash",
                      status=ContentStatus.SCHEDULED),
        account,
        # As ``publications_take_due`` leaves a row whose message it sent.
        queued_at=timezone.now() - datetime.timedelta(seconds=1),
    )
    db = SharedDatabase(tmp_path)
    redis = RedisServer(tmp_path)
    env = process_env(
        tmp_path, db, redis, ALLOWED_HOSTS="testserver",
        CELERY_TASK_TIME_LIMIT=str(HARD_LIMIT), CELERY_TASK_SOFT_TIME_LIMIT=str(SOFT_LIMIT),
    )
    workers = Workers(tmp_path, env)
    web = beat = None
    web_log = ""
    try:
        redis.start()
        web = Web(env, marketer.username)
        before = web.ask("probe")
        worker = workers.start("w1")

        redis.kill()
        during = web.ask("probe")
        (scheduled,) = web.ask("schedule", later.pk, 2)
        redis.start()  # on the same port, empty
        after = web.ask("probe")

        beat = Beat(redis)

        def published() -> bool:
            beat.send("campaigns.publishing.tasks.publications_due_task")
            return db.value(
                "SELECT COUNT(*) FROM publishing_publication WHERE status = 'published'"
            ) == 2

        wait_for(published, timeout=45, every=1.0, what="both publications to be published")
        worker_survived = worker.poll() is None
    finally:
        if web is not None:
            web_log = web.stop()
        workers.stop_all()
        if beat is not None:
            beat.close()
        redis.kill()

    assert before["readyz"][0] == 200
    status, body = during["readyz"]
    assert status == 503
    assert body["ready"] is False
    assert {name: check["ok"] for name, check in body["checks"].items()} == {
        "database": True, "broker": False, "cache": False,
    }
    assert after["readyz"] == [200, {"ready": True, "checks": {
        "database": {"ok": True}, "broker": {"ok": True}, "cache": {"ok": True},
    }}]
    assert worker_survived, workers.tail()
    rows = db.rows("SELECT id, status, idempotency_key, external_id FROM publishing_publication")
    assert {pk: status for pk, status, *_ in rows} == {
        sent.pk: "published", scheduled: "published",
    }
    posted = db.rows("SELECT client_key, external_id FROM platforms_sandboxpost")
    assert Counter(uuid.UUID(str(key)) for key, _ in posted) == Counter(
        uuid.UUID(str(key)) for *_, key, _external in rows
    )
    assert {external for _, external in posted} == {external for *_, external in rows}
    assert during["login_page"] == 200, web_log
    assert during["login"] == [302, "/"], web_log
    assert during["campaigns"] == [200, True], web_log
    assert before["api"] == during["api"] == after["api"] == [200, True], web_log

"""A Celery worker is SIGKILLed mid-task, then started again: nothing lost, nothing doubled.

Real worker processes (production settings) on a Redis of the test's own and on
the database the test wrote (see ``processes``); this test plays beat. A worker
is killed at a moment read from the database, not after a sleep:

- publishing: once the platform (the sandbox, which records every post and does
  not de-duplicate) holds the post of the publication in flight but the worker
  has not recorded the answer. The row stays ``publishing``; no message brings
  it back (the publish task is acked late, but a killed worker's message comes
  back only after the broker's visibility timeout, and then finds the row
  taken). After the hard time limit the read-only reconciliation finds the post
  by its client key: ``published``, with one post, and no second call.
- a metric file import: while the batch is ``running``. The batch goes silent;
  the sweeper sends it again once ``ANALYTICS_IMPORT_STALE_SECONDS`` passed, a
  restarted worker runs it, and it ends ``done`` with exactly the file's points
  (the merge of the points is one transaction, so the killed run wrote all of
  them or none, and a re-run upserts on the natural key).
"""

from __future__ import annotations

import datetime
import json
import time
import uuid
from collections import Counter

import pytest
from django.core.files.base import ContentFile

from campaigns.content.models import ContentStatus
from tests.analytics.ingest.files import csv_bytes
from tests.campaigns.planning.factories import CampaignFactory
from tests.campaigns.publishing.factories import approved_item, publication, steer_sandbox
from tests.conftest import restore_data_migrations
from tests.platforms.factories import qualified_account

from .processes import Beat, RedisServer, SharedDatabase, Workers, process_env, wait_for

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.worker]

# A publish takes LATENCY_MS at the sandbox: the post is made halfway, so the
# worker is killed within a window of LATENCY_MS / 2 after the post.
LATENCY_MS = 1600
PUBLICATIONS = 8
# Seconds: the hard limit is also how long a ``publishing`` row waits before it
# is reconciled (``selectors.stale_after``); short here instead of minutes.
HARD_LIMIT, SOFT_LIMIT = 6, 5
STALE_SECONDS = 2


@pytest.fixture(autouse=True)
def platform_catalogue(transactional_db):
    """A transactional test before this one flushed the catalogue its data migration made."""
    restore_data_migrations()


@pytest.fixture
def media_root(tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def redis(tmp_path):
    server = RedisServer(tmp_path)
    server.start()
    yield server
    server.kill()


def _key(value: object) -> uuid.UUID:
    return uuid.UUID(str(value))


def _publishing_counts(db: SharedDatabase) -> tuple[int, int, int]:
    """(published, publishing, posts on the platform)."""
    return db.rows(
        "SELECT (SELECT COUNT(*) FROM publishing_publication WHERE status = 'published'),"
        " (SELECT COUNT(*) FROM publishing_publication WHERE status = 'publishing'),"
        " (SELECT COUNT(*) FROM platforms_sandboxpost)"
    )[0]


def test_a_worker_killed_after_the_platform_posted_leaves_one_post_and_a_published_row(
    team, users, tmp_path, media_root, redis
):
    campaign = CampaignFactory(team=team, owner=users["marketer"], name="Spring launch")
    accounts = [qualified_account(team, code, handle=f"brand-{code}") for code in ("weibo", "douyin")]
    for account in accounts:
        steer_sandbox(account, latency_ms=LATENCY_MS)
    for n in range(PUBLICATIONS):
        account = accounts[n % 2]
        item = approved_item(campaign, [account], title=f"Spring tea {n}",
                             status=ContentStatus.SCHEDULED)
        publication(item, account)
    db = SharedDatabase(tmp_path)
    workers = Workers(tmp_path, process_env(
        tmp_path, db, redis, CELERY_TASK_TIME_LIMIT=str(HARD_LIMIT),
        CELERY_TASK_SOFT_TIME_LIMIT=str(SOFT_LIMIT),
    ))
    beat = Beat(redis)
    try:
        workers.start("w1")
        beat.send("campaigns.publishing.tasks.publications_due_task")

        def posted_but_not_recorded() -> bool:
            published, publishing, posts = _publishing_counts(db)
            return published >= 2 and publishing == 1 and posts == published + 1

        wait_for(posted_but_not_recorded, timeout=40, every=0.02,
                 what="a publication posted at the platform and not yet recorded")
        workers.kill("w1")
        at_kill = _publishing_counts(db)
        (in_flight,) = db.rows(
            "SELECT id FROM publishing_publication WHERE status = 'publishing'"
        )[0]
        workers.start("w1")  # as a supervisor restarts it
        workers.start("w2")

        def settled() -> bool:
            beat.send("campaigns.publishing.tasks.publications_due_task")
            beat.send("campaigns.publishing.tasks.publications_reconcile_task")
            return db.value(
                "SELECT COUNT(*) FROM publishing_publication"
                " WHERE status IN ('scheduled', 'publishing', 'unknown')"
            ) == 0

        wait_for(settled, timeout=45, every=1.0, what="every publication to settle")
    finally:
        workers.stop_all()
        beat.close()

    published, publishing, posts = at_kill
    assert (publishing, posts) == (1, published + 1), workers.tail()
    statuses = db.rows("SELECT status, COUNT(*) FROM publishing_publication GROUP BY status")
    assert dict(statuses) == {"published": PUBLICATIONS}
    posted = db.rows("SELECT client_key, external_id FROM platforms_sandboxpost")
    assert len(posted) == PUBLICATIONS
    rows = db.rows("SELECT id, idempotency_key, external_id, attempts FROM publishing_publication")
    # Exactly one post per publication, each the one its row links to, none called twice.
    assert Counter(_key(key) for key, _external in posted) == Counter(
        _key(key) for _id, key, _external, _attempts in rows
    )
    assert {(_key(key), external) for key, external in posted} == {
        (_key(key), external) for _id, key, external, _attempts in rows
    }
    assert {attempts for *_rest, attempts in rows} == {1}
    # The killed worker's publication was settled by asking the platform, not by posting.
    assert db.value(
        "SELECT COUNT(*) FROM teams_auditevent WHERE action = 'publication.reconciled.published'"
    ) == 1
    assert db.value(
        "SELECT outcome FROM publishing_publicationattempt WHERE publication_id = %s",
        (in_flight,),
    ) == "published"


# The export: one row per day of a month × account × content item, three metrics each.
ACCOUNTS, ITEMS, DAYS = 10, 100, 31
METRICS = ("阅读量", "点赞数", "销售额")


def _export(campaign, team) -> tuple[bytes, int]:
    from campaigns.content.models import ContentItem, ContentKind
    from tests.platforms.factories import PlatformAccountFactory, platform

    handles = [f"brand-weibo-{n}" for n in range(ACCOUNTS)]
    for handle in handles:
        PlatformAccountFactory(team=team, platform=platform("weibo"), handle=handle)
    ContentItem.objects.bulk_create([
        ContentItem(campaign=campaign, team=team, owner=campaign.owner,
                    kind=ContentKind.IMAGE_TEXT, title=f"Spring tea {n}", body="Tea.")
        for n in range(ITEMS)
    ])
    item_ids = list(ContentItem.objects.filter(campaign=campaign).values_list("pk", flat=True))
    first = datetime.date(2026, 3, 1)
    rows = [["日期", "平台", "账号", "内容", *METRICS]]
    for day in range(DAYS):
        date = (first + datetime.timedelta(days=day)).isoformat()
        for handle in handles:
            for item_id in item_ids:
                rows.append([date, "weibo", handle, item_id, day + 1, item_id % 7, "9.90"])
    return csv_bytes(rows), (len(rows) - 1) * len(METRICS)


def _batch(db: SharedDatabase, batch_id: int) -> dict:
    status, runs, rows_done = db.rows(
        "SELECT status, runs, rows_done FROM analytics_importbatch WHERE id = %s", (batch_id,)
    )[0]
    points = db.value("SELECT COUNT(*) FROM analytics_metricpoint WHERE batch_id = %s", (batch_id,))
    return {"status": status, "runs": runs, "rows_done": rows_done, "points": points}


def test_an_import_whose_worker_was_killed_is_run_again_and_ends_with_the_files_points(
    team, users, tmp_path, media_root, redis
):
    from analytics.services.imports import import_create

    campaign = CampaignFactory(team=team, owner=users["analyst"], name="Spring launch")
    data, points = _export(campaign, team)
    batch = import_create(
        actor=users["analyst"], campaign=campaign, file=ContentFile(data),
        original_name="export.csv", run=False,
    )
    db = SharedDatabase(tmp_path)
    workers = Workers(tmp_path, process_env(
        tmp_path, db, redis, ANALYTICS_IMPORT_STALE_SECONDS=str(STALE_SECONDS),
    ))
    beat = Beat(redis)
    try:
        workers.start("w1")
        beat.send("analytics.tasks.ingest.metrics_import_task", batch.pk, "en")
        wait_for(lambda: _batch(db, batch.pk)["rows_done"] > 0, timeout=40, every=0.02,
                 what="the import to report its first rows")
        workers.kill("w1")
        at_kill = _batch(db, batch.pk)
        workers.start("w1")  # as a supervisor restarts it
        # Nothing moves a silent batch but the sweeper, and only once it is stale.
        time.sleep(STALE_SECONDS + 1)
        assert _batch(db, batch.pk) == at_kill
        beat.send("analytics.tasks.ingest.imports_sweep_task")
        wait_for(lambda: _batch(db, batch.pk)["status"] in ("done", "failed", "rejected"),
                 timeout=45, every=0.2, what="the import to end")
    finally:
        workers.stop_all()
        beat.close()

    assert (at_kill["status"], at_kill["runs"], at_kill["points"]) == ("running", 1, 0), (
        workers.tail()
    )
    assert _batch(db, batch.pk) == {
        "status": "done", "runs": 2, "rows_done": ACCOUNTS * ITEMS * DAYS, "points": points,
    }, workers.tail()
    added, unchanged, errors = db.rows(
        "SELECT points_added, points_unchanged, errors FROM analytics_importbatch WHERE id = %s",
        (batch.pk,),
    )[0]
    assert (added, unchanged, json.loads(errors) if isinstance(errors, str) else errors) == (
        points, 0, [],
    )
    # Each natural key once: the re-run wrote no point twice.
    assert db.value(
        "SELECT COUNT(*) FROM (SELECT date, account_id, content_item_id, metric"
        " FROM analytics_metricpoint GROUP BY date, account_id, content_item_id, metric"
        " HAVING COUNT(*) > 1) AS twice"
    ) == 0

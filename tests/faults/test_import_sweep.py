"""The import sweeper: silent batches are sent again, hopeless ones fail, live ones are left alone.

Celery is eager here: a batch the sweeper sends again runs at once, as a worker
would run it. (A real worker killed mid-import: ``test_worker_killed``.)
"""

import datetime

import pytest
from django.utils import timezone, translation

from analytics.models import ImportBatch, ImportStatus, MetricPoint
from analytics.services import imports
from analytics.tasks.ingest import imports_sweep_task
from tests.analytics.ingest.files import csv_bytes, upload
from tests.campaigns.planning.factories import CampaignFactory
from tests.platforms.factories import PlatformAccountFactory, platform

pytestmark = pytest.mark.django_db

STALE = datetime.timedelta(seconds=60)
ROWS = [
    ["日期", "平台", "账号", "阅读量", "点赞数"],
    ["2026-03-01", "weibo", "brand-weibo", "1200", "34"],
    ["2026-03-02", "weibo", "brand-weibo", "1300", "35"],
]


@pytest.fixture(autouse=True)
def stale_after(settings):
    settings.ANALYTICS_IMPORT_STALE_SECONDS = int(STALE.total_seconds())


@pytest.fixture
def batch(team, users, media_root):
    campaign = CampaignFactory(team=team, owner=users["analyst"], name="Spring launch")
    PlatformAccountFactory(team=team, platform=platform("weibo"), handle="brand-weibo")
    return imports.import_create(
        actor=users["analyst"], campaign=campaign, file=upload(csv_bytes(ROWS)),
        original_name="export.csv", run=False,
    )


@pytest.fixture
def media_root(tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def _left(batch, *, status, runs, silent_for):
    ImportBatch.objects.filter(pk=batch.pk).update(
        status=status, runs=runs, heartbeat_at=timezone.now() - silent_for,
    )


def test_a_running_import_whose_worker_went_silent_is_run_again_to_the_files_points(
    batch, django_capture_on_commit_callbacks
):
    _left(batch, status=ImportStatus.RUNNING, runs=1, silent_for=STALE * 2)

    with django_capture_on_commit_callbacks(execute=True):
        assert imports_sweep_task() == {"requeued": [batch.pk], "failed": []}

    batch.refresh_from_db()
    assert (batch.status, batch.runs, batch.rows_done, batch.points_added) == (
        ImportStatus.DONE, 2, 2, 4,
    )
    assert MetricPoint.objects.filter(batch=batch).count() == 4


def test_a_rerun_after_the_points_were_written_adds_none_twice(
    batch, django_capture_on_commit_callbacks
):
    """The worker died after the merge committed and before the batch said so."""
    imports.import_run(batch=batch)
    _left(batch, status=ImportStatus.RUNNING, runs=1, silent_for=STALE * 2)

    with django_capture_on_commit_callbacks(execute=True):
        imports.imports_sweep()

    batch.refresh_from_db()
    assert (batch.status, batch.runs) == (ImportStatus.DONE, 2)
    assert (batch.points_added, batch.points_updated, batch.points_unchanged) == (0, 0, 4)
    assert MetricPoint.objects.count() == 4


def test_a_waiting_import_whose_message_was_lost_is_sent_again(
    batch, django_capture_on_commit_callbacks
):
    ImportBatch.objects.filter(pk=batch.pk).update(created_at=timezone.now() - STALE * 2)

    with django_capture_on_commit_callbacks(execute=True):
        assert imports.imports_sweep() == {"requeued": [batch.pk], "failed": []}

    batch.refresh_from_db()
    assert (batch.status, batch.runs, batch.points_added) == (ImportStatus.DONE, 1, 4)


@pytest.mark.parametrize("status", [ImportStatus.PENDING, ImportStatus.RUNNING])
def test_a_batch_heard_from_recently_is_left_alone(batch, status):
    _left(batch, status=status, runs=1, silent_for=STALE - datetime.timedelta(seconds=5))

    assert imports.imports_sweep() == {"requeued": [], "failed": []}

    batch.refresh_from_db()
    assert (batch.status, batch.runs) == (status, 1)
    assert MetricPoint.objects.count() == 0


@pytest.mark.parametrize("status", [ImportStatus.DONE, ImportStatus.REJECTED, ImportStatus.FAILED])
def test_a_finished_batch_is_never_touched(batch, status):
    _left(batch, status=status, runs=1, silent_for=STALE * 10)

    assert imports.imports_sweep() == {"requeued": [], "failed": []}

    batch.refresh_from_db()
    assert (batch.status, batch.runs) == (status, 1)


def test_a_file_that_stopped_its_worker_every_time_is_given_up(batch):
    """The reason is in the uploader's language, not the sweeper's."""
    _left(batch, status=ImportStatus.RUNNING, runs=imports.IMPORT_MAX_RUNS, silent_for=STALE * 2)
    ImportBatch.objects.filter(pk=batch.pk).update(language="en")
    message = (
        "The import stopped 3 times before it finished; check the file, then upload it again."
    )

    with translation.override("zh-hans"):
        assert imports.imports_sweep() == {"requeued": [], "failed": [batch.pk]}

    batch.refresh_from_db()
    assert (batch.status, batch.runs, batch.errors) == (
        ImportStatus.FAILED, imports.IMPORT_MAX_RUNS, [message],
    )
    assert batch.finished_at is not None
    assert MetricPoint.objects.count() == 0


def test_a_file_sent_again_reports_its_bad_rows_in_the_uploaders_language(
    team, users, media_root, django_capture_on_commit_callbacks
):
    campaign = CampaignFactory(team=team, owner=users["analyst"], name="Spring launch")
    PlatformAccountFactory(team=team, platform=platform("weibo"), handle="brand-weibo")
    rows = [*ROWS, ["2026-03-03", "weibo", "brand-weibo", "-5", "1"]]
    with translation.override("zh-hans"):
        batch = imports.import_create(
            actor=users["analyst"], campaign=campaign, file=upload(csv_bytes(rows)),
            original_name="export.csv", run=False,
        )
    assert batch.language == "zh-hans"
    _left(batch, status=ImportStatus.PENDING, runs=0, silent_for=STALE * 2)

    with translation.override("en"), django_capture_on_commit_callbacks(execute=True):
        assert imports.imports_sweep() == {"requeued": [batch.pk], "failed": []}

    batch.refresh_from_db()
    assert batch.status == ImportStatus.REJECTED
    assert batch.errors == ["第 4 行：“阅读量”列的值“-5”为负数"]
    assert MetricPoint.objects.count() == 0

import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from django.conf import settings

from config.celery import app
from teams.tasks import ping_task

ROOT = Path(__file__).resolve().parents[2]


def test_celery_is_configured_for_json_limits_queues_and_database_beat():
    assert app.conf.task_serializer == "json"
    assert app.conf.accept_content == ["json"]
    assert app.conf.task_soft_time_limit < app.conf.task_time_limit
    assert {q.name for q in app.conf.task_queues} == {"default", "sync"}
    assert app.conf.beat_scheduler == "config.beat:CodeSeededScheduler"
    assert "teams.tasks.ping_task" in app.tasks


def test_beat_schedule_entries_name_registered_tasks():
    app.loader.import_default_modules()
    for name, entry in settings.CELERY_BEAT_SCHEDULE.items():
        assert entry["task"] in app.tasks, f"{name} schedules unknown task {entry['task']}"


def _queue_of(task_name: str) -> str:
    route = app.amqp.router.route({}, task_name)
    return route["queue"].name


@pytest.mark.parametrize(("task_name", "queue"), [
    ("platforms.tasks.account_metrics_sync_task", "sync"),
    ("campaigns.engagement.tasks.interactions_sync_task", "sync"),
    ("compliance.risk.tasks.opinion_spike_check_task", "default"),
    ("teams.tasks.ping_task", "default"),
])
def test_slow_syncs_are_routed_to_the_sync_queue(task_name, queue):
    assert _queue_of(task_name) == queue


def test_every_registered_sync_task_lands_on_the_sync_queue():
    app.loader.import_default_modules()
    ours = [name for name in app.tasks if not name.startswith("celery.")]
    for name in ours:
        expected = "sync" if name.endswith("_sync_task") else "default"
        assert _queue_of(name) == expected, name


@pytest.mark.django_db
def test_beat_seeds_only_the_schedules_an_admin_has_not_stored(monkeypatch):
    """Beat hands django-celery-beat only the declared entries with no stored row.

    (The scheduler itself is not started here: it manages its own database
    connection, which a test transaction cannot share.)
    """
    from django_celery_beat.models import CrontabSchedule, PeriodicTask
    from django_celery_beat.schedulers import DatabaseScheduler

    from config.beat import CodeSeededScheduler

    retimed = CrontabSchedule.objects.create(minute="45", hour="6")
    PeriodicTask.objects.create(
        name="campaigns-follow-dates", task="campaigns.planning.tasks.campaigns_follow_dates_task",
        crontab=retimed, enabled=False,
    )
    handed_over = {}
    monkeypatch.setattr(
        DatabaseScheduler, "update_from_dict",
        lambda self, mapping: handed_over.update(mapping),
    )

    CodeSeededScheduler.update_from_dict(object.__new__(CodeSeededScheduler),
                                         settings.CELERY_BEAT_SCHEDULE)

    assert "campaigns-follow-dates" not in handed_over
    assert set(handed_over) == set(settings.CELERY_BEAT_SCHEDULE) - {"campaigns-follow-dates"}
    stored = PeriodicTask.objects.get(name="campaigns-follow-dates")
    assert (stored.crontab.minute, stored.crontab.hour, stored.enabled) == ("45", "6", False)


@pytest.fixture
def real_broker():
    eager = app.conf.task_always_eager
    app.conf.task_always_eager = False
    yield
    app.conf.task_always_eager = eager


@pytest.mark.worker
@pytest.mark.skipif(not os.environ.get("REDIS_URL"), reason="REDIS_URL not set: no Redis to run a worker against")
def test_a_real_worker_process_executes_a_task(real_broker):
    """Not eager: the task crosses Redis to a separate worker process and back."""
    queue = f"test-{uuid.uuid4().hex[:8]}"
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings"}
    worker = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "config", "worker", "-Q", queue,
         "--pool", "solo", "--concurrency", "1", "--loglevel", "WARNING",
         "--hostname", f"{queue}@%h", "--without-gossip", "--without-mingle", "--without-heartbeat"],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
    )
    try:
        token = uuid.uuid4().hex
        result = ping_task.apply_async(args=[token], queue=queue)
        answer = result.get(timeout=60)
    finally:
        worker.terminate()
        output = worker.communicate(timeout=30)[0].decode(errors="replace")

    assert answer["token"] == token, output
    assert answer["worker"]

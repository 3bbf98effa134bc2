"""Celery tasks of risk control: beat fans out one task per row; each task is thin and idempotent."""

import datetime

import pytest
from django.utils import timezone

from compliance.risk.models import Drill, Incident
from compliance.risk.tasks import (
    drill_reminder_task,
    drill_reminders_task,
    opinion_spike_check_all_task,
    opinion_spike_check_task,
)
from teams.models import Task

NOW = timezone.now()


def _negatives(n=6):
    return [{"occurred_at": NOW - datetime.timedelta(minutes=3, seconds=i), "score": 0.05,
             "label": "negative", "source": "weibo", "external_id": f"n{i}"} for i in range(n)]


@pytest.fixture
def sent(monkeypatch):
    """What a beat task enqueued, per task name, instead of running it."""
    calls: dict[str, list] = {}

    def capture(task):
        def apply_async(args=(), kwargs=None):
            calls.setdefault(task.name, []).append(tuple(args))

        monkeypatch.setattr(task, "apply_async", apply_async)

    return calls, capture


def test_spike_check_all_enqueues_one_check_per_team(team, other_team, sent):
    calls, capture = sent
    capture(opinion_spike_check_task)
    assert opinion_spike_check_all_task.delay().get() == 2
    assert calls == {opinion_spike_check_task.name: [(team.pk,), (other_team.pk,)]}
    assert not Incident.objects.exists()


def test_spike_check_task_opens_one_incident_however_often_it_runs(team):
    from compliance.risk.services import opinion_signals_record

    opinion_signals_record(actor=None, team=team, items=_negatives())
    first = opinion_spike_check_task.delay(team.pk).get()
    again = opinion_spike_check_task.delay(team.pk).get()
    assert first == again == Incident.objects.get(team=team).pk


def test_spike_check_task_for_a_missing_team_logs_and_returns(db, caplog):
    assert opinion_spike_check_task.delay(999_999).get() is None
    assert "team 999999 is gone" in caplog.text


def _drill(team, users, **kwargs):
    defaults = {"title": "封号演练", "owner": users["reviewer"], "next_due": timezone.localdate()}
    return Drill.objects.create(team=team, **{**defaults, **kwargs})


def test_drill_reminders_enqueue_one_task_per_due_unreminded_drill(team, users, sent):
    calls, capture = sent
    capture(drill_reminder_task)
    today = timezone.localdate()
    due = _drill(team, users)
    overdue = _drill(team, users, next_due=today - datetime.timedelta(days=3))
    _drill(team, users, next_due=today + datetime.timedelta(days=1))       # not yet due
    _drill(team, users, is_active=False)                                    # switched off
    _drill(team, users, last_reminded_for=today)                            # already reminded
    assert drill_reminders_task.delay().get() == 2
    assert calls == {drill_reminder_task.name: [(due.pk,), (overdue.pk,)]}


def test_drill_reminder_task_creates_the_task_once(team, users):
    drill = _drill(team, users)
    task_id = drill_reminder_task.delay(drill.pk).get()
    task = Task.objects.get(pk=task_id)
    assert task.owner == users["reviewer"]
    assert task.dedup_key == (
        f"drill-reminder:{drill.pk}:{drill.next_due.isoformat()}:{users['reviewer'].pk}")
    assert drill_reminder_task.delay(drill.pk).get() is None
    # Even when the drill's bookkeeping is lost, the key keeps the reminder single.
    Drill.objects.filter(pk=drill.pk).update(last_reminded_for=None)
    assert drill_reminder_task.delay(drill.pk).get() == task_id
    assert Task.objects.filter(title__contains="封号演练").count() == 1


def test_drill_reminder_task_reminds_again_for_the_next_due_date(team, users):
    drill = _drill(team, users, next_due=timezone.localdate() - datetime.timedelta(days=90))
    first = drill_reminder_task.delay(drill.pk).get()
    Drill.objects.filter(pk=drill.pk).update(next_due=timezone.localdate())
    second = drill_reminder_task.delay(drill.pk).get()
    assert first != second
    assert Task.objects.filter(title__contains="封号演练").count() == 2


def test_drill_reminder_task_for_a_missing_drill_logs_and_returns(db, caplog):
    assert drill_reminder_task.delay(999_999).get() is None
    assert "drill 999999 is gone" in caplog.text


"""Beat seeds code-declared schedules and leaves stored ones to admins."""

import pytest
from django_celery_beat.models import IntervalSchedule, PeriodicTask

from config.beat import missing_entries

pytestmark = pytest.mark.django_db


def test_only_entries_without_a_stored_task_are_missing():
    every_hour = IntervalSchedule.objects.create(every=1, period=IntervalSchedule.HOURS)
    PeriodicTask.objects.create(name="kept", task="teams.tasks.ping_task", interval=every_hour)
    declared = {"kept": {"task": "x"}, "new": {"task": "y"}}

    assert missing_entries(declared) == {"new": {"task": "y"}}

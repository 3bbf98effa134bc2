"""Celery tasks of teams: thin doors into its services.

Beat tasks list ids and enqueue one small task per id (per task, per series,
per meeting, per person), so one slow item holds up nobody else and each
piece of work gets its own time limit and retry. Every task is idempotent:
reminders and notifications carry de-duplication keys, occurrences are
unique per series and start, and a digest goes out at most once a day.
"""

import datetime
import logging
import socket

from celery import shared_task
from django.contrib.auth import get_user_model
from django.utils import timezone

from .jobs import fan_out
from .models import Meeting, MeetingSeries, MeetingStatus, Task
from .selectors import meetings as meeting_selectors
from .selectors import notifications as notification_selectors
from .selectors import tasks as task_selectors
from .services import meetings as meeting_services
from .services import notifications as notification_services
from .services import tasks as task_services

logger = logging.getLogger(__name__)


@shared_task(ignore_result=False)
def ping_task(token: str) -> dict:
    """Echo a token: how operators and CI prove a worker consumes the queue."""
    return {"token": token, "worker": socket.gethostname()}


@shared_task
def task_reminders_task() -> int:
    """Beat (daily): one reminder task per open task due today or late; returns how many."""
    today = timezone.localdate()
    ids = task_selectors.task_ids_to_remind(today)
    # Beat runs outside any transaction: nothing to wait for before sending.
    return fan_out(task_remind_task, ids, today.isoformat())


@shared_task(acks_late=True)
def task_remind_task(task_id: int, day: str) -> bool:
    """Remind one task's owner for ``day``; a rerun on the same day notifies nobody again."""
    task = Task.objects.select_related("owner", "team").filter(pk=task_id).first()
    if task is None:
        logger.warning("task_remind_task: task %s is gone", task_id)
        return False
    return task_services.task_remind(task=task, today=datetime.date.fromisoformat(day))


@shared_task
def meetings_prepare_task() -> dict:
    """Beat (hourly): schedule coming occurrences per series, then write due agendas."""
    series = fan_out(meeting_series_schedule_task, meeting_selectors.series_ids_active())
    agendas = fan_out(
        meeting_agenda_task, meeting_selectors.meeting_ids_needing_agenda(timezone.now())
    )
    return {"series": series, "agendas": agendas}


@shared_task(acks_late=True)
def meeting_series_schedule_task(series_id: int) -> int:
    """Create one series' coming occurrences; returns how many were new."""
    series = MeetingSeries.objects.select_related("team", "organiser").filter(pk=series_id).first()
    if series is None:
        logger.warning("meeting_series_schedule_task: series %s is gone", series_id)
        return 0
    return len(meeting_services.meetings_schedule(series=series, now=timezone.now()))


@shared_task(acks_late=True)
def meeting_agenda_task(meeting_id: int) -> int:
    """Write one meeting's agenda from live data; returns the number of lines.

    A meeting that got its agenda meanwhile (or is no longer scheduled) is left alone.
    """
    meeting = Meeting.objects.select_related("team", "series").filter(pk=meeting_id).first()
    if meeting is None:
        logger.warning("meeting_agenda_task: meeting %s is gone", meeting_id)
        return 0
    if meeting.status != MeetingStatus.SCHEDULED or meeting.agenda_written_at is not None:
        return 0
    return len(meeting_services.meeting_agenda_write(meeting=meeting))


@shared_task
def notification_digests_task() -> int:
    """Beat (daily): one digest task per person who may have one due."""
    today = timezone.localdate()
    ids = notification_selectors.digest_user_ids(today)
    # Beat runs outside any transaction: nothing to wait for before sending.
    return fan_out(notification_digest_task, ids, today.isoformat())


@shared_task(acks_late=True)
def notification_digest_task(user_id: int, day: str) -> int:
    """E-mail one person's digest for ``day`` (at most one a day, whatever the retries)."""
    user = get_user_model().objects.filter(pk=user_id).first()
    if user is None:
        logger.warning("notification_digest_task: user %s is gone", user_id)
        return 0
    return notification_services.notification_digest_send(
        user=user, today=datetime.date.fromisoformat(day)
    )

"""The beat jobs of teams fan out per item and can run twice without doubling anything."""

import datetime

import pytest
from django.utils import timezone

from teams.models import Meeting, MeetingKind, Notification, NotificationKind
from teams.roles import Role
from teams.services import meetings as meeting_services
from teams.services import task_create
from teams.tasks import meetings_prepare_task, task_reminders_task
from tests.teams.conftest import at

pytestmark = pytest.mark.django_db
DAY = datetime.timedelta(days=1)


def test_reminders_fan_out_one_per_task_and_a_rerun_adds_none(users, team, today):
    marketer = users[Role.MARKETER]
    for n in range(3):
        task_create(team=team, owner=marketer, title=f"late {n}", due_date=today - DAY,
                    created_by=marketer)

    assert task_reminders_task() == 3
    task_reminders_task()

    assert Notification.objects.filter(kind=NotificationKind.TASK_OVERDUE).count() == 3


def test_meetings_prepare_schedules_and_writes_agendas_due_within_a_day(
    users, team, today, disconnected
):
    soon = timezone.now() + datetime.timedelta(hours=3)
    series = meeting_services.meeting_series_create(
        actor=users[Role.MANAGER], team=team, kind=MeetingKind.WEEKLY, title="Weekly",
        rrule="FREQ=WEEKLY", first_starts_at=soon.replace(microsecond=0),
        participants=[users[Role.MARKETER]],
    )
    Meeting.objects.filter(series=series).delete()

    first = meetings_prepare_task()
    second = meetings_prepare_task()

    meetings = list(series.meetings.order_by("starts_at"))
    assert (first["series"], first["agendas"]) == (1, 1)
    assert second["agendas"] == 0
    assert len(meetings) == 5
    assert meetings[0].agenda_written_at is not None
    assert all(m.agenda_written_at is None for m in meetings[1:])


def test_a_cancelled_meeting_gets_no_agenda(users, team, today, disconnected):
    meeting = meeting_services.meeting_create(
        actor=users[Role.MANAGER], team=team, title="One-off",
        starts_at=at(today + DAY), participants=[users[Role.MANAGER]],
    )
    meeting_services.meeting_cancel(actor=users[Role.MANAGER], meeting=meeting)

    from teams.tasks import meeting_agenda_task

    assert meeting_agenda_task(meeting.pk) == 0
    meeting.refresh_from_db()
    assert meeting.agenda_written_at is None

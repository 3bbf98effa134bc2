"""Tasks as features and people use them: priorities, the board's moves, assignment,
comments and daily reminders, each notifying the right person once."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import translation

from teams.models import BoardColumn, Notification, NotificationKind, TaskPriority, TaskStatus
from teams.roles import Role
from teams.services import task_create
from teams.services import tasks as task_services

pytestmark = pytest.mark.django_db
DAY = datetime.timedelta(days=1)


def test_a_task_made_for_someone_notifies_them_once_per_occasion(users, team):
    marketer = users[Role.MARKETER]

    first = task_create(team=team, owner=marketer, title="Review copy", dedup_key="review:1",
                        priority=TaskPriority.HIGH)
    again = task_create(team=team, owner=marketer, title="Review copy", dedup_key="review:1")

    assert first.pk == again.pk
    assert first.priority == TaskPriority.HIGH
    notes = Notification.objects.filter(recipient=marketer)
    assert [(n.kind, n.target_id) for n in notes] == [(NotificationKind.ASSIGNMENT, str(first.pk))]
    with translation.override("en"):
        assert notes.get().message == "New task for you: Review copy"


def test_an_approval_task_notifies_as_an_approval(users, team):
    task = task_create(team=team, owner=users[Role.MANAGER], title="Approve plan",
                       notification=NotificationKind.APPROVAL)

    note = Notification.objects.get(recipient=users[Role.MANAGER])
    assert (note.kind, note.url) == (NotificationKind.APPROVAL, f"/team/tasks/{task.pk}/")


def test_nobody_is_notified_of_a_task_they_gave_themselves(users, team, today):
    marketer = users[Role.MARKETER]

    task_services.task_add(actor=marketer, team=team, owner=marketer, title="Mine", due_date=today)

    assert not Notification.objects.exists()


@pytest.mark.parametrize(("language", "message"), [
    ("en", "A new task cannot be due in the past."),
    ("zh-hans", "新任务的截止日期不能是过去。"),
])
def test_a_new_task_due_in_the_past_is_refused_in_the_readers_language(
    users, team, today, language, message
):
    with translation.override(language), pytest.raises(ValidationError) as excinfo:
        task_services.task_add(actor=users[Role.MANAGER], team=team, owner=users[Role.MARKETER],
                               title="Late", due_date=today - DAY)

    assert excinfo.value.message_dict == {"due_date": [message]}


def test_only_roles_with_task_assign_give_tasks_to_others(users, team, today):
    reviewer, marketer = users[Role.REVIEWER], users[Role.MARKETER]

    with pytest.raises(PermissionDenied):
        task_services.task_add(actor=reviewer, team=team, owner=marketer, title="For you")
    own = task_services.task_add(actor=reviewer, team=team, owner=reviewer, title="For me")
    given = task_services.task_add(actor=marketer, team=team, owner=reviewer, title="For you")

    assert (own.owner, given.owner) == (reviewer, reviewer)


def test_a_task_cannot_go_to_someone_outside_the_team(users, team, outsider):
    with pytest.raises(ValidationError) as excinfo:
        task_services.task_add(actor=users[Role.MANAGER], team=team, owner=outsider, title="X")

    assert list(excinfo.value.message_dict) == ["owner"]


def test_in_progress_keeps_a_task_open_so_features_still_close_it(users, team):
    marketer = users[Role.MARKETER]
    task = task_create(team=team, owner=marketer, title="Draft")

    task_services.task_move(actor=marketer, task=task, column=BoardColumn.DOING)

    task.refresh_from_db()
    assert (task.status, task.column) == (TaskStatus.OPEN, BoardColumn.DOING)
    assert task.started_at is not None
    task_services.task_move(actor=marketer, task=task, column=BoardColumn.DONE)
    task.refresh_from_db()
    assert (task.status, task.column) == (TaskStatus.DONE, BoardColumn.DONE)
    task_services.task_move(actor=marketer, task=task, column=BoardColumn.TODO)
    task.refresh_from_db()
    assert (task.status, task.started_at, task.completed_at) == (TaskStatus.OPEN, None, None)


def test_only_the_owner_or_a_manager_moves_a_task(users, team):
    task = task_create(team=team, owner=users[Role.MARKETER], title="Draft")

    with pytest.raises(PermissionDenied):
        task_services.task_move(actor=users[Role.ANALYST], task=task, column=BoardColumn.DONE)
    task_services.task_move(actor=users[Role.MANAGER], task=task, column=BoardColumn.DONE)

    task.refresh_from_db()
    assert task.status == TaskStatus.DONE


def test_handing_a_task_over_notifies_the_new_owner(users, team):
    task = task_create(team=team, owner=users[Role.MARKETER], title="Shoot video",
                       created_by=users[Role.MANAGER])

    task_services.task_assign(actor=users[Role.MANAGER], task=task, owner=users[Role.ANALYST])

    task.refresh_from_db()
    assert task.owner == users[Role.ANALYST]
    assert Notification.objects.filter(recipient=users[Role.ANALYST],
                                       kind=NotificationKind.ASSIGNMENT).count() == 1
    with pytest.raises(PermissionDenied):
        task_services.task_assign(actor=users[Role.REVIEWER], task=task,
                                  owner=users[Role.REVIEWER])


def test_a_comment_reaches_the_owner_but_their_own_does_not(users, team):
    marketer = users[Role.MARKETER]
    task = task_create(team=team, owner=marketer, title="Shoot video", created_by=marketer)

    task_services.task_comment_add(actor=users[Role.ANALYST], task=task, body="Need the brief?")
    task_services.task_comment_add(actor=marketer, task=task, body="Got it")

    assert [c.body for c in task.comments.all()] == ["Need the brief?", "Got it"]
    notes = Notification.objects.filter(recipient=marketer, kind=NotificationKind.COMMENT)
    with translation.override("en"):
        assert [n.message for n in notes] == ["analyst commented on “Shoot video”"]
    with pytest.raises(ValidationError):
        task_services.task_comment_add(actor=marketer, task=task, body="   ")


def test_an_outsider_cannot_comment(users, team, outsider):
    task = task_create(team=team, owner=users[Role.MARKETER], title="Internal")

    with pytest.raises(PermissionDenied):
        task_services.task_comment_add(actor=outsider, task=task, body="hi")


def test_reminders_come_once_per_task_per_day(users, team, today):
    marketer = users[Role.MARKETER]
    late = task_create(team=team, owner=marketer, title="Late", due_date=today - 2 * DAY,
                       created_by=marketer)
    due = task_create(team=team, owner=marketer, title="Due", due_date=today, created_by=marketer)
    later = task_create(team=team, owner=marketer, title="Later", due_date=today + DAY,
                        created_by=marketer)
    done = task_create(team=team, owner=marketer, title="Done", due_date=today - DAY,
                       created_by=marketer)
    task_services.task_move(actor=marketer, task=done, column=BoardColumn.DONE)

    for _run in range(2):
        for task in (late, due, later, done):
            task_services.task_remind(task=task, today=today)
    task_services.task_remind(task=late, today=today + DAY)

    kinds = sorted(
        (n.kind, n.target_id) for n in Notification.objects.filter(recipient=marketer)
    )
    assert kinds == sorted([
        (NotificationKind.TASK_OVERDUE, str(late.pk)),
        (NotificationKind.TASK_OVERDUE, str(late.pk)),
        (NotificationKind.TASK_DUE, str(due.pk)),
    ])

"""Tasks: created by features and people, moved on the board, assigned, discussed, reminded."""

from __future__ import annotations

import datetime
from typing import cast

from django.contrib.auth.models import User
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, models, transaction
from django.utils import timezone
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from ..models import (
    BoardColumn,
    Membership,
    NotificationKind,
    Skill,
    Task,
    TaskComment,
    TaskPriority,
    TaskStatus,
    Team,
)
from ..selectors import user_can
from .audit import audit_record
from .notifications import notify


def task_create(
    *,
    team: Team,
    owner: User,
    title: str,
    due_date: datetime.date | None = None,
    description: str = "",
    source: models.Model | None = None,
    created_by: User | None = None,
    dedup_key: str = "",
    priority: str = TaskPriority.NORMAL,
    skill: str = "",
    notification: str = NotificationKind.ASSIGNMENT,
) -> Task:
    """Create a task for ``owner``; the one way features hand work to a person.

    Idempotent per ``dedup_key``: a task already created under the same key, in
    whatever state, is returned instead of a second one, also when two runs race
    (the key is unique in the database). Jobs and services that create tasks for
    an occasion name it in the key; tasks without a key are never merged.

    The owner is notified (``notification`` names the kind, e.g. ``approval``
    for a decision waiting on them) unless they created the task themselves.
    """
    if not title.strip():
        raise ValidationError({"title": _("A task needs a title.")})
    if priority not in TaskPriority.values:
        raise ValidationError({"priority": _("Unknown priority.")})
    if skill and skill not in Skill.values:
        raise ValidationError({"skill": _("Unknown skill.")})
    # Titles are often built from other records' names; they must fit the column.
    title = Truncator(title.strip()).chars(cast(int, Task._meta.get_field("title").max_length))
    dedup_key = dedup_key.strip()
    if len(dedup_key) > cast(int, Task._meta.get_field("dedup_key").max_length):
        raise ValueError(f"task de-duplication key too long: {dedup_key!r}")
    source_type = ContentType.objects.get_for_model(source) if source is not None else None
    source_id = str(source.pk) if source is not None else ""
    with transaction.atomic():
        if dedup_key:
            existing = Task.objects.filter(dedup_key=dedup_key).first()
            if existing is not None:
                return existing
        try:
            with transaction.atomic():
                task = Task.objects.create(
                    team=team, owner=owner, title=title, due_date=due_date,
                    description=description, source_type=source_type, source_id=source_id,
                    created_by=created_by, dedup_key=dedup_key, priority=priority, skill=skill,
                )
        except IntegrityError:
            if not dedup_key:
                raise
            return Task.objects.get(dedup_key=dedup_key)  # a concurrent run won the race
        audit_record(
            actor=created_by, action="task.create", target=task, team=team,
            summary=gettext_noop("Task “%(title)s” assigned to %(owner)s"),
            data={"title": title, "owner": owner.get_username()},
        )
        if created_by is None or created_by.pk != owner.pk:
            _notify_assigned(task, owner, kind=notification)
    return task


def _notify_assigned(task: Task, owner: User, *, kind: str) -> None:
    if kind == NotificationKind.APPROVAL:
        message = gettext_noop("Waiting for your approval: %(title)s")
    else:
        message = gettext_noop("New task for you: %(title)s")
    due = task.due_date.isoformat() if task.due_date else ""
    notify(
        user=owner, kind=kind, message=message, params={"title": task.title, "due": due},
        target=task, team=task.team, dedup_key=f"task-assigned:{task.pk}:{owner.pk}",
    )


def _may_work_on(actor: User, task: Task) -> bool:
    return task.owner_id == actor.pk or user_can(actor, task.team_id, "team.manage")


def task_set_status(*, actor: User, task: Task, status: str) -> Task:
    """Mark a task done, cancelled or open again; owners and team leads may."""
    if status not in TaskStatus.values:
        raise ValidationError({"status": _("Unknown status.")})
    if not _may_work_on(actor, task):
        raise PermissionDenied(_("Only the owner or a manager may change this task."))
    with transaction.atomic():
        task.status = status
        task.completed_at = timezone.now() if status == TaskStatus.DONE else None
        task.save(update_fields=["status", "completed_at"])
        audit_record(
            actor=actor, action="task.status", target=task, team=task.team,
            summary=gettext_noop("Task marked %(status)s"), data={"status": status},
        )
    return task


def task_move(*, actor: User, task: Task, column: str) -> Task:
    """Move a task to a board column; owners and team leads may.

    "To do" and "in progress" both keep the task open (only ``started_at``
    tells them apart), so features that close their open tasks still do.
    """
    if column not in BoardColumn.values:
        raise ValidationError({"column": _("Unknown board column.")})
    if not _may_work_on(actor, task):
        raise PermissionDenied(_("Only the owner or a manager may move this task."))
    if task.status == TaskStatus.CANCELLED:
        raise ValidationError({"column": _("A cancelled task stays off the board.")})
    if task.column == column:
        return task
    now = timezone.now()
    with transaction.atomic():
        if column == BoardColumn.DONE:
            task.status, task.completed_at = TaskStatus.DONE, now
        else:
            task.status, task.completed_at = TaskStatus.OPEN, None
            task.started_at = (task.started_at or now) if column == BoardColumn.DOING else None
        task.save(update_fields=["status", "completed_at", "started_at"])
        audit_record(
            actor=actor, action="task.move", target=task, team=task.team,
            summary=gettext_noop("Task moved to %(column)s"),
            data={"column": column},
        )
    return task


def _member_of(team: Team | int, user: User, field: str) -> None:
    team_id = team if isinstance(team, int) else team.pk
    if not Membership.objects.filter(team_id=team_id, user_id=user.pk).exists():
        raise ValidationError({field: _("%(user)s is not a member of this team.") % {
            "user": user.get_username()}})


def task_add(
    *,
    actor: User,
    team: Team,
    owner: User,
    title: str,
    due_date: datetime.date | None = None,
    priority: str = TaskPriority.NORMAL,
    skill: str = "",
    description: str = "",
) -> Task:
    """A person creates a task: for themselves as a member, for others with ``task.assign``.

    A new task may not be due in the past, and its owner must belong to the team.
    """
    if not user_can(actor, team, "view"):
        raise PermissionDenied(_("You are not a member of this team."))
    if owner.pk != actor.pk and not user_can(actor, team, "task.assign"):
        raise PermissionDenied(_("Your role may not assign tasks to others."))
    if due_date is not None and due_date < timezone.localdate():
        raise ValidationError({"due_date": _("A new task cannot be due in the past.")})
    _member_of(team, owner, "owner")
    return task_create(
        team=team, owner=owner, title=title, due_date=due_date, description=description,
        priority=priority, skill=skill, created_by=actor,
    )


def task_assign(*, actor: User, task: Task, owner: User) -> Task:
    """Hand a task to another member of its team (``task.assign``); they are notified."""
    if not user_can(actor, task.team_id, "task.assign"):
        raise PermissionDenied(_("Your role may not assign tasks to others."))
    _member_of(task.team_id, owner, "owner")
    if owner.pk == task.owner_id:
        return task
    with transaction.atomic():
        previous = task.owner.get_username()
        task.owner = owner
        task.save(update_fields=["owner"])
        audit_record(
            actor=actor, action="task.assign", target=task, team=task.team,
            summary=gettext_noop("Task handed from %(from)s to %(to)s"),
            data={"from": previous, "to": owner.get_username()},
        )
        if owner.pk != actor.pk:
            _notify_assigned(task, owner, kind=NotificationKind.ASSIGNMENT)
    return task


def task_set_priority(*, actor: User, task: Task, priority: str) -> Task:
    """Change a task's priority: its owner, or whoever may assign tasks."""
    if priority not in TaskPriority.values:
        raise ValidationError({"priority": _("Unknown priority.")})
    if task.owner_id != actor.pk and not user_can(actor, task.team_id, "task.assign"):
        raise PermissionDenied(_("Only the owner or whoever assigns tasks may change this."))
    with transaction.atomic():
        task.priority = priority
        task.save(update_fields=["priority"])
        audit_record(
            actor=actor, action="task.priority", target=task, team=task.team,
            summary=gettext_noop("Priority set to %(priority)s"), data={"priority": priority},
        )
    return task


def task_comment_add(*, actor: User, task: Task, body: str) -> TaskComment:
    """Any member of the task's team may comment; the owner hears of others' comments."""
    body = (body or "").strip()
    if not body:
        raise ValidationError({"body": _("Write a comment first.")})
    if len(body) > 5000:
        raise ValidationError({"body": _("A comment may have at most 5000 characters.")})
    if not user_can(actor, task.team_id, "view"):
        raise PermissionDenied(_("You are not a member of this team."))
    with transaction.atomic():
        comment = TaskComment.objects.create(task=task, author=actor, body=body)
        if task.owner_id != actor.pk:
            notify(
                user=task.owner, kind=NotificationKind.COMMENT,
                message=gettext_noop("%(author)s commented on “%(title)s”"),
                params={"author": actor.get_username(), "title": task.title},
                target=task, team=task.team, dedup_key=f"task-comment:{comment.pk}",
            )
    return comment


def task_remind(*, task: Task, today: datetime.date) -> bool:
    """Remind the owner of an open task due today or late; once per task per day.

    Returns whether a reminder applies (the notification itself is
    de-duplicated on the task and the day, so a retried job adds none).
    """
    if task.status != TaskStatus.OPEN or task.due_date is None or task.due_date > today:
        return False
    if task.due_date == today:
        kind, message = NotificationKind.TASK_DUE, gettext_noop("Due today: %(title)s")
    else:
        kind = NotificationKind.TASK_OVERDUE
        message = gettext_noop("Overdue since %(due)s: %(title)s")
    notify(
        user=task.owner, kind=kind, message=message,
        params={"title": task.title, "due": task.due_date.isoformat()},
        target=task, team=task.team, dedup_key=f"{kind}:{task.pk}:{today.isoformat()}",
    )
    return True

"""Write side of teams: the audit helper every service calls, and tasks."""

import datetime

from django.contrib.auth.models import AbstractBaseUser
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, models, transaction
from django.utils import timezone
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from .models import AuditEvent, Membership, Task, TaskStatus, Team
from .roles import Role
from .selectors import user_can


def audit_record(
    *,
    actor: AbstractBaseUser | None,
    action: str,
    summary: str,
    target: models.Model | None = None,
    team: Team | None = None,
    reason: str = "",
    data: dict | None = None,
) -> AuditEvent:
    """Record who did what, when and why, in the caller's transaction.

    ``summary`` is an untranslated message id (mark it with ``gettext_noop``)
    that may use ``%(name)s`` placeholders filled from ``data``; it is
    translated when shown, so each reader sees it in their own language.
    """
    if team is None and target is not None:
        team = getattr(target, "team", None)
    return AuditEvent.objects.create(
        actor=actor if actor is not None and actor.is_authenticated else None,
        team=team,
        action=action,
        summary=summary,
        reason=reason,
        target_type=ContentType.objects.get_for_model(target) if target is not None else None,
        target_id=str(target.pk) if target is not None else "",
        data=data or {},
    )


def membership_set(*, actor: AbstractBaseUser | None, team: Team, user: AbstractBaseUser, role: str) -> Membership:
    """Give ``user`` ``role`` in ``team`` and the role's Django group."""
    from django.contrib.auth.models import Group

    if role not in Role.values:
        raise ValidationError({"role": _("Unknown role.")})
    if actor is not None and not user_can(actor, team, "team.manage"):
        raise PermissionDenied(_("Only managers and administrators may change roles."))
    with transaction.atomic():
        membership, _created = Membership.objects.update_or_create(
            user=user, team=team, defaults={"role": role}
        )
        group, _group_created = Group.objects.get_or_create(name=role)
        user.groups.add(group)
        audit_record(
            actor=actor, action="team.membership", team=team, target=membership,
            summary=gettext_noop("%(user)s now acts as %(role)s"),
            data={"user": user.get_username(), "role": role},
        )
    return membership


def task_create(
    *,
    team: Team,
    owner: AbstractBaseUser,
    title: str,
    due_date: datetime.date | None = None,
    description: str = "",
    source: models.Model | None = None,
    created_by: AbstractBaseUser | None = None,
    dedup_key: str = "",
) -> Task:
    """Create a task for ``owner``; the one way features hand work to a person.

    Idempotent per ``dedup_key``: a task already created under the same key, in
    whatever state, is returned instead of a second one, also when two runs race
    (the key is unique in the database). Jobs and services that create tasks for
    an occasion name it in the key; tasks without a key are never merged.
    """
    if not title.strip():
        raise ValidationError({"title": _("A task needs a title.")})
    # Titles are often built from other records' names; they must fit the column.
    title = Truncator(title.strip()).chars(Task._meta.get_field("title").max_length)
    dedup_key = dedup_key.strip()
    if len(dedup_key) > Task._meta.get_field("dedup_key").max_length:
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
                    created_by=created_by, dedup_key=dedup_key,
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
    return task


def task_set_status(*, actor: AbstractBaseUser, task: Task, status: str) -> Task:
    """Mark a task done, cancelled or open again; owners and team leads may."""
    if status not in TaskStatus.values:
        raise ValidationError({"status": _("Unknown status.")})
    if task.owner_id != actor.pk and not user_can(actor, task.team_id, "team.manage"):
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

"""Training (S3.3.3): plans, sessions with invitations, attendance, re-assessment."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import Any

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from ..models import (
    Membership,
    NotificationKind,
    Skill,
    Team,
    TrainingAttendance,
    TrainingFormat,
    TrainingPlan,
    TrainingSession,
    TrainingTopic,
)
from ..selectors import user_can
from .audit import audit_record
from .notifications import notify
from .skills import assessment_record, clean_level


def _require_manage(actor: User, team: Team | int) -> None:
    if not user_can(actor, team, "team.manage"):
        raise PermissionDenied(_("Only managers and administrators may plan training."))


def training_plan_create(
    *,
    actor: User,
    team: Team,
    title: str,
    topic: str,
    format: str,  # noqa: A002 - the spec's word for how training is given
    skill: str,
    starts_on: datetime.date,
    ends_on: datetime.date,
    content: str = "",
) -> TrainingPlan:
    """Plan training on a topic and skill, with its content, time and format (S3.3.3)."""
    _require_manage(actor, team)
    errors: dict[str, str] = {}
    if not (title or "").strip():
        errors["title"] = _("A training plan needs a title.")
    if topic not in TrainingTopic.values:
        errors["topic"] = _("Unknown topic.")
    if format not in TrainingFormat.values:
        errors["format"] = _("Unknown format.")
    if skill not in Skill.values:
        errors["skill"] = _("Unknown skill.")
    if starts_on and ends_on and ends_on < starts_on:
        errors["ends_on"] = _("A plan cannot end before it starts.")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        plan = TrainingPlan.objects.create(
            team=team, title=title.strip()[:200], topic=topic, format=format, skill=skill,
            content=content, starts_on=starts_on, ends_on=ends_on, created_by=actor,
        )
        audit_record(
            actor=actor, action="training.plan", target=plan, team=team,
            summary=gettext_noop("Training plan “%(title)s” created"),
            data={"title": plan.title},
        )
    return plan


def training_session_add(
    *,
    actor: User,
    plan: TrainingPlan,
    title: str,
    starts_at: datetime.datetime,
    ends_at: datetime.datetime,
    invitees: Iterable[Membership] = (),
    trainer: User | None = None,
    location: str = "",
) -> TrainingSession:
    """Add a session inside the plan's dates and invite members; they are notified."""
    _require_manage(actor, plan.team_id)
    zone = plan.team.zone
    errors: dict[str, str] = {}
    if not (title or "").strip():
        errors["title"] = _("A session needs a title.")
    if ends_at <= starts_at:
        errors["ends_at"] = _("A session must end after it starts.")
    first = timezone.localtime(starts_at, zone).date()
    last = timezone.localtime(ends_at, zone).date()
    if first < plan.starts_on or last > plan.ends_on:
        errors["starts_at"] = _(
            "The session must take place within its plan's dates (%(from)s – %(to)s)."
        ) % {"from": plan.starts_on.isoformat(), "to": plan.ends_on.isoformat()}
    people = list(invitees)
    if any(m.team_id != plan.team_id for m in people):
        errors["invitees"] = _("Only members of the plan's team can be invited.")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        session = TrainingSession.objects.create(
            plan=plan, title=title.strip()[:200], starts_at=starts_at, ends_at=ends_at,
            location=location[:200], trainer=trainer,
        )
        _invite(session, people)
        audit_record(
            actor=actor, action="training.session", target=plan, team=plan.team,
            summary=gettext_noop("Training session “%(title)s” scheduled"),
            data={"title": session.title},
        )
    return session


def _invite(session: TrainingSession, people: list[Membership]) -> None:
    TrainingAttendance.objects.bulk_create(
        [TrainingAttendance(session=session, membership=m) for m in people],
        ignore_conflicts=True,
    )
    when = timezone.localtime(session.starts_at, session.plan.team.zone)
    for membership in people:
        notify(
            user=membership.user, kind=NotificationKind.TRAINING,
            message=gettext_noop("Training “%(title)s” on %(when)s"),
            params={"title": session.title, "when": when.strftime("%Y-%m-%d %H:%M")},
            target=session, team=session.plan.team,
            dedup_key=f"training-invite:{session.pk}:{membership.user_id}",
        )


def training_invite(
    *, actor: User, session: TrainingSession, invitees: Iterable[Membership]
) -> None:
    """Invite more members to a session (those already invited stay as they are)."""
    _require_manage(actor, session.plan.team_id)
    people = list(invitees)
    if any(m.team_id != session.plan.team_id for m in people):
        raise ValidationError({"invitees": _("Only members of the plan's team can be invited.")})
    with transaction.atomic():
        _invite(session, people)


def attendance_record(
    *,
    actor: User,
    attendance: TrainingAttendance,
    attended: bool,
    score: Any = None,
    level: Any = None,
) -> TrainingAttendance:
    """Record whether a member came, their assessment score (0–100) and, when given,
    their re-assessed level in the plan's skill, which becomes their current level.

    Managers and the session's trainer may.
    """
    session = attendance.session
    plan = session.plan
    if session.trainer_id != actor.pk and not user_can(actor, plan.team_id, "team.manage"):
        raise PermissionDenied(_("Only the trainer or a manager may record attendance."))
    if session.starts_at > timezone.now():
        raise ValidationError({"attended": _("Attendance is recorded after the session starts.")})
    if score in ("", None):
        score = None
    else:
        try:
            score = int(score)
        except (TypeError, ValueError):
            score = -1
        if not 0 <= score <= 100:
            raise ValidationError({"score": _("A score is a whole number from 0 to 100.")})
    level = None if level in ("", None) else clean_level(level)
    if not attended and (score is not None or level is not None):
        raise ValidationError({"attended": _(
            "Only someone who attended can have a score or a new level."
        )})
    with transaction.atomic():
        attendance.attended, attendance.score = attended, score
        attendance.assessed_level = level
        attendance.recorded_by, attendance.recorded_at = actor, timezone.now()
        attendance.save(update_fields=[
            "attended", "score", "assessed_level", "recorded_by", "recorded_at",
        ])
        if level is not None:
            assessment_record(
                assessed_by=actor, membership=attendance.membership, skill=plan.skill,
                level=level, session=session,
                note=_("Re-assessed after “%(session)s”") % {"session": session.title},
            )
    return attendance

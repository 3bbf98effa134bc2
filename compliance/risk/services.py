"""Write side of risk: opinion signals, spike alerts, incidents, plans, drills (S3.2)."""

from __future__ import annotations

import datetime
from typing import NamedTuple, cast

from django.conf import settings
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, Q
from django.utils import timezone, translation
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop, pgettext

from compliance.privacy.models import RetentionAction
from teams.jobs import enqueue_on_commit
from teams.models import Membership, Task, TaskStatus, Team
from teams.roles import Role
from teams.selectors import user_can
from teams.services import audit_record, task_create, task_set_status

from . import tasks
from .models import (
    OPEN_STATUSES,
    Drill,
    DrillRun,
    EmergencyPlan,
    EmergencyPlanStep,
    Incident,
    IncidentSeverity,
    IncidentStatus,
    IncidentStep,
    IncidentType,
    IncidentUpdate,
    OpinionAlertRule,
    OpinionSignal,
    SentimentLabel,
    UpdateKind,
)
from .opinion import SpikeThresholds, default_thresholds, evaluate_spike
from .sentiment import label_for_score, score_sentiment
from .transitions import INCIDENT_MACHINE

SPIKE_KEY_PREFIX = "opinion:"
MAX_STEP_HOURS = 24 * 365
MAX_DRILL_INTERVAL_DAYS = 3650
# The longest text each input holds (its column, or a bound on a free text);
# longer input is refused with the limit, never cut.
TEXT_LIMITS = {
    "title": 200,
    "name": 200,
    "source": 120,
    "platform_code": 40,
    "external_id": 120,
    "message": 5000,
    "note": 5000,
    "description": 5000,
    "log": 20000,
    "lessons_learned": 20000,
    "participants": 300,
    "statement_title": 200,
    "statement_body": 5000,
}


def _too_long(value: object, limit: int) -> str:
    """The "too long" message for ``value``, or "" when it fits."""
    if isinstance(value, str) and len(value.strip()) > limit:
        return _("Keep this to %(max)s characters (it has %(count)s).") % {
            "max": limit, "count": len(value.strip()),
        }
    return ""


def _length_errors(**values: object) -> dict[str, str]:
    """A field error for each text longer than its ``TEXT_LIMITS`` entry."""
    errors = {}
    for name, value in values.items():
        problem = _too_long(value, TEXT_LIMITS[name])
        if problem:
            errors[name] = problem
    return errors


def _require(actor: User | None, team: Team, capability: str) -> None:
    """``actor=None`` is the system (beat tasks, detection); people need the capability."""
    if actor is not None and not user_can(actor, team, capability):
        raise PermissionDenied(_("You may not do this in this team."))


def _team_member(team: Team, *roles: str) -> User | None:
    """First member of ``team`` holding one of ``roles`` (in that order of preference)."""
    memberships = {
        m.role: m.user
        for m in Membership.objects.filter(team=team, role__in=roles, user__is_active=True)
        .select_related("user").order_by("-id")
    }
    for role in roles:
        if role in memberships:
            return memberships[role]
    return None


# --- opinion signals and spike detection (S3.2.1) ---------------------------

def thresholds_for(team: Team) -> SpikeThresholds | None:
    """The team's rule, else the settings defaults; None when the team's rule is off."""
    rule = OpinionAlertRule.objects.filter(team=team).first()
    if rule is None:
        return default_thresholds()
    if not rule.is_active:
        return None
    return SpikeThresholds(
        window_minutes=rule.window_minutes, baseline_hours=rule.baseline_hours,
        min_negative_count=rule.min_negative_count,
        min_negative_share=rule.min_negative_share,
        baseline_multiplier=rule.baseline_multiplier,
    )


def _clean_signal(item: dict, index: int) -> dict:
    errors = {}
    occurred = item.get("occurred_at") or item.get("timestamp")
    if isinstance(occurred, str):
        occurred = parse_datetime(occurred)
    if not isinstance(occurred, datetime.datetime):
        errors[f"items[{index}].occurred_at"] = _("A date and time is required.")
    elif timezone.is_naive(occurred):
        occurred = timezone.make_aware(occurred)
    score = item.get("score")
    text = item.get("text")
    if score is None and isinstance(text, str) and text.strip():
        score = score_sentiment([text])[0].score
    if isinstance(score, bool) or not isinstance(score, int | float) or not 0 <= score <= 1:
        errors[f"items[{index}].score"] = _("A score between 0 and 1 (or a text) is required.")
    # Without errors so far the score is a number between 0 and 1 (checked above).
    label = item.get("label") or (label_for_score(cast(float, score)) if not errors else "")
    if label and label not in SentimentLabel.values:
        errors[f"items[{index}].label"] = _("Unknown label.")
    texts = {
        "source": str(item.get("source") or "").strip(),
        "platform_code": str(item.get("platform_code") or item.get("platform") or "").strip(),
        "external_id": str(item.get("external_id") or "").strip(),
    }
    errors.update({
        f"items[{index}].{name}": problem
        for name, problem in _length_errors(**texts).items()
    })
    if errors:
        raise ValidationError(errors)
    return {
        "occurred_at": occurred, "score": float(cast(float, score)), "label": label, **texts,
        # An excerpt by design: the start of the text, to recognise the signal by.
        "excerpt": str(text or "")[:200],
    }


def opinion_signals_record(
    *, actor: User | None, team: Team, items: list[dict],
) -> list[OpinionSignal]:
    """Store scored interactions; one with an already-seen external id is skipped."""
    _require(actor, team, "incident.manage")
    cleaned = [_clean_signal(item, i) for i, item in enumerate(items)]
    with transaction.atomic():
        seen = set(
            OpinionSignal.objects.filter(
                team=team,
                external_id__in=[c["external_id"] for c in cleaned if c["external_id"]],
            ).values_list("source", "external_id")
        )
        new = []
        for c in cleaned:
            key = (c["source"], c["external_id"])
            if c["external_id"] and key in seen:
                continue
            seen.add(key)
            new.append(OpinionSignal(team=team, **c))
        OpinionSignal.objects.bulk_create(new)
    return new


def opinion_spike_check(
    *, team: Team, now: datetime.datetime | None = None,
) -> Incident | None:
    """Open (or update) the team's opinion incident when negatives spike.

    Idempotent: while an incident opened by detection is still open, a
    continuing spike adds a timeline update to it instead of a new incident.
    """
    thresholds = thresholds_for(team)
    if thresholds is None:
        return None
    now = now or timezone.now()
    window_start = now - datetime.timedelta(minutes=thresholds.window_minutes)
    baseline_start = window_start - datetime.timedelta(hours=thresholds.baseline_hours)
    negative = Q(label=SentimentLabel.NEGATIVE)
    counts = OpinionSignal.objects.filter(
        team=team, occurred_at__gte=baseline_start, occurred_at__lte=now,
    ).aggregate(
        total=Count("id", filter=Q(occurred_at__gte=window_start)),
        negative=Count("id", filter=Q(occurred_at__gte=window_start) & negative),
        base_total=Count("id", filter=Q(occurred_at__lt=window_start)),
        base_negative=Count("id", filter=Q(occurred_at__lt=window_start) & negative),
    )
    verdict = evaluate_spike(
        negative=counts["negative"], total=counts["total"],
        baseline_negative=counts["base_negative"], baseline_total=counts["base_total"],
        thresholds=thresholds,
    )
    if not verdict.is_spike:
        return None
    details = {**verdict.as_dict(), "window_start": window_start.isoformat(),
               "window_end": now.isoformat()}
    sources = list(
        OpinionSignal.objects.filter(team=team, occurred_at__gte=window_start, label="negative")
        .values("source", "platform_code").annotate(n=Count("id")).order_by("-n")[:1]
    )
    top = sources[0] if sources else {"source": "", "platform_code": ""}
    message = gettext_noop(
        "Negative spike: %(negative)s of %(total)s interactions negative (%(share)s%%) "
        "in the last %(minutes)s minutes; baseline %(baseline)s%%."
    )
    data = {
        "negative": verdict.negative_count, "total": verdict.total_count,
        "share": round(verdict.share * 100), "minutes": thresholds.window_minutes,
        "baseline": round(verdict.baseline_share * 100),
    }
    with transaction.atomic():
        existing = (
            Incident.objects.select_for_update()
            .filter(team=team, spike_key__startswith=SPIKE_KEY_PREFIX, status__in=OPEN_STATUSES)
            .first()
        )
        if existing is not None:
            latest = existing.details.get("latest") or existing.details
            # Only a changed picture is news: repeated checks of the same window stay quiet.
            if (latest.get("negative_count"), latest.get("total_count")) != (
                verdict.negative_count, verdict.total_count,
            ):
                existing.details = {**existing.details, "latest": details}
                existing.save(update_fields=["details"])
                IncidentUpdate.objects.create(
                    incident=existing, kind=UpdateKind.SYSTEM, summary=message, params=data,
                )
            return existing
    rule = OpinionAlertRule.objects.filter(team=team).first()
    # The title is stored text like a hand-written one: in the site's language, not in
    # whichever language the request or task that noticed the spike happened to run.
    with translation.override(settings.LANGUAGE_CODE):
        title = _("Negative opinion spike (%(share)s%% negative)") % data
    try:
        return incident_open(
            actor=None, team=team, incident_type=IncidentType.NEGATIVE_PUBLICITY,
            title=title,
            severity=rule.severity if rule else IncidentSeverity.HIGH,
            source=top["source"], platform_code=top["platform_code"],
            spike_key=f"{SPIKE_KEY_PREFIX}{now:%Y%m%dT%H%M}", details=details,
            first_update=(message, data),
        )
    except IntegrityError:  # a concurrent check opened it first
        return Incident.objects.filter(team=team, spike_key__startswith=SPIKE_KEY_PREFIX,
                                       status__in=OPEN_STATUSES).first()


class OpinionIngested(NamedTuple):
    signals: list[OpinionSignal]
    spike_check_queued: bool


def opinion_ingest(
    *, actor: User | None, team: Team, items: list[dict],
) -> OpinionIngested:
    """Record scored interactions and queue the team's spike check.

    The check reads a week of signals, so it runs as ``opinion_spike_check_task``
    after the signals are committed, never inside the caller's request. Nothing
    new recorded (every item already seen), nothing queued.
    """
    signals = opinion_signals_record(actor=actor, team=team, items=items)
    if signals:
        enqueue_on_commit(tasks.opinion_spike_check_task, team.pk)
    return OpinionIngested(signals=signals, spike_check_queued=bool(signals))


# --- incidents (S3.2.3) -------------------------------------------------------

def _step_owner(step: EmergencyPlanStep, team: Team, fallback):
    if step.owner_id:
        return step.owner
    if step.owner_role:
        found = _team_member(team, step.owner_role)
        if found is not None:
            return found
    return fallback


def incident_open(
    *,
    actor: User | None,
    team: Team,
    incident_type: str,
    title: str,
    severity: str = IncidentSeverity.MEDIUM,
    source: str = "",
    platform_code: str = "",
    owner: User | None = None,
    spike_key: str = "",
    details: dict | None = None,
    first_update: tuple[str, dict] | None = None,
) -> Incident:
    """Open an incident and instantiate its plan's checklist as steps and tasks."""
    _require(actor, team, "incident.manage")
    errors = {}
    if incident_type not in IncidentType.values:
        errors["incident_type"] = _("Unknown incident type.")
    if severity not in IncidentSeverity.values:
        errors["severity"] = _("Unknown severity.")
    if not (title or "").strip():
        errors["title"] = _("A title is required.")
    errors.update(_length_errors(title=title, source=source, platform_code=platform_code))
    if errors:
        raise ValidationError(errors)
    plan = (
        EmergencyPlan.objects.filter(team=team, incident_type=incident_type)
        .prefetch_related("steps").first()
    )
    owner = owner or actor or _team_member(team, Role.MANAGER, Role.ADMIN, Role.REVIEWER)
    now = timezone.now()
    with transaction.atomic():
        incident = Incident.objects.create(
            team=team, title=title.strip(), incident_type=incident_type,
            severity=severity, source=source.strip(), platform_code=platform_code.strip(),
            owner=owner,
            plan=plan, spike_key=spike_key, details=details or {}, created_by=actor,
        )
        # Stored untranslated (msgid + params), shown in each reader's language.
        summary, params = first_update or (gettext_noop("Incident opened."), {})
        IncidentUpdate.objects.create(
            incident=incident, author=actor, kind=UpdateKind.SYSTEM,
            summary=summary, params=params,
        )
        for step in plan.steps.all() if plan else []:
            step_owner = _step_owner(step, team, owner)
            due_at = now + datetime.timedelta(hours=step.due_offset_hours)
            task = None
            if step_owner is not None:
                task = task_create(
                    team=team, owner=step_owner, title=f"[{incident.pk}] {step.title}"[:200],
                    due_date=timezone.localdate(due_at), source=incident, created_by=actor,
                    description=incident.title,
                    dedup_key=f"incident-step:{incident.pk}:{step.pk}",
                )
            IncidentStep.objects.create(
                incident=incident, order=step.order, title=step.title, owner=step_owner,
                due_at=due_at, task=task,
            )
        audit_record(
            actor=actor, action="incident.open", target=incident, team=team,
            summary=gettext_noop("Incident “%(title)s” opened"),
            data={"title": incident.title, "type": incident_type, "plan": plan.pk if plan else None},
        )
    return incident


def incident_add_update(
    *, actor: User, incident: Incident, message: str,
) -> IncidentUpdate:
    """Add a written note to the incident's timeline (at most 5,000 characters)."""
    _require(actor, incident.team, "incident.manage")
    if not (message or "").strip():
        raise ValidationError({"message": _("Write what happened.")})
    errors = _length_errors(message=message)
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        update = IncidentUpdate.objects.create(
            incident=incident, author=actor, kind=UpdateKind.NOTE, message=message.strip(),
        )
        audit_record(
            actor=actor, action="incident.update", target=incident,
            summary=gettext_noop("Update added to the incident"),
        )
    return update


def incident_set_status(
    *, actor: User, incident: Incident, status: str, note: str = "",
) -> Incident:
    """Move an incident along ``INCIDENT_MACHINE``; illegal moves change nothing.

    Closing needs every checklist step done, or a written reason, which the
    audit row keeps together with the number of steps left open.
    """
    _require(actor, incident.team, "incident.manage")
    note = (note or "").strip()
    errors = _length_errors(note=note)
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        # Locked and read afresh, so two people moving it at once cannot both pass.
        current = Incident.objects.select_for_update().get(pk=incident.pk)
        INCIDENT_MACHINE.check(actor=actor, team=incident.team_id, source=current.status,
                               target=status)
        open_steps = current.steps.filter(done_at__isnull=True).count()
        if status == IncidentStatus.CLOSED and open_steps and not note:
            raise ValidationError({"note": _(
                "Checklist steps still open: %(count)s. Finish them, or write why the "
                "incident closes anyway."
            ) % {"count": open_steps}})
        previous = current.status
        incident.status = status
        incident.resolved_at = (
            timezone.now() if status in (IncidentStatus.RESOLVED, IncidentStatus.CLOSED) else None
        )
        incident.save(update_fields=["status", "resolved_at"])
        IncidentUpdate.objects.create(
            incident=incident, author=actor, kind=UpdateKind.STATUS,
            summary=gettext_noop("Status: %(from)s → %(to)s"),
            params={"from": previous, "to": status}, message=note,
        )
        data: dict[str, object] = {"from": previous, "to": status}
        if status == IncidentStatus.CLOSED:
            data["open_steps"] = open_steps
        audit_record(
            actor=actor, action="incident.status", target=incident, reason=note,
            summary=gettext_noop("Moved from %(from)s to %(to)s"), data=data,
        )
    return incident


def incident_step_set_done(
    *, actor: User, step: IncidentStep, done: bool,
) -> IncidentStep:
    """Tick or untick a checklist step; its task follows when the actor may change it."""
    incident = step.incident
    _require(actor, incident.team, "incident.manage")
    if step.is_done == done:
        return step
    with transaction.atomic():
        step.done_at = timezone.now() if done else None
        step.done_by = actor if done else None
        step.save(update_fields=["done_at", "done_by"])
        IncidentUpdate.objects.create(
            incident=incident, author=actor, kind=UpdateKind.STEP,
            summary=(gettext_noop("Step done: %(title)s") if done
                     else gettext_noop("Step reopened: %(title)s")),
            params={"title": step.title},
        )
        if step.task_id:
            task = Task.objects.get(pk=step.task_id)
            wanted = TaskStatus.DONE if done else TaskStatus.OPEN
            if task.status != wanted and (
                task.owner_id == actor.pk or user_can(actor, incident.team, "team.manage")
            ):
                task_set_status(actor=actor, task=task, status=wanted)
        audit_record(
            actor=actor, action="incident.step", target=incident,
            summary=gettext_noop("Step “%(title)s” marked %(state)s"),
            data={"title": step.title, "state": "done" if done else "open"},
        )
    return step


# --- emergency plans (S3.2.3) -------------------------------------------------

def _clean_statements(statements) -> list[dict]:
    if statements in (None, ""):
        return []
    if not isinstance(statements, list) or not all(
        isinstance(s, dict) and isinstance(s.get("body"), str) and s["body"].strip()
        for s in statements
    ):
        raise ValidationError(
            {"holding_statements": _("A list of statements, each with a non-empty body.")}
        )
    for n, statement in enumerate(statements, start=1):
        problem = (_too_long(str(statement.get("title", "")), TEXT_LIMITS["statement_title"])
                   or _too_long(statement["body"], TEXT_LIMITS["statement_body"]))
        if problem:
            raise ValidationError({"holding_statements": _("Statement %(n)s: %(problem)s") % {
                "n": n, "problem": problem}})
    return [{"title": str(s.get("title", "")).strip(), "body": s["body"].strip()}
            for s in statements]


def _clean_steps(steps) -> list[dict]:
    if not isinstance(steps, list):
        raise ValidationError({"steps": _("A list of steps is required.")})
    if not steps:
        raise ValidationError({"steps": _("Add at least one step.")})
    cleaned = []
    for i, step in enumerate(steps):
        if not isinstance(step, dict) or not str(step.get("title", "")).strip():
            raise ValidationError({"steps": _("Step %(n)s needs a title.") % {"n": i + 1}})
        problem = _too_long(str(step["title"]), TEXT_LIMITS["title"])
        if problem:
            raise ValidationError({"steps": _("Step %(n)s: %(problem)s") % {
                "n": i + 1, "problem": problem}})
        role = step.get("owner_role") or ""
        if role and role not in Role.values:
            raise ValidationError({"steps": _(
                "Step %(n)s: unknown role “%(role)s”; use one of %(roles)s."
            ) % {"n": i + 1, "role": role,
                 "roles": pgettext("list separator", ", ").join(str(r.label) for r in Role)}})
        hours = step.get("due_offset_hours", 24)
        if (isinstance(hours, bool) or not isinstance(hours, int)
                or not 0 <= hours <= MAX_STEP_HOURS):
            raise ValidationError({"steps": _(
                "Step %(n)s: hours must be a whole number from 0 to %(max)s."
            ) % {"n": i + 1, "max": MAX_STEP_HOURS}})
        cleaned.append({"title": str(step["title"]).strip(), "owner_role": role,
                        "due_offset_hours": hours, "order": i + 1})
    return cleaned


def emergency_plan_save(
    *,
    actor: User | None,
    team: Team,
    incident_type: str,
    name: str,
    description: str = "",
    steps: list[dict],
    holding_statements: list | None = None,
    plan: EmergencyPlan | None = None,
) -> EmergencyPlan:
    """Create the team's plan for an incident type, or change ``plan``; the editor approves it.

    A plan is its checklist: it needs at least one step, and saving replaces them all.
    A team has one plan per incident type, and creating never replaces it: a
    second plan for a type is refused (``incident_type``, code ``plan_exists``,
    naming the existing plan), and so is moving ``plan`` onto another plan's type.
    """
    _require(actor, team, "emergency_plan.edit")
    if plan is not None and plan.team_id != team.pk:
        raise ValidationError({"team": _("A plan stays with its team.")})
    if incident_type not in IncidentType.values:
        raise ValidationError({"incident_type": _("Unknown incident type.")})
    if not (name or "").strip():
        raise ValidationError({"name": _("A name is required.")})
    errors = _length_errors(name=name, description=description)
    if errors:
        raise ValidationError(errors)
    statements = _clean_statements(holding_statements)
    cleaned_steps = _clean_steps(steps)
    with transaction.atomic():
        existing = (
            EmergencyPlan.objects.select_for_update()
            .filter(team=team, incident_type=incident_type)
            # pk=None excludes nothing: a new plan has no row of its own yet.
            .exclude(pk=plan.pk if plan is not None else None).first()  # type: ignore[misc]
        )
        if existing is not None:
            raise ValidationError({"incident_type": ValidationError(
                _("The team already has a plan for this incident type: “%(name)s”. "
                  "Edit that plan instead."),
                code="plan_exists", params={"name": existing.name, "plan": existing.pk},
            )})
        values = {
            "incident_type": incident_type, "name": name.strip(),
            "description": (description or "").strip(), "holding_statements": statements,
            "approved_by": actor, "approved_at": timezone.now(),
        }
        if plan is None:
            plan = EmergencyPlan.objects.create(team=team, **values)
        else:
            for field, value in values.items():
                setattr(plan, field, value)
            plan.save()
        plan.steps.all().delete()
        EmergencyPlanStep.objects.bulk_create(
            [EmergencyPlanStep(plan=plan, **s) for s in cleaned_steps]
        )
        audit_record(
            actor=actor, action="emergency_plan.save", target=plan, team=team,
            summary=gettext_noop("Emergency plan “%(name)s” saved"), data={"name": plan.name},
        )
    return plan


# --- drills (S3.2.3) ---------------------------------------------------------

def drill_create(
    *, actor: User | None, team: Team, title: str, next_due: datetime.date,
    plan: EmergencyPlan | None = None, owner: User | None = None,
    interval_days: int = 90,
) -> Drill:
    """Schedule a drill of ``team``; its plan and owner must belong to the team."""
    _require(actor, team, "emergency_plan.edit")
    errors = {}
    if not (title or "").strip():
        errors["title"] = _("A title is required.")
    errors.update(_length_errors(title=title))
    if (isinstance(interval_days, bool) or not isinstance(interval_days, int)
            or not 1 <= interval_days <= MAX_DRILL_INTERVAL_DAYS):
        errors["interval_days"] = _("Repeat every 1 to %(max)s days.") % {
            "max": MAX_DRILL_INTERVAL_DAYS}
    if errors:
        raise ValidationError(errors)
    if plan is not None and plan.team_id != team.pk:
        raise ValidationError({"plan": _("The plan belongs to another team.")})
    if owner is not None and not Membership.objects.filter(team=team, user=owner).exists():
        raise ValidationError({"owner": _("The owner must be a member of the team.")})
    with transaction.atomic():
        drill = Drill.objects.create(
            team=team, title=title.strip(), next_due=next_due, plan=plan,
            owner=owner or actor, interval_days=interval_days,
        )
        audit_record(actor=actor, action="drill.create", target=drill,
                     summary=gettext_noop("Drill “%(title)s” scheduled"),
                     data={"title": drill.title})
    return drill


def drill_run_record(
    *, actor: User, drill: Drill, ran_on: datetime.date, log: str,
    lessons_learned: str = "", participants: str = "",
) -> DrillRun:
    """Log a drill run and schedule the next one ``interval_days`` later."""
    _require(actor, drill.team, "incident.manage")
    if not (log or "").strip():
        raise ValidationError({"log": _("Describe how the drill went.")})
    if ran_on > timezone.localdate():
        raise ValidationError({"ran_on": _("A drill cannot have run in the future.")})
    errors = _length_errors(log=log, lessons_learned=lessons_learned, participants=participants)
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        run = DrillRun.objects.create(
            drill=drill, ran_on=ran_on, log=log.strip(), lessons_learned=lessons_learned.strip(),
            participants=participants.strip(), recorded_by=actor,
        )
        drill.next_due = ran_on + datetime.timedelta(days=drill.interval_days)
        drill.save(update_fields=["next_due"])
        audit_record(actor=actor, action="drill.run", target=drill,
                     summary=gettext_noop("Drill run on %(date)s recorded"),
                     data={"date": ran_on.isoformat()})
    return run


def drill_reminder_send(*, drill: Drill, today: datetime.date | None = None) -> Task | None:
    """Remind a due drill's owner with a task, once per due date; None when nothing is due.

    Idempotent: the task's de-duplication key names the drill, the due date and
    the owner, so a rerun (or two racing runs) never creates a second task.
    """
    today = today or timezone.localdate()
    if not drill.is_active or drill.next_due > today or drill.last_reminded_for == drill.next_due:
        return None
    owner = drill.owner or _team_member(drill.team, Role.MANAGER, Role.ADMIN)
    if owner is None:
        return None
    with transaction.atomic():
        task = task_create(
            team=drill.team, owner=owner, due_date=drill.next_due, source=drill,
            title=_("Run drill: %(title)s") % {"title": drill.title},
            dedup_key=f"drill-reminder:{drill.pk}:{drill.next_due.isoformat()}:{owner.pk}",
        )
        drill.last_reminded_for = drill.next_due
        drill.save(update_fields=["last_reminded_for"])
    return task


# --- retention (registered with the privacy ledger, S3.1.3) -----------------

def opinion_signals_apply_retention(
    *, action: str, cutoff: datetime.datetime, now: datetime.datetime
) -> int:
    """Delete, or strip the excerpt and external id of, signals older than ``cutoff``.

    Idempotent: anonymised signals are not counted again.
    """
    signals = OpinionSignal.objects.filter(occurred_at__lt=cutoff)
    if action == RetentionAction.DELETE:
        return signals.delete()[1].get(OpinionSignal._meta.label, 0)
    return (
        signals.filter(anonymised_at__isnull=True)
        .exclude(excerpt="", external_id="")
        .update(excerpt="", external_id="", anonymised_at=now)
    )

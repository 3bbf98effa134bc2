"""Write side of campaign planning (S2.1): campaigns, goals, KPIs, phases, milestones.

Every function checks the actor's capability in the campaign's team, validates
its input with field errors, runs in one transaction and writes an audit row.
"""

import datetime
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from platforms.metrics import Metric
from platforms.models import Platform
from teams.models import Membership, Task, TaskStatus, Team
from teams.roles import Role
from teams.selectors import user_can
from teams.services import audit_record, task_create, task_set_status

from .models import (
    KPI,
    AgeBand,
    Campaign,
    CampaignStatus,
    Direction,
    Gender,
    Goal,
    Milestone,
    Objective,
    Phase,
    PhaseKind,
)
from .smart import smart_check

S = CampaignStatus

# Lifecycle (issue 3): (from, to) -> capability the actor needs.
TRANSITIONS: dict[tuple[str, str], str] = {
    (S.DRAFT, S.PLANNED): "campaign.approve",
    (S.DRAFT, S.CANCELLED): "campaign.edit",
    (S.PLANNED, S.DRAFT): "campaign.approve",
    (S.PLANNED, S.IN_PRODUCTION): "campaign.run",
    (S.PLANNED, S.RUNNING): "campaign.run",
    (S.PLANNED, S.CANCELLED): "campaign.approve",
    (S.IN_PRODUCTION, S.RUNNING): "campaign.run",
    (S.IN_PRODUCTION, S.PAUSED): "campaign.run",
    (S.IN_PRODUCTION, S.CANCELLED): "campaign.approve",
    (S.RUNNING, S.PAUSED): "campaign.run",
    (S.RUNNING, S.EVALUATING): "campaign.run",
    (S.RUNNING, S.CANCELLED): "campaign.approve",
    (S.PAUSED, S.IN_PRODUCTION): "campaign.run",
    (S.PAUSED, S.RUNNING): "campaign.run",
    (S.PAUSED, S.CANCELLED): "campaign.approve",
    (S.EVALUATING, S.CLOSED): "campaign.run",
}
# A plan is frozen once the campaign is over.
LOCKED_STATUSES = frozenset({S.CLOSED, S.CANCELLED})

# S2.1.3 example: content production one week, promotion two weeks, evaluation one week.
STANDARD_PLAN: tuple[tuple[str, int], ...] = (
    (PhaseKind.PRODUCTION, 7),
    (PhaseKind.PROMOTION, 14),
    (PhaseKind.EVALUATION, 7),
)


# --- helpers ----------------------------------------------------------------------------


def _require(actor: AbstractBaseUser | None, team: Team | int, capability: str, message: str):
    if actor is None or not user_can(actor, team, capability):
        raise PermissionDenied(message)


def _require_edit(actor: AbstractBaseUser, campaign: Campaign) -> None:
    _require(actor, campaign.team_id, "campaign.edit", _("You may not change this campaign."))
    if campaign.status in LOCKED_STATUSES:
        raise ValidationError(
            _("A %(status)s campaign can no longer be changed.")
            % {"status": campaign.get_status_display()}
        )


def _require_plan_edit(actor: AbstractBaseUser, campaign: Campaign) -> None:
    """Goals, KPIs, phases and dates change freely only while the plan is a draft.

    Once a manager approved the plan (S2.1), changing it without their say would
    make the approval meaningless: only approvers may still adjust it; others
    ask for it to be returned to draft, which sends it through approval again.
    """
    _require_edit(actor, campaign)
    if campaign.status != CampaignStatus.DRAFT and not user_can(
        actor, campaign.team_id, "campaign.approve"
    ):
        raise ValidationError(
            _(
                "This plan has been approved. Ask a manager to return it to draft "
                "before changing its goals, KPIs, phases or dates."
            )
        )


def _decimal(value, field: str, *, required: bool = True, minimum: Decimal | None = Decimal(0)):
    if value is None or value == "":
        if required:
            raise ValidationError({field: _("This field is required.")})
        return None
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError, TypeError):
        raise ValidationError({field: _("Enter a number.")}) from None
    if not number.is_finite():
        raise ValidationError({field: _("Enter a number.")})
    if minimum is not None and number < minimum:
        raise ValidationError({field: _("Must not be negative.")})
    return number


def _date(value, field: str) -> datetime.date:
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    if isinstance(value, str):
        try:
            return datetime.date.fromisoformat(value)
        except ValueError:
            pass
    raise ValidationError({field: _("Enter a valid date.")})


def _check_dates(start: datetime.date, end: datetime.date) -> None:
    if end < start:
        raise ValidationError({"end_date": _("The end date must not be before the start date.")})


def _check_choice(value: str, choices, field: str) -> None:
    if value not in choices.values:
        raise ValidationError({field: _("Choose one of the listed options.")})


def _clean_audience(age_bands, gender: str, interests) -> tuple[list[str], str, list[str]]:
    bands = list(age_bands or [])
    for band in bands:
        if band not in AgeBand.values:
            raise ValidationError({"target_age_bands": _("Unknown age band.")})
    _check_choice(gender, Gender, "target_gender")
    if isinstance(interests, str):
        interests = interests.split(",")
    cleaned = [str(item).strip().lower() for item in (interests or []) if str(item).strip()]
    return bands, gender, cleaned


def _audit(actor, action: str, summary: str, campaign: Campaign, *, reason: str = "", **data):
    audit_record(
        actor=actor, action=action, summary=summary, target=campaign, team=campaign.team,
        reason=reason, data=data,
    )


# --- campaigns --------------------------------------------------------------------------

CAMPAIGN_FIELDS = (
    "name", "objective", "description", "budget", "start_date", "end_date",
    "target_age_bands", "target_gender", "target_interests",
)


def _validate_campaign(values: dict) -> dict:
    name = (values.get("name") or "").strip()
    if not name:
        raise ValidationError({"name": _("Give the campaign a name.")})
    _check_choice(values.get("objective"), Objective, "objective")
    start = _date(values.get("start_date"), "start_date")
    end = _date(values.get("end_date"), "end_date")
    _check_dates(start, end)
    budget = _decimal(values.get("budget", 0) or 0, "budget")
    bands, gender, interests = _clean_audience(
        values.get("target_age_bands"), values.get("target_gender") or Gender.ANY,
        values.get("target_interests"),
    )
    return {
        "name": name, "objective": values["objective"],
        "description": values.get("description") or "", "budget": budget,
        "start_date": start, "end_date": end, "target_age_bands": bands,
        "target_gender": gender, "target_interests": interests,
    }


def campaign_create(*, actor: AbstractBaseUser, team: Team, **values) -> Campaign:
    """Create a draft campaign in ``team`` owned by the actor."""
    _require(actor, team, "campaign.edit", _("You may not plan campaigns in this team."))
    cleaned = _validate_campaign(values)
    with transaction.atomic():
        campaign = Campaign.objects.create(team=team, owner=actor, **cleaned)
        _audit(actor, "campaign.create", gettext_noop("Campaign drafted"), campaign)
    return campaign


def campaign_update(
    *, actor: AbstractBaseUser, campaign: Campaign, shift_phases: bool = False, **values
) -> Campaign:
    """Change a campaign; with ``shift_phases`` its timeline moves with the start date.

    Phases must stay inside the campaign, so moving dates without shifting is
    refused when a phase would fall outside.
    """
    _require_plan_edit(actor, campaign)
    merged = {field: getattr(campaign, field) for field in CAMPAIGN_FIELDS}
    merged.update({k: v for k, v in values.items() if k in CAMPAIGN_FIELDS})
    cleaned = _validate_campaign(merged)
    delta = cleaned["start_date"] - campaign.start_date
    with transaction.atomic():
        phases = list(campaign.phases.select_for_update())
        if shift_phases and delta:
            _shift_timeline(campaign, delta)
            phases = list(campaign.phases.all())
        for phase in phases:
            if phase.start_date < cleaned["start_date"] or phase.end_date > cleaned["end_date"]:
                raise ValidationError({
                    "start_date": _(
                        "Phase “%(phase)s” (%(start)s – %(end)s) would fall outside the new "
                        "dates; shift the phases with the campaign or edit them first."
                    ) % {"phase": phase.label, "start": phase.start_date, "end": phase.end_date}
                })
        changed = [f for f in CAMPAIGN_FIELDS if getattr(campaign, f) != cleaned[f]]
        for field, value in cleaned.items():
            setattr(campaign, field, value)
        campaign.save()
        _audit(
            actor, "campaign.update", gettext_noop("Campaign edited: %(fields)s"), campaign,
            fields=", ".join(changed) or "-", shifted_days=delta.days if shift_phases else 0,
        )
    return campaign


def _shift_timeline(campaign: Campaign, delta: datetime.timedelta) -> None:
    for phase in campaign.phases.all():
        phase.start_date += delta
        phase.end_date += delta
        phase.save(update_fields=["start_date", "end_date"])
    for milestone in Milestone.objects.filter(phase__campaign=campaign):
        milestone.due_date += delta
        milestone.save(update_fields=["due_date"])
    for kpi in KPI.objects.filter(goal__campaign=campaign):
        kpi.deadline += delta
        kpi.save(update_fields=["deadline"])


def campaign_duplicate(
    *, actor: AbstractBaseUser, campaign: Campaign, start_date, name: str = ""
) -> Campaign:
    """Copy a campaign's plan (goals, KPIs, phases, milestones) as a new draft.

    Every date moves by the same amount so the new plan starts on ``start_date``.
    """
    _require(actor, campaign.team_id, "campaign.edit", _("You may not plan campaigns in this team."))
    start = _date(start_date, "start_date")
    delta = start - campaign.start_date
    with transaction.atomic():
        copy = Campaign.objects.create(
            team=campaign.team, owner=actor,
            name=(name or "").strip() or _("Copy of %(name)s") % {"name": campaign.name},
            objective=campaign.objective, description=campaign.description,
            budget=campaign.budget, start_date=start, end_date=campaign.end_date + delta,
            target_age_bands=list(campaign.target_age_bands),
            target_gender=campaign.target_gender,
            target_interests=list(campaign.target_interests),
        )
        for goal in campaign.goals.prefetch_related("kpis"):
            new_goal = Goal.objects.create(
                campaign=copy, statement=goal.statement, objective=goal.objective,
                order=goal.order,
            )
            KPI.objects.bulk_create([
                KPI(
                    goal=new_goal, metric=k.metric, platform_id=k.platform_id,
                    baseline=k.baseline, no_baseline_reason=k.no_baseline_reason,
                    target=k.target, target_change_percent=k.target_change_percent,
                    unit=k.unit, direction=k.direction, deadline=k.deadline + delta,
                    weight=k.weight,
                )
                for k in goal.kpis.all()
            ])
        for phase in campaign.phases.prefetch_related("milestones"):
            new_phase = Phase.objects.create(
                campaign=copy, kind=phase.kind, name=phase.name, order=phase.order,
                parallel=phase.parallel, start_date=phase.start_date + delta,
                end_date=phase.end_date + delta,
            )
            Milestone.objects.bulk_create([
                Milestone(
                    phase=new_phase, title=m.title, due_date=m.due_date + delta,
                    owner_id=m.owner_id,
                )
                for m in phase.milestones.all()
            ])
        _audit(
            actor, "campaign.duplicate", gettext_noop("Duplicated from “%(source)s”"), copy,
            source=campaign.name, source_id=campaign.pk,
        )
    return copy


def campaign_submit(*, actor: AbstractBaseUser, campaign: Campaign, reason: str = "") -> Campaign:
    """A draft goes to the team's managers for approval; the SMART check must not fail."""
    _require(actor, campaign.team_id, "campaign.submit", _("You may not submit this campaign."))
    with transaction.atomic():
        campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)
        if campaign.status != S.DRAFT:
            raise ValidationError({"to": _("Only a draft can be submitted for approval.")})
        scorecard = smart_check(campaign)
        if scorecard.has_fail:
            raise ValidationError({"to": _(
                "The SMART check still fails; fix the items marked “fail” before submitting."
            )})
        campaign.submitted_at = timezone.now()
        campaign.save(update_fields=["submitted_at", "updated_at"])
        _audit(
            actor, "campaign.submit", gettext_noop("Submitted for approval"), campaign,
            reason=reason,
        )
        approvers = Membership.objects.filter(
            team_id=campaign.team_id, role__in=[Role.MANAGER, Role.ADMIN]
        ).select_related("user")
        for membership in approvers:
            task_create(
                team=campaign.team, owner=membership.user, title=_approval_title(campaign),
                due_date=campaign.start_date, source=campaign, created_by=actor,
            )
    return campaign


def _approval_title(campaign: Campaign) -> str:
    # Written in the site language so the same title finds the task again
    # when the plan is decided, whoever's language submitted it.
    with translation.override(settings.LANGUAGE_CODE):
        return _("Approve the plan of “%(name)s”") % {"name": campaign.name}


def _close_approval_tasks(actor: AbstractBaseUser, campaign: Campaign) -> None:
    """The approvers' open "approve the plan" tasks are done once someone decides."""
    tasks = Task.objects.filter(
        source_type=ContentType.objects.get_for_model(Campaign), source_id=str(campaign.pk),
        title=_approval_title(campaign), status=TaskStatus.OPEN,
    )
    for task in tasks:
        try:
            task_set_status(actor=actor, task=task, status=TaskStatus.DONE)
        except PermissionDenied:
            continue


def transitions_allowed(actor: AbstractBaseUser, campaign: Campaign) -> list[str]:
    """Statuses the actor may move the campaign to now (for the action buttons)."""
    return [
        to for (frm, to), capability in TRANSITIONS.items()
        if frm == campaign.status and user_can(actor, campaign.team_id, capability)
    ]


def campaign_transition(
    *, actor: AbstractBaseUser | None, campaign: Campaign, to: str, reason: str = ""
) -> Campaign:
    """Move a campaign along its lifecycle; ``actor=None`` is the date-following job.

    Approving a plan (draft → planned) needs a SMART check without failures.
    """
    if to not in S.values:
        raise ValidationError({"to": _("Unknown status.")})
    with transaction.atomic():
        campaign = Campaign.objects.select_for_update().select_related("team").get(pk=campaign.pk)
        frm = campaign.status
        capability = TRANSITIONS.get((frm, to))
        if capability is None:
            raise ValidationError({"to": _(
                "A campaign cannot go from “%(from)s” to “%(to)s”."
            ) % {"from": S(frm).label, "to": S(to).label}})
        if actor is not None:
            _require(actor, campaign.team_id, capability, _(
                "Your role may not move this campaign to “%(to)s”."
            ) % {"to": S(to).label})
        if (frm, to) == (S.DRAFT, S.PLANNED) and smart_check(campaign).has_fail:
            raise ValidationError({"to": _(
                "The plan cannot be approved while the SMART check fails."
            )})
        campaign.status = to
        if to == S.DRAFT:
            campaign.submitted_at = None
        campaign.save(update_fields=["status", "submitted_at", "updated_at"])
        if frm == S.DRAFT and actor is not None:
            _close_approval_tasks(actor, campaign)
        _audit(
            actor, "campaign.transition", gettext_noop("Moved from %(from)s to %(to)s"),
            campaign, reason=reason, **{"from": frm, "to": to},
        )
    return campaign


def _status_by_dates(campaign: Campaign, phases: list[Phase], today: datetime.date) -> str:
    """Where the dates say a planned-or-later campaign should be (S2.1.3 phases)."""
    def first(kind):
        starts = [p.start_date for p in phases if p.kind == kind]
        return min(starts) if starts else None

    if today > campaign.end_date:
        return S.EVALUATING
    evaluation = first(PhaseKind.EVALUATION)
    if evaluation and today >= evaluation:
        return S.EVALUATING
    production = first(PhaseKind.PRODUCTION)
    promotion = first(PhaseKind.PROMOTION)
    if promotion is None:
        production_phases = [p for p in phases if p.kind == PhaseKind.PRODUCTION]
        promotion = (
            max(p.end_date for p in production_phases) + datetime.timedelta(days=1)
            if production_phases else campaign.start_date
        )
    if today >= promotion:
        return S.RUNNING
    if production and today >= production:
        return S.IN_PRODUCTION
    return S.PLANNED


_AUTO_ORDER = [S.PLANNED, S.IN_PRODUCTION, S.RUNNING, S.EVALUATING]
_AUTO_NEXT = {
    (S.PLANNED, S.IN_PRODUCTION): S.IN_PRODUCTION,
    (S.PLANNED, S.RUNNING): S.RUNNING,
    (S.PLANNED, S.EVALUATING): S.RUNNING,
    (S.IN_PRODUCTION, S.RUNNING): S.RUNNING,
    (S.IN_PRODUCTION, S.EVALUATING): S.RUNNING,
    (S.RUNNING, S.EVALUATING): S.EVALUATING,
}


def campaign_follow_dates(*, campaign: Campaign, today: datetime.date | None = None) -> list[str]:
    """Move a planned/in-production/running campaign forward as its dates are reached.

    Idempotent: a campaign already where its dates say stays put. Never moves
    backwards, never touches drafts, paused, closed or cancelled campaigns.
    Returns the statuses it passed through.
    """
    today = today or timezone.localdate()
    moved: list[str] = []
    phases = list(campaign.phases.all())
    for _step in range(len(_AUTO_ORDER)):
        current = Campaign.objects.values_list("status", flat=True).get(pk=campaign.pk)
        wanted = _status_by_dates(campaign, phases, today)
        if current not in _AUTO_ORDER or _AUTO_ORDER.index(wanted) <= _AUTO_ORDER.index(current):
            break
        nxt = _AUTO_NEXT[(current, wanted)]
        campaign = campaign_transition(
            actor=None, campaign=campaign, to=nxt,
            reason=gettext_noop("Status follows the campaign's dates"),
        )
        moved.append(nxt)
    return moved


def campaigns_follow_dates(*, today: datetime.date | None = None) -> int:
    """Run :func:`campaign_follow_dates` over every active campaign; returns moves made."""
    today = today or timezone.localdate()
    count = 0
    active = Campaign.objects.filter(
        status__in=[S.PLANNED, S.IN_PRODUCTION, S.RUNNING]
    ).prefetch_related("phases")
    for campaign in active.iterator(chunk_size=200):
        count += len(campaign_follow_dates(campaign=campaign, today=today))
    return count


# --- goals and KPIs ---------------------------------------------------------------------


def goal_create(
    *, actor: AbstractBaseUser, campaign: Campaign, statement: str, objective: str = ""
) -> Goal:
    """Add a goal; its objective defaults to the campaign's."""
    _require_plan_edit(actor, campaign)
    statement = (statement or "").strip()
    if not statement:
        raise ValidationError({"statement": _("Say what the goal is.")})
    objective = objective or campaign.objective
    _check_choice(objective, Objective, "objective")
    with transaction.atomic():
        order = campaign.goals.count()
        goal = Goal.objects.create(
            campaign=campaign, statement=statement, objective=objective, order=order
        )
        _audit(actor, "goal.create", gettext_noop("Goal added: %(goal)s"), campaign,
               goal=statement[:120])
    return goal


def goal_update(*, actor: AbstractBaseUser, goal: Goal, statement: str, objective: str) -> Goal:
    _require_plan_edit(actor, goal.campaign)
    statement = (statement or "").strip()
    if not statement:
        raise ValidationError({"statement": _("Say what the goal is.")})
    _check_choice(objective, Objective, "objective")
    with transaction.atomic():
        goal.statement, goal.objective = statement, objective
        goal.save()
        _audit(actor, "goal.update", gettext_noop("Goal edited: %(goal)s"), goal.campaign,
               goal=statement[:120])
    return goal


def goal_delete(*, actor: AbstractBaseUser, goal: Goal) -> None:
    campaign = goal.campaign
    _require_plan_edit(actor, campaign)
    with transaction.atomic():
        _audit(actor, "goal.delete", gettext_noop("Goal removed: %(goal)s"), campaign,
               goal=goal.statement[:120])
        goal.delete()


def _clean_kpi(campaign: Campaign, values: dict) -> dict:
    metric = values.get("metric")
    _check_choice(metric, Metric, "metric")
    direction = values.get("direction") or Direction.INCREASE
    _check_choice(direction, Direction, "direction")
    baseline = _decimal(values.get("baseline"), "baseline", required=False)
    percent = _decimal(
        values.get("target_change_percent"), "target_change_percent", required=False,
        minimum=None,
    )
    target = _decimal(values.get("target"), "target", required=percent is None)
    if percent is not None:
        # A relative goal ("+20 %") is stored with its baseline so the
        # absolute target is known (issue 3, S2.1.1 example).
        if baseline is None:
            raise ValidationError({"baseline": _("A relative target needs a baseline.")})
        sign = 1 if direction == Direction.INCREASE else -1
        target = (baseline * (1 + sign * percent / 100)).quantize(Decimal("0.0001"))
        if target < 0:
            raise ValidationError({"target_change_percent": _("Must not be negative.")})
    deadline = values.get("deadline")
    deadline = campaign.end_date if deadline in (None, "") else _date(deadline, "deadline")
    if not campaign.start_date <= deadline <= campaign.end_date:
        raise ValidationError({"deadline": _(
            "The deadline must lie within the campaign (%(start)s – %(end)s)."
        ) % {"start": campaign.start_date, "end": campaign.end_date}})
    platform = values.get("platform")
    if platform is not None and not isinstance(platform, Platform):
        lookup = {"pk": platform} if str(platform).isdigit() else {"code": str(platform)}
        platform = Platform.objects.filter(**lookup).first()
        if platform is None:
            raise ValidationError({"platform": _("Unknown platform.")})
    weight = values.get("weight") or 1
    try:
        weight = int(weight)
    except (TypeError, ValueError):
        raise ValidationError({"weight": _("Enter a whole number.")}) from None
    if weight < 1:
        raise ValidationError({"weight": _("The weight must be at least 1.")})
    return {
        "metric": metric, "direction": direction, "baseline": baseline,
        "no_baseline_reason": (values.get("no_baseline_reason") or "").strip(),
        "target": target, "target_change_percent": percent, "deadline": deadline,
        "platform": platform, "unit": (values.get("unit") or "").strip(), "weight": weight,
    }


def kpi_create(*, actor: AbstractBaseUser, goal: Goal, **values) -> KPI:
    """Add a KPI to a goal; a relative target is turned into an absolute one."""
    campaign = goal.campaign
    _require_plan_edit(actor, campaign)
    cleaned = _clean_kpi(campaign, values)
    with transaction.atomic():
        kpi = KPI.objects.create(goal=goal, **cleaned)
        _audit(actor, "kpi.create", gettext_noop("KPI added: %(metric)s → %(target)s"), campaign,
               metric=kpi.metric, target=kpi.target_display)
    return kpi


def kpi_update(*, actor: AbstractBaseUser, kpi: KPI, **values) -> KPI:
    campaign = kpi.goal.campaign
    _require_plan_edit(actor, campaign)
    merged = {
        f: getattr(kpi, f) for f in (
            "metric", "direction", "baseline", "no_baseline_reason", "target",
            "target_change_percent", "deadline", "platform", "unit", "weight",
        )
    }
    merged.update(values)
    if "target" in values and "target_change_percent" not in values:
        merged["target_change_percent"] = None
    if "achieved" in values:
        kpi.achieved = _decimal(values["achieved"], "achieved", required=False)
    cleaned = _clean_kpi(campaign, merged)
    with transaction.atomic():
        for field, value in cleaned.items():
            setattr(kpi, field, value)
        kpi.save()
        _audit(actor, "kpi.update", gettext_noop("KPI edited: %(metric)s → %(target)s"),
               campaign, metric=kpi.metric, target=kpi.target_display)
    return kpi


def kpi_delete(*, actor: AbstractBaseUser, kpi: KPI) -> None:
    campaign = kpi.goal.campaign
    _require_plan_edit(actor, campaign)
    with transaction.atomic():
        _audit(actor, "kpi.delete", gettext_noop("KPI removed: %(metric)s"), campaign,
               metric=kpi.metric)
        kpi.delete()


# --- phases and milestones --------------------------------------------------------------


def _clean_phase(campaign: Campaign, values: dict, *, exclude_pk: int | None = None) -> dict:
    kind = values.get("kind") or PhaseKind.CUSTOM
    _check_choice(kind, PhaseKind, "kind")
    start = _date(values.get("start_date"), "start_date")
    end = _date(values.get("end_date"), "end_date")
    _check_dates(start, end)
    if start < campaign.start_date or end > campaign.end_date:
        raise ValidationError({"start_date": _(
            "A phase must lie within the campaign (%(start)s – %(end)s)."
        ) % {"start": campaign.start_date, "end": campaign.end_date}})
    parallel = bool(values.get("parallel"))
    if not parallel:
        others = campaign.phases.filter(start_date__lte=end, end_date__gte=start, parallel=False)
        if exclude_pk:
            others = others.exclude(pk=exclude_pk)
        clash = others.first()
        if clash is not None:
            raise ValidationError({"start_date": _(
                "Overlaps the phase “%(phase)s” (%(start)s – %(end)s); change the dates or "
                "mark the phase as parallel."
            ) % {"phase": clash.label, "start": clash.start_date, "end": clash.end_date}})
    return {
        "kind": kind, "name": (values.get("name") or "").strip(), "start_date": start,
        "end_date": end, "parallel": parallel, "order": int(values.get("order") or 0),
    }


def phase_create(*, actor: AbstractBaseUser, campaign: Campaign, **values) -> Phase:
    """Add a phase inside the campaign; overlaps only when marked parallel (S2.1.3)."""
    _require_plan_edit(actor, campaign)
    cleaned = _clean_phase(campaign, values)
    with transaction.atomic():
        phase = Phase.objects.create(campaign=campaign, **cleaned)
        _audit(actor, "phase.create", gettext_noop("Phase added: %(phase)s (%(start)s – %(end)s)"),
               campaign, phase=phase.label, start=str(phase.start_date), end=str(phase.end_date))
    return phase


def phase_update(*, actor: AbstractBaseUser, phase: Phase, **values) -> Phase:
    campaign = phase.campaign
    _require_plan_edit(actor, campaign)
    merged = {f: getattr(phase, f) for f in ("kind", "name", "start_date", "end_date",
                                             "parallel", "order")}
    merged.update(values)
    cleaned = _clean_phase(campaign, merged, exclude_pk=phase.pk)
    with transaction.atomic():
        for field, value in cleaned.items():
            setattr(phase, field, value)
        phase.save()
        _audit(actor, "phase.update",
               gettext_noop("Phase edited: %(phase)s (%(start)s – %(end)s)"), campaign,
               phase=phase.label, start=str(phase.start_date), end=str(phase.end_date))
    return phase


def phase_delete(*, actor: AbstractBaseUser, phase: Phase) -> None:
    campaign = phase.campaign
    _require_plan_edit(actor, campaign)
    with transaction.atomic():
        _audit(actor, "phase.delete", gettext_noop("Phase removed: %(phase)s"), campaign,
               phase=phase.label)
        phase.delete()


def phase_standard_plan(*, actor: AbstractBaseUser, campaign: Campaign) -> list[Phase]:
    """Create the S2.1.3 standard plan from the start date: 1 + 2 + 1 weeks."""
    _require_plan_edit(actor, campaign)
    if campaign.phases.exists():
        raise ValidationError({"kind": _(
            "This campaign already has phases; remove them before applying the standard plan."
        )})
    total = sum(days for _kind, days in STANDARD_PLAN)
    if (campaign.end_date - campaign.start_date).days + 1 < total:
        raise ValidationError({"end_date": _(
            "The standard plan needs %(days)s days; the campaign is shorter."
        ) % {"days": total}})
    phases = []
    start = campaign.start_date
    with transaction.atomic():
        for order, (kind, days) in enumerate(STANDARD_PLAN):
            end = start + datetime.timedelta(days=days - 1)
            phases.append(Phase.objects.create(
                campaign=campaign, kind=kind, start_date=start, end_date=end, order=order,
            ))
            start = end + datetime.timedelta(days=1)
        _audit(actor, "phase.standard_plan",
               gettext_noop("Standard plan applied: production, promotion, evaluation"), campaign)
    return phases


def _clean_milestone(phase: Phase, values: dict) -> dict:
    title = (values.get("title") or "").strip()
    if not title:
        raise ValidationError({"title": _("Give the milestone a title.")})
    due = _date(values.get("due_date"), "due_date")
    campaign = phase.campaign
    if not campaign.start_date <= due <= campaign.end_date:
        raise ValidationError({"due_date": _(
            "The due date must lie within the campaign (%(start)s – %(end)s)."
        ) % {"start": campaign.start_date, "end": campaign.end_date}})
    owner = values.get("owner")
    if owner is not None and not Membership.objects.filter(
        user=owner, team_id=campaign.team_id
    ).exists():
        raise ValidationError({"owner": _("The owner must be a member of the campaign's team.")})
    return {"title": title, "due_date": due, "owner": owner}


def milestone_create(*, actor: AbstractBaseUser, phase: Phase, **values) -> Milestone:
    """Add a milestone; its owner gets a task on their list."""
    campaign = phase.campaign
    _require_plan_edit(actor, campaign)
    cleaned = _clean_milestone(phase, values)
    with transaction.atomic():
        milestone = Milestone.objects.create(phase=phase, **cleaned)
        _audit(actor, "milestone.create", gettext_noop("Milestone added: %(title)s"), campaign,
               title=milestone.title, due=str(milestone.due_date))
        if milestone.owner is not None:
            task_create(
                team=campaign.team, owner=milestone.owner,
                title=_("Milestone “%(title)s” of “%(campaign)s”")
                % {"title": milestone.title, "campaign": campaign.name},
                due_date=milestone.due_date, source=milestone, created_by=actor,
            )
    return milestone


def milestone_update(*, actor: AbstractBaseUser, milestone: Milestone, **values) -> Milestone:
    campaign = milestone.phase.campaign
    _require_plan_edit(actor, campaign)
    phase = values.pop("phase", None) or milestone.phase
    if phase.campaign_id != campaign.pk:
        raise ValidationError({"phase": _("The phase belongs to another campaign.")})
    merged = {"title": milestone.title, "due_date": milestone.due_date, "owner": milestone.owner}
    merged.update(values)
    cleaned = _clean_milestone(phase, merged)
    with transaction.atomic():
        milestone.phase = phase
        for field, value in cleaned.items():
            setattr(milestone, field, value)
        milestone.save()
        _audit(actor, "milestone.update", gettext_noop("Milestone edited: %(title)s"), campaign,
               title=milestone.title)
    return milestone


def milestone_set_done(*, actor: AbstractBaseUser, milestone: Milestone, done: bool) -> Milestone:
    """Tick a milestone off (or reopen it)."""
    campaign = milestone.phase.campaign
    _require_edit(actor, campaign)
    with transaction.atomic():
        milestone.done_at = timezone.now() if done else None
        milestone.save(update_fields=["done_at"])
        _audit(
            actor, "milestone.done" if done else "milestone.reopen",
            gettext_noop("Milestone done: %(title)s") if done
            else gettext_noop("Milestone reopened: %(title)s"),
            campaign, title=milestone.title,
        )
    return milestone


def milestone_delete(*, actor: AbstractBaseUser, milestone: Milestone) -> None:
    campaign = milestone.phase.campaign
    _require_plan_edit(actor, campaign)
    with transaction.atomic():
        _audit(actor, "milestone.delete", gettext_noop("Milestone removed: %(title)s"), campaign,
               title=milestone.title)
        milestone.delete()


def campaign_delete(*, actor: AbstractBaseUser, campaign: Campaign) -> None:
    """Delete a draft; anything past draft is cancelled instead, to keep its history."""
    _require(actor, campaign.team_id, "campaign.edit", _("You may not change this campaign."))
    if campaign.status != S.DRAFT:
        raise ValidationError({"status": _(
            "Only drafts can be deleted; cancel the campaign instead."
        )})
    with transaction.atomic():
        _audit(actor, "campaign.delete", gettext_noop("Campaign deleted: %(name)s"), campaign,
               name=campaign.name)
        campaign.delete()

"""Write side of campaign planning (S2.1): campaigns, goals, KPIs, phases, milestones.

Every function checks the actor's capability in the campaign's team, validates
its input with field errors, runs in one transaction and writes an audit row.
"""

import datetime
import logging
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from platforms.metrics import METRICS, Metric, MetricKind
from platforms.models import Platform
from teams.models import Membership, Task, TaskStatus, Team
from teams.roles import Role
from teams.selectors import user_can
from teams.services import audit_record, task_create

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
from .selectors import plan_lock_reason
from .smart import smart_check

logger = logging.getLogger(__name__)

S = CampaignStatus

# Campaign dates are kept to a sensible calendar window, so date arithmetic
# (shifting, the Gantt's end line, duplicating) never overflows.
MIN_YEAR, MAX_YEAR = 2000, 2100
# DecimalField(max_digits=18, decimal_places=4) holds values below 10^14.
MAX_KPI_VALUE = Decimal("99999999999999")
# DecimalField(max_digits=14, decimal_places=2) holds budgets below 10^12.
MAX_BUDGET = Decimal("999999999999")
# A relative goal beyond a thousandfold change is a typo, not a plan.
MAX_CHANGE_PERCENT = Decimal("100000")
MAX_KPI_WEIGHT = 1000
TEXT_LIMIT = 200  # CharField(max_length=200): names, titles

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
    The same rule drives the pages (``selectors.user_may_edit_plan``).
    """
    _require_edit(actor, campaign)
    reason = plan_lock_reason(actor, campaign)
    if reason:
        raise ValidationError(reason)


def _too_large() -> str:
    return _("This value is too large.")


def _decimal(
    value, field: str, *, required: bool = True, minimum: Decimal | None = Decimal(0),
    maximum: Decimal | None = MAX_KPI_VALUE,
):
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
    if maximum is not None and abs(number) > maximum:
        raise ValidationError({field: _too_large()})
    return number


def _date(value, field: str) -> datetime.date:
    parsed = None
    if isinstance(value, datetime.datetime):
        parsed = value.date()
    elif isinstance(value, datetime.date):
        parsed = value
    elif isinstance(value, str):
        try:
            parsed = datetime.date.fromisoformat(value)
        except ValueError:
            parsed = None
    if parsed is None:
        raise ValidationError({field: _("Enter a valid date.")})
    _check_year(parsed, field)
    return parsed


def _check_year(value: datetime.date, field: str) -> None:
    if not MIN_YEAR <= value.year <= MAX_YEAR:
        raise ValidationError({field: _(
            "Enter a date between the years %(min)s and %(max)s."
        ) % {"min": MIN_YEAR, "max": MAX_YEAR}})


def _shifted(value: datetime.date, delta: datetime.timedelta, field: str) -> datetime.date:
    """``value + delta``, as a field error when it leaves the allowed years."""
    try:
        moved = value + delta
    except OverflowError:
        moved = None
    if moved is None or not MIN_YEAR <= moved.year <= MAX_YEAR:
        raise ValidationError({field: _(
            "Moving the plan this far would put dates outside the years %(min)s – %(max)s."
        ) % {"min": MIN_YEAR, "max": MAX_YEAR}})
    return moved


def _text(value, field: str, max_length: int) -> str:
    text = (value or "").strip()
    if len(text) > max_length:
        raise ValidationError({field: _(
            "Keep this to %(max)s characters (it has %(count)s)."
        ) % {"max": max_length, "count": len(text)}})
    return text


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
    name = _text(values.get("name"), "name", TEXT_LIMIT)
    if not name:
        raise ValidationError({"name": _("Give the campaign a name.")})
    _check_choice(values.get("objective"), Objective, "objective")
    start = _date(values.get("start_date"), "start_date")
    end = _date(values.get("end_date"), "end_date")
    _check_dates(start, end)
    budget = _decimal(values.get("budget", 0) or 0, "budget", maximum=MAX_BUDGET)
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
            _shift_timeline(campaign, delta, field="start_date")
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
        # Field codes are stored; the activity feed shows them in the reader's language.
        _audit(
            actor, "campaign.update", gettext_noop("Campaign edited: %(fields)s"), campaign,
            fields=", ".join(changed) or "-", shifted_days=delta.days if shift_phases else 0,
        )
    return campaign


def _shift_timeline(campaign: Campaign, delta: datetime.timedelta, *, field: str) -> None:
    for phase in campaign.phases.all():
        phase.start_date = _shifted(phase.start_date, delta, field)
        phase.end_date = _shifted(phase.end_date, delta, field)
        phase.save(update_fields=["start_date", "end_date"])
    for milestone in Milestone.objects.filter(phase__campaign=campaign):
        milestone.due_date = _shifted(milestone.due_date, delta, field)
        milestone.save(update_fields=["due_date"])
    for kpi in KPI.objects.filter(goal__campaign=campaign):
        kpi.deadline = _shifted(kpi.deadline, delta, field)
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
    end = _shifted(campaign.end_date, delta, "start_date")
    name = _text(name, "name", TEXT_LIMIT)
    if not name:
        name = _("Copy of %(name)s") % {"name": campaign.name}
        if len(name) > TEXT_LIMIT:
            raise ValidationError({"name": _(
                "The copy's name would be longer than %(max)s characters; give it a shorter name."
            ) % {"max": TEXT_LIMIT}})
    with transaction.atomic():
        copy = Campaign.objects.create(
            team=campaign.team, owner=actor, name=name,
            objective=campaign.objective, description=campaign.description,
            budget=campaign.budget, start_date=start, end_date=end,
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
                    unit=k.unit, direction=k.direction,
                    deadline=_shifted(k.deadline, delta, "start_date"),
                    weight=k.weight,
                )
                for k in goal.kpis.all()
            ])
        for phase in campaign.phases.prefetch_related("milestones"):
            new_phase = Phase.objects.create(
                campaign=copy, kind=phase.kind, name=phase.name, order=phase.order,
                parallel=phase.parallel,
                start_date=_shifted(phase.start_date, delta, "start_date"),
                end_date=_shifted(phase.end_date, delta, "start_date"),
            )
            Milestone.objects.bulk_create([
                Milestone(
                    phase=new_phase, title=m.title,
                    due_date=_shifted(m.due_date, delta, "start_date"),
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
        if campaign.submitted_at is not None:
            raise ValidationError({"to": _(
                "This plan is already submitted and awaits a manager's decision."
            )})
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
    # Written in the site language (one title for every approver).
    with translation.override(settings.LANGUAGE_CODE):
        title = _("Approve the plan of “%(name)s”") % {"name": campaign.name}
    return Truncator(title).chars(TEXT_LIMIT)


def _tasks_of(source):
    return Task.objects.filter(
        source_type=ContentType.objects.get_for_model(type(source)), source_id=str(source.pk)
    )


def _close_approval_tasks(campaign: Campaign, status: str) -> None:
    """The approvers' open "approve the plan" tasks end once someone decides.

    Found by their source (the campaign) and owners (the team's approvers), not
    by title, so a draft renamed after submission still closes them.
    """
    approvers = Membership.objects.filter(
        team_id=campaign.team_id, role__in=[Role.MANAGER, Role.ADMIN]
    ).values("user_id")
    _tasks_of(campaign).filter(owner_id__in=approvers, status=TaskStatus.OPEN).update(
        status=status, completed_at=timezone.now() if status == TaskStatus.DONE else None,
    )


def transitions_allowed(actor: AbstractBaseUser, campaign: Campaign) -> list[str]:
    """Statuses the actor may move the campaign to now (for the action buttons)."""
    return [
        to for (frm, to), capability in TRANSITIONS.items()
        if frm == campaign.status and user_can(actor, campaign.team_id, capability)
    ]


# The only moves the date-following job (``actor=None``) may make: forward steps.
AUTOMATIC_TRANSITIONS = frozenset({
    (S.PLANNED, S.IN_PRODUCTION),
    (S.PLANNED, S.RUNNING),
    (S.IN_PRODUCTION, S.RUNNING),
    (S.RUNNING, S.EVALUATING),
})


def campaign_transition(
    *, actor: AbstractBaseUser | None, campaign: Campaign, to: str, reason: str = "",
    expected_from: str | None = None,
) -> Campaign:
    """Move a campaign along its lifecycle; ``actor=None`` is the date-following job.

    Approving a plan (draft → planned) needs a SMART check without failures.
    The job may only take the automatic forward steps, and only from the
    status it expected (``expected_from``), checked under the row lock: a
    campaign someone paused meanwhile stays paused.
    """
    if to not in S.values:
        raise ValidationError({"to": _("Unknown status.")})
    if actor is None and expected_from is None:
        raise PermissionDenied(_("Automatic moves must name the status they start from."))
    with transaction.atomic():
        campaign = Campaign.objects.select_for_update().select_related("team").get(pk=campaign.pk)
        frm = campaign.status
        if expected_from is not None and frm != expected_from:
            if actor is None:
                return campaign  # someone moved it meanwhile; the job leaves it alone
            raise ValidationError({"to": _(
                "The campaign's status changed meanwhile; reload the page and try again."
            )})
        if actor is None and (frm, to) not in AUTOMATIC_TRANSITIONS:
            raise PermissionDenied(_("Only forward steps by date happen automatically."))
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
        if frm == S.DRAFT:
            _close_approval_tasks(
                campaign, TaskStatus.DONE if to == S.PLANNED else TaskStatus.CANCELLED
            )
        if to == S.CANCELLED:
            _cancel_milestone_tasks(campaign)
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
            actor=None, campaign=campaign, to=nxt, expected_from=current,
            reason=gettext_noop("Status follows the campaign's dates"),
        )
        if campaign.status != nxt:
            break  # changed by someone else under our feet: leave it
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
        # One broken campaign must never stop the others from moving on.
        try:
            count += len(campaign_follow_dates(campaign=campaign, today=today))
        except Exception:
            logger.exception("campaign %s could not follow its dates", campaign.pk)
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
        minimum=None, maximum=MAX_CHANGE_PERCENT,
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
        if target > MAX_KPI_VALUE:
            raise ValidationError({"target_change_percent": _(
                "The resulting target would be too large."
            )})
    achieved = _decimal(values.get("achieved"), "achieved", required=False)
    if METRICS[metric].kind == MetricKind.RATIO:
        # Rates are stored as ratios (issue 3): 0.05 means 5 %.
        field = "target_change_percent" if percent is not None else "target"
        for name, number in (("baseline", baseline), (field, target), ("achieved", achieved)):
            if number is not None and number > 1:
                raise ValidationError({name: _(
                    "Rates are ratios: 0.05 = 5%. Enter a value between 0 and 1."
                )})
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
    weight = values.get("weight")
    if weight is None or weight == "":
        weight = 1
    try:
        weight = int(weight)
    except (TypeError, ValueError):
        raise ValidationError({"weight": _("Enter a whole number.")}) from None
    if not 1 <= weight <= MAX_KPI_WEIGHT:
        raise ValidationError({"weight": _(
            "The weight must be between 1 and %(max)s."
        ) % {"max": MAX_KPI_WEIGHT}})
    return {
        "metric": metric, "direction": direction, "baseline": baseline,
        "no_baseline_reason": _text(values.get("no_baseline_reason"), "no_baseline_reason", 300),
        "target": target, "target_change_percent": percent, "deadline": deadline,
        "platform": platform, "unit": _text(values.get("unit"), "unit", 30), "weight": weight,
        "achieved": achieved,
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
            "target_change_percent", "deadline", "platform", "unit", "weight", "achieved",
        )
    }
    merged.update(values)
    if "target" in values and "target_change_percent" not in values:
        merged["target_change_percent"] = None
    cleaned = _clean_kpi(campaign, merged)
    with transaction.atomic():
        for field, value in cleaned.items():
            setattr(kpi, field, value)
        kpi.save()
        _audit(actor, "kpi.update", gettext_noop("KPI edited: %(metric)s → %(target)s"),
               campaign, metric=kpi.metric, target=kpi.target_display)
    return kpi


def kpi_record_achieved(*, actor: AbstractBaseUser, kpi: KPI, achieved) -> KPI:
    """Record the result a KPI reached (evaluation); allowed whatever the plan's state."""
    campaign = kpi.goal.campaign
    _require_edit(actor, campaign)
    value = _decimal(achieved, "achieved", required=False)
    if value is not None and kpi.is_rate and value > 1:
        raise ValidationError({"achieved": _(
            "Rates are ratios: 0.05 = 5%. Enter a value between 0 and 1."
        )})
    with transaction.atomic():
        kpi.achieved = value
        kpi.save(update_fields=["achieved"])
        _audit(actor, "kpi.achieved", gettext_noop("KPI result recorded: %(metric)s"),
               campaign, metric=kpi.metric)
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
    try:
        order = int(values.get("order") or 0)
    except (TypeError, ValueError):
        raise ValidationError({"order": _("Enter a whole number.")}) from None
    if not 0 <= order <= 1000:
        raise ValidationError({"order": _("Enter a number between 0 and 1000.")})
    return {
        "kind": kind, "name": _text(values.get("name"), "name", 120), "start_date": start,
        "end_date": end, "parallel": parallel, "order": order,
    }


def _phase_data(phase: Phase) -> dict:
    # The kind is stored as a code (its label is translated when the feed is read).
    return {"phase": phase.name, "phase_kind": phase.kind}


def phase_create(*, actor: AbstractBaseUser, campaign: Campaign, **values) -> Phase:
    """Add a phase inside the campaign; overlaps only when marked parallel (S2.1.3)."""
    _require_plan_edit(actor, campaign)
    cleaned = _clean_phase(campaign, values)
    with transaction.atomic():
        phase = Phase.objects.create(campaign=campaign, **cleaned)
        _audit(actor, "phase.create", gettext_noop("Phase added: %(phase)s (%(start)s – %(end)s)"),
               campaign, start=str(phase.start_date), end=str(phase.end_date),
               **_phase_data(phase))
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
               start=str(phase.start_date), end=str(phase.end_date), **_phase_data(phase))
    return phase


def phase_delete(*, actor: AbstractBaseUser, phase: Phase) -> None:
    campaign = phase.campaign
    _require_plan_edit(actor, campaign)
    with transaction.atomic():
        _audit(actor, "phase.delete", gettext_noop("Phase removed: %(phase)s"), campaign,
               **_phase_data(phase))
        for milestone in phase.milestones.all():
            _milestone_tasks_end(milestone, TaskStatus.CANCELLED)
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
    title = _text(values.get("title"), "title", TEXT_LIMIT)
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
            _milestone_task(actor, milestone, campaign)
    return milestone


def _milestone_task_title(milestone: Milestone, campaign: Campaign) -> str:
    # No words of ours in it: the title reads the same in every language.
    return Truncator(f"{milestone.title} · {campaign.name}").chars(TEXT_LIMIT)


def _milestone_task(actor, milestone: Milestone, campaign: Campaign) -> Task:
    """The owner's task of a milestone (source = the milestone)."""
    return task_create(
        team=campaign.team, owner=milestone.owner,
        title=_milestone_task_title(milestone, campaign),
        due_date=milestone.due_date, source=milestone, created_by=actor,
    )


def _milestone_tasks_end(milestone: Milestone, status: str) -> None:
    _tasks_of(milestone).filter(status=TaskStatus.OPEN).update(
        status=status, completed_at=timezone.now() if status == TaskStatus.DONE else None,
    )


def _milestone_tasks_follow(actor, milestone: Milestone, campaign: Campaign) -> None:
    """Keep the owner's task in step with the milestone: moved, renamed or cancelled."""
    open_tasks = _tasks_of(milestone).filter(status=TaskStatus.OPEN)
    if milestone.owner_id is None or milestone.done_at is not None:
        _milestone_tasks_end(
            milestone, TaskStatus.DONE if milestone.done_at else TaskStatus.CANCELLED
        )
        return
    open_tasks.exclude(owner_id=milestone.owner_id).update(status=TaskStatus.CANCELLED)
    updated = open_tasks.filter(owner_id=milestone.owner_id).update(
        title=_milestone_task_title(milestone, campaign), due_date=milestone.due_date,
    )
    if not updated:
        _milestone_task(actor, milestone, campaign)


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
        _milestone_tasks_follow(actor, milestone, campaign)
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
        _milestone_tasks_follow(actor, milestone, campaign)
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
        _milestone_tasks_end(milestone, TaskStatus.CANCELLED)
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
        _close_approval_tasks(campaign, TaskStatus.CANCELLED)
        _cancel_milestone_tasks(campaign)
        campaign.delete()


def _cancel_milestone_tasks(campaign: Campaign) -> None:
    milestone_ids = [
        str(pk) for pk in Milestone.objects.filter(phase__campaign=campaign)
        .values_list("pk", flat=True)
    ]
    Task.objects.filter(
        source_type=ContentType.objects.get_for_model(Milestone), source_id__in=milestone_ids,
        status=TaskStatus.OPEN,
    ).update(status=TaskStatus.CANCELLED)

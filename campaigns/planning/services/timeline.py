"""The campaign timeline (S2.1.3): phases, the standard plan, milestones and their owners' tasks."""

import datetime
from typing import cast

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser, User
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from teams.models import Task, TaskStatus
from teams.services import task_create

from ..models import Campaign, Milestone, Phase, PhaseKind
from ._validation import (
    TEXT_LIMIT,
    _audit,
    _check_choice,
    _check_dates,
    _collect_errors,
    _date,
    _require_edit,
    _require_plan_edit,
    _tasks_of,
    _text,
)

# S2.1.3 example: content production one week, promotion two weeks, evaluation one week.
STANDARD_PLAN: tuple[tuple[str, int], ...] = (
    (PhaseKind.PRODUCTION, 7),
    (PhaseKind.PROMOTION, 14),
    (PhaseKind.EVALUATION, 7),
)


# --- phases -----------------------------------------------------------------------------


def _clean_phase(campaign: Campaign, values: dict, *, exclude_pk: int | None = None) -> dict:
    kind = values.get("kind") or PhaseKind.CUSTOM
    _check_choice(kind, PhaseKind, "kind")
    start, end = _collect_errors(
        lambda: _date(values.get("start_date"), "start_date"),
        lambda: _date(values.get("end_date"), "end_date"),
    )
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


def phase_create(*, actor: User, campaign: Campaign, **values: object) -> Phase:
    """Add a phase inside the campaign; overlaps only when marked parallel (S2.1.3)."""
    _require_plan_edit(actor, campaign)
    cleaned = _clean_phase(campaign, values)
    with transaction.atomic():
        phase = Phase.objects.create(campaign=campaign, **cleaned)
        _audit(actor, "phase.create", gettext_noop("Phase added: %(phase)s (%(start)s – %(end)s)"),
               campaign, start=str(phase.start_date), end=str(phase.end_date),
               **_phase_data(phase))
    return phase


def phase_update(*, actor: User, phase: Phase, **values: object) -> Phase:
    """Change a phase under the same rules as adding one."""
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


def phase_delete(*, actor: User, phase: Phase) -> None:
    """Remove a phase with its milestones; their owners' open tasks are cancelled."""
    campaign = phase.campaign
    _require_plan_edit(actor, campaign)
    with transaction.atomic():
        _audit(actor, "phase.delete", gettext_noop("Phase removed: %(phase)s"), campaign,
               **_phase_data(phase))
        for milestone in phase.milestones.all():
            _milestone_tasks_end(milestone, TaskStatus.CANCELLED)
        phase.delete()


def phase_standard_plan(*, actor: User, campaign: Campaign) -> list[Phase]:
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


# --- milestones -------------------------------------------------------------------------


def _team_member(campaign: Campaign, owner: object) -> User | None:
    """``owner`` (a user, a user id or a username) if they belong to the campaign's team.

    One answer for "no such user" and "someone of another team", so no door
    tells whether a username exists elsewhere.
    """
    if owner is None or owner == "":
        return None
    members = get_user_model().objects.filter(memberships__team_id=campaign.team_id)
    if isinstance(owner, AbstractBaseUser):
        found = members.filter(pk=owner.pk).first()
    elif isinstance(owner, int):
        found = members.filter(pk=owner).first()
    else:
        found = members.filter(username=str(owner)).first()
    if found is None:
        raise ValidationError({"owner": _("The owner must be a member of the campaign's team.")})
    return found


def _clean_milestone(phase: Phase, values: dict) -> dict:
    campaign = phase.campaign

    def title() -> str:
        text = _text(values.get("title"), "title", TEXT_LIMIT)
        if not text:
            raise ValidationError({"title": _("Give the milestone a title.")})
        return text

    def due() -> datetime.date:
        date = _date(values.get("due_date"), "due_date")
        if not campaign.start_date <= date <= campaign.end_date:
            raise ValidationError({"due_date": _(
                "The due date must lie within the campaign (%(start)s – %(end)s)."
            ) % {"start": campaign.start_date, "end": campaign.end_date}})
        return date

    cleaned_title, cleaned_due, owner = _collect_errors(
        title, due, lambda: _team_member(campaign, values.get("owner")),
    )
    return {"title": cleaned_title, "due_date": cleaned_due, "owner": owner}


def milestone_create(*, actor: User, phase: Phase, **values: object) -> Milestone:
    """Add a milestone; its owner (a member of the campaign's team) gets a task."""
    campaign = phase.campaign
    _require_plan_edit(actor, campaign)
    cleaned = _clean_milestone(phase, values)
    with transaction.atomic():
        milestone = Milestone.objects.create(phase=phase, **cleaned)
        _audit(actor, "milestone.create", gettext_noop("Milestone added: %(title)s"), campaign,
               title=milestone.title, due=str(milestone.due_date))
        _milestone_tasks_follow(actor, milestone, campaign)
    return milestone


def milestone_task_key(milestone: Milestone, owner_id: int) -> str:
    """The occasion of a milestone task: this owner is answerable for this milestone."""
    return f"milestone-owner:{milestone.pk}:{owner_id}"


def _milestone_task_title(milestone: Milestone, campaign: Campaign) -> str:
    # No words of ours in it: the title reads the same in every language.
    return Truncator(f"{milestone.title} · {campaign.name}").chars(TEXT_LIMIT)


def _milestone_tasks_end(milestone: Milestone, status: str) -> None:
    _tasks_of(milestone).filter(status=TaskStatus.OPEN).update(
        status=status, completed_at=timezone.now() if status == TaskStatus.DONE else None,
    )


def _milestone_tasks_follow(
    actor: User, milestone: Milestone, campaign: Campaign
) -> None:
    """Keep the owner's task in step with the milestone: moved, renamed, reassigned or ended.

    The owner has one task per milestone (``milestone_task_key``): assigned
    again after it was cancelled, or the milestone reopened after it was done,
    the same task opens again rather than a second one appearing.
    """
    if milestone.owner_id is None or milestone.done_at is not None:
        _milestone_tasks_end(
            milestone, TaskStatus.DONE if milestone.done_at else TaskStatus.CANCELLED
        )
        return
    title = _milestone_task_title(milestone, campaign)
    assert milestone.owner is not None  # a milestone without an owner ended its tasks above
    task = task_create(
        team=campaign.team, owner=milestone.owner, title=title,
        due_date=milestone.due_date, source=milestone, created_by=actor,
        dedup_key=milestone_task_key(milestone, milestone.owner_id),
    )
    # Tasks of earlier owners (and any made before tasks carried keys) end here.
    _tasks_of(milestone).filter(status=TaskStatus.OPEN).exclude(pk=task.pk).update(
        status=TaskStatus.CANCELLED
    )
    if (task.status, task.title, task.due_date) != (TaskStatus.OPEN, title, milestone.due_date):
        Task.objects.filter(pk=task.pk).update(
            status=TaskStatus.OPEN, completed_at=None, title=title, due_date=milestone.due_date,
        )


def milestone_update(
    *, actor: User, milestone: Milestone, **values: object
) -> Milestone:
    """Change a milestone (also move it to another phase of the same campaign)."""
    campaign = milestone.phase.campaign
    _require_plan_edit(actor, campaign)
    phase = cast(Phase, values.pop("phase", None) or milestone.phase)
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


def milestone_set_done(
    *, actor: User, milestone: Milestone, done: bool
) -> Milestone:
    """Tick a milestone off (or reopen it); allowed while the campaign runs."""
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


def milestone_delete(*, actor: User, milestone: Milestone) -> None:
    """Remove a milestone; its owner's open task is cancelled."""
    campaign = milestone.phase.campaign
    _require_plan_edit(actor, campaign)
    with transaction.atomic():
        _audit(actor, "milestone.delete", gettext_noop("Milestone removed: %(title)s"), campaign,
               title=milestone.title)
        _milestone_tasks_end(milestone, TaskStatus.CANCELLED)
        milestone.delete()


def _cancel_milestone_tasks(campaign: Campaign) -> None:
    """Every open milestone task of the campaign ends (the campaign is cancelled or deleted)."""
    milestone_ids = [
        str(pk) for pk in Milestone.objects.filter(phase__campaign=campaign)
        .values_list("pk", flat=True)
    ]
    Task.objects.filter(
        source_type=ContentType.objects.get_for_model(Milestone), source_id__in=milestone_ids,
        status=TaskStatus.OPEN,
    ).update(status=TaskStatus.CANCELLED)

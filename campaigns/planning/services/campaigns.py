"""Campaigns themselves: create, change (moving the timeline along), copy, delete."""

import datetime

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from teams.models import TaskStatus, Team

from ..models import KPI, Campaign, CampaignStatus, Gender, Goal, Milestone, Objective, Phase
from ._validation import (
    DESCRIPTION_LIMIT,
    MAX_BUDGET,
    TEXT_LIMIT,
    _audit,
    _check_choice,
    _check_dates,
    _clean_audience,
    _collect_errors,
    _date,
    _decimal,
    _require,
    _require_plan_edit,
    _shifted,
    _text,
)
from .lifecycle import _close_approval_tasks
from .timeline import _cancel_milestone_tasks

CAMPAIGN_FIELDS = (
    "name", "objective", "description", "budget", "start_date", "end_date",
    "target_age_bands", "target_gender", "target_interests",
)


def _clean_name(value: object) -> str:
    name = _text(value, "name", TEXT_LIMIT)
    if not name:
        raise ValidationError({"name": _("Give the campaign a name.")})
    return name


def _clean_dates(values: dict) -> tuple[datetime.date, datetime.date]:
    start, end = _collect_errors(
        lambda: _date(values.get("start_date"), "start_date"),
        lambda: _date(values.get("end_date"), "end_date"),
    )
    _check_dates(start, end)
    return start, end


def _validate_campaign(values: dict) -> dict:
    """The campaign's fields, checked together so every mistake is reported at once."""
    name, description, _objective, (start, end), budget, (bands, gender, interests) = (
        _collect_errors(
        lambda: _clean_name(values.get("name")),
        lambda: _text(values.get("description"), "description", DESCRIPTION_LIMIT),
        lambda: _check_choice(values.get("objective"), Objective, "objective"),
        lambda: _clean_dates(values),
        lambda: _decimal(values.get("budget", 0) or 0, "budget", maximum=MAX_BUDGET),
        lambda: _clean_audience(
            values.get("target_age_bands"), values.get("target_gender") or Gender.ANY,
            values.get("target_interests"),
        ),
    ))
    return {
        "name": name, "objective": values["objective"],
        "description": description, "budget": budget,
        "start_date": start, "end_date": end, "target_age_bands": bands,
        "target_gender": gender, "target_interests": interests,
    }


def campaign_create(*, actor: User, team: Team, **values: object) -> Campaign:
    """Create a draft campaign in ``team`` owned by the actor."""
    _require(actor, team, "campaign.edit", _("You may not plan campaigns in this team."))
    cleaned = _validate_campaign(values)
    with transaction.atomic():
        campaign = Campaign.objects.create(team=team, owner=actor, **cleaned)
        _audit(actor, "campaign.create", gettext_noop("Campaign drafted"), campaign)
    return campaign


def campaign_update(
    *, actor: User, campaign: Campaign, shift_phases: bool = False, **values: object
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
    *, actor: User, campaign: Campaign, start_date: object, name: str = ""
) -> Campaign:
    """Copy a campaign's plan (goals, KPIs, phases, milestones) as a new draft.

    Every date moves by the same amount so the new plan starts on ``start_date``.
    """
    _require(
        actor, campaign.team_id, "campaign.edit", _("You may not plan campaigns in this team.")
    )
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


def campaign_delete(*, actor: User, campaign: Campaign) -> None:
    """Delete a draft; anything past draft is cancelled instead, to keep its history."""
    _require(actor, campaign.team_id, "campaign.edit", _("You may not change this campaign."))
    if campaign.status != CampaignStatus.DRAFT:
        raise ValidationError({"status": _(
            "Only drafts can be deleted; cancel the campaign instead."
        )})
    with transaction.atomic():
        _audit(actor, "campaign.delete", gettext_noop("Campaign deleted: %(name)s"), campaign,
               name=campaign.name)
        _close_approval_tasks(campaign, TaskStatus.CANCELLED)
        _cancel_milestone_tasks(campaign)
        campaign.delete()

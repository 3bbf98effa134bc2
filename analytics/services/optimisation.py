"""Optimisation (S2.4.3): actions taken on findings, tracked to done, measured before and after.

An action has an owner, a due date and the effect it should have on a KPI; it
is handed to its owner as a task. Once done, the KPI is measured over the same
number of days before and after the day it was done, so the team sees whether
the change worked. Budget reallocation is only ever suggested
(``selectors.dashboards.budget_reallocation``); nothing here moves money.
"""

from __future__ import annotations

import datetime
from typing import cast

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from campaigns.planning.models import KPI, Campaign
from teams.models import Membership, Task, TaskStatus
from teams.selectors import user_can
from teams.services import audit_record, task_create

from ..models import ActionStatus, Finding, OptimisationAction
from ..selectors.metrics import campaign_metric_total

DAY = datetime.timedelta(days=1)
MAX_WINDOW_DAYS = 90


def action_task_key(action: OptimisationAction) -> str:
    return f"optimisation-action:{action.pk}"


def _may_plan_actions(actor: User, campaign: Campaign) -> bool:
    return user_can(actor, campaign.team_id, "evaluation.edit") or user_can(
        actor, campaign.team_id, "campaign.edit"
    )


def action_create(
    *,
    actor: User,
    campaign: Campaign,
    title: str,
    expected_effect: str,
    owner: User | None,
    due_date: datetime.date | None,
    kpi: KPI | None = None,
    finding: Finding | None = None,
    window_days: int = 7,
    today: datetime.date | None = None,
) -> OptimisationAction:
    """An action on a campaign (usually from a finding), handed to its owner as a task."""
    today = today or timezone.localdate()
    if not _may_plan_actions(actor, campaign):
        raise PermissionDenied(_("You may not plan optimisation actions for this campaign."))
    errors: dict[str, str] = {}
    title = (title or "").strip()
    expected_effect = (expected_effect or "").strip()
    if not title:
        errors["title"] = _("Say what will be changed.")
    elif len(title) > cast(int, OptimisationAction._meta.get_field("title").max_length):
        errors["title"] = _("Keep the title under 200 characters.")
    if not expected_effect:
        errors["expected_effect"] = _("Say what the change should do to the KPI.")
    elif len(expected_effect) > cast(int, OptimisationAction._meta.get_field("expected_effect").max_length):
        errors["expected_effect"] = _("Keep the expected effect under 300 characters.")
    if owner is None or not Membership.objects.filter(
        team_id=campaign.team_id, user_id=owner.pk
    ).exists():
        errors["owner"] = _("The owner must be a member of the campaign's team.")
    if due_date is None:
        errors["due_date"] = _("Enter a due date.")
    elif due_date < today:
        errors["due_date"] = _("The due date must not be in the past.")
    if kpi is not None and kpi.goal.campaign_id != campaign.pk:
        errors["kpi"] = _("Choose a KPI of this campaign.")
    if finding is not None and finding.campaign_id != campaign.pk:
        errors["finding"] = _("Choose a finding of this campaign.")
    if not isinstance(window_days, int) or not 1 <= window_days <= MAX_WINDOW_DAYS:
        errors["window_days"] = _("Measure over 1 to %(max)s days.") % {"max": MAX_WINDOW_DAYS}
    if errors:
        raise ValidationError(errors)
    # A missing owner or due date was refused with the other errors above.
    assert owner is not None
    assert due_date is not None
    with transaction.atomic():
        action = OptimisationAction.objects.create(
            campaign=campaign, finding=finding, kpi=kpi, title=title,
            expected_effect=expected_effect, owner=owner, due_date=due_date,
            window_days=window_days, created_by=actor,
        )
        action.task = task_create(
            team=campaign.team, owner=owner,
            # No words of ours in the title: it reads the same in every language.
            title=Truncator(f"{title} · {campaign.name}").chars(
                cast(int, Task._meta.get_field("title").max_length)
            ),
            due_date=due_date, description=expected_effect, source=action, created_by=actor,
            dedup_key=action_task_key(action),
        )
        action.save(update_fields=["task"])
        audit_record(
            actor=actor, action="optimisation_action.create", target=campaign,
            team=campaign.team, summary=gettext_noop("Optimisation action planned: %(title)s"),
            data={"title": title},
        )
    return action


def _measure(action: OptimisationAction, start: datetime.date, end: datetime.date):
    kpi = action.kpi
    if kpi is None:
        return None
    return campaign_metric_total(
        action.campaign, kpi.metric, start=start, end=end,
        platform=kpi.platform.code if kpi.platform is not None else None,
    )


def _done_day(action: OptimisationAction) -> datetime.date:
    return timezone.localdate(action.done_at)


def _finish(action: OptimisationAction, done_at: datetime.datetime) -> None:
    action.status, action.done_at = ActionStatus.DONE, done_at
    day = _done_day(action)
    action.value_before = _measure(action, day - action.window_days * DAY, day - DAY)
    action.save(update_fields=["status", "done_at", "value_before"])


def action_complete(
    *, actor: User, action: OptimisationAction
) -> OptimisationAction:
    """Mark an action done: its task closes and the KPI before it is measured.

    The owner, team leads and analysts may; an action already done stays as it was.
    """
    campaign = action.campaign
    if not (
        actor.pk == action.owner_id
        or user_can(actor, campaign.team_id, "team.manage")
        or user_can(actor, campaign.team_id, "evaluation.edit")
    ):
        raise PermissionDenied(_("Only the owner or a manager may complete this action."))
    if action.status != ActionStatus.OPEN:
        raise ValidationError(_("This action is no longer open."))
    with transaction.atomic():
        _finish(action, timezone.now())
        # An action without a task (its task was deleted) has nothing to close.
        if action.task_id is not None:
            Task.objects.filter(pk=action.task_id, status=TaskStatus.OPEN).update(
                status=TaskStatus.DONE, completed_at=action.done_at
            )
        audit_record(
            actor=actor, action="optimisation_action.done", target=campaign, team=campaign.team,
            summary=gettext_noop("Optimisation action done: %(title)s"),
            data={"title": action.title},
        )
    return action


def actions_follow_up(
    *, campaign: Campaign, today: datetime.date | None = None
) -> list[OptimisationAction]:
    """Bring a campaign's actions up to date with their tasks and the data.

    An open action whose task was done (or cancelled) on the tasks page
    follows it; a done action gets its "after" value once as many days have
    passed after it as were measured before it. Returns the actions changed;
    running again changes nothing more.
    """
    today = today or timezone.localdate()
    changed = []
    actions = OptimisationAction.objects.filter(campaign=campaign).select_related(
        "task", "kpi__platform", "campaign"
    )
    with transaction.atomic():
        for action in actions.filter(status=ActionStatus.OPEN, task__isnull=False):
            task = action.task
            assert task is not None  # filtered on task__isnull=False
            if task.status == TaskStatus.DONE:
                _finish(action, task.completed_at or timezone.now())
                changed.append(action)
            elif task.status == TaskStatus.CANCELLED:
                action.status = ActionStatus.CANCELLED
                action.save(update_fields=["status"])
                changed.append(action)
        for action in actions.filter(
            status=ActionStatus.DONE, value_after__isnull=True, kpi__isnull=False
        ):
            day = _done_day(action)
            last = day + (action.window_days - 1) * DAY
            if last >= today:
                continue  # the "after" days are not all in yet
            action.value_after = _measure(action, day, last)
            if action.value_after is not None:
                action.save(update_fields=["value_after"])
                changed.append(action)
    return changed

"""The campaign lifecycle: submission for approval, status moves, and moves by date.

Which moves exist and who may make them is declared once in
``campaigns.planning.transitions``; this module adds what happens around a
move (the SMART gate on approval, the approvers' tasks, the audit row).
"""

import datetime

from django.conf import settings
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from teams.models import Membership, TaskStatus
from teams.roles import Role
from teams.services import task_create

from ..models import Campaign, Phase, PhaseKind
from ..models import CampaignStatus as S
from ..smart import smart_check
from ..transitions import (
    CAMPAIGN_LIFECYCLE,
    date_refusal,
    ended_refusal,
    next_step_by_dates,
)
from ._validation import REASON_LIMIT, TEXT_LIMIT, _audit, _require, _tasks_of, _text
from .timeline import _cancel_milestone_tasks

# Who decides on a submitted plan: holders of ``campaign.approve`` in the team.
APPROVER_ROLES = (Role.MANAGER, Role.ADMIN)


def approval_task_key(campaign: Campaign, approver_id: int) -> str:
    """The occasion of an approval task: this approver, this submission of this plan.

    A plan returned to draft and submitted again is a new occasion (a new
    ``submitted_at``), so the approvers get fresh tasks; a retried submission is not.
    """
    assert campaign.submitted_at is not None  # approvers are asked for a submitted campaign
    return f"campaign-approval:{campaign.pk}:{approver_id}:{campaign.submitted_at.isoformat()}"


def campaign_submit(*, actor: User, campaign: Campaign, reason: str = "") -> Campaign:
    """A draft goes to the team's managers for approval; the SMART check must not fail
    and the campaign's end date must not have passed.

    Each approver gets one task per submission (de-duplicated by
    ``approval_task_key``).
    """
    _require(actor, campaign.team_id, "campaign.submit", _("You may not submit this campaign."))
    reason = _text(reason, "reason", REASON_LIMIT)
    with transaction.atomic():
        campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)
        if campaign.status != S.DRAFT:
            raise ValidationError({"to": _("Only a draft can be submitted for approval.")})
        if campaign.submitted_at is not None:
            raise ValidationError({"to": _(
                "This plan is already submitted and awaits a manager's decision."
            )})
        if campaign.end_date < timezone.localdate():
            raise ValidationError({"to": ended_refusal(campaign.end_date)})
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
            team_id=campaign.team_id, role__in=APPROVER_ROLES
        ).select_related("user")
        title = _approval_title(campaign)
        for membership in approvers:
            task_create(
                team=campaign.team, owner=membership.user, title=title,
                due_date=campaign.start_date, source=campaign, created_by=actor,
                dedup_key=approval_task_key(campaign, membership.user_id),
            )
    return campaign


def _approval_title(campaign: Campaign) -> str:
    # Written in the site language (one title for every approver).
    with translation.override(settings.LANGUAGE_CODE):
        title = _("Approve the plan of “%(name)s”") % {"name": campaign.name}
    return Truncator(title).chars(TEXT_LIMIT)


def _close_approval_tasks(campaign: Campaign, status: str) -> None:
    """The approvers' open "approve the plan" tasks end once someone decides.

    Found by their source (the campaign) and owners (the team's approvers), not
    by title, so a draft renamed after submission still closes them.
    """
    approvers = Membership.objects.filter(
        team_id=campaign.team_id, role__in=APPROVER_ROLES
    ).values("user_id")
    _tasks_of(campaign).filter(owner_id__in=approvers, status=TaskStatus.OPEN).update(
        status=status, completed_at=timezone.now() if status == TaskStatus.DONE else None,
    )


def transitions_allowed(actor: User, campaign: Campaign) -> list[str]:
    """Statuses the actor may move the campaign to now (for the action buttons)."""
    return CAMPAIGN_LIFECYCLE.targets(
        actor=actor, team=campaign.team_id, source=campaign.status
    )


def campaign_transition(
    *, actor: User | None, campaign: Campaign, to: str, reason: str = "",
    expected_from: str | None = None, today: datetime.date | None = None,
) -> Campaign:
    """Move a campaign along its lifecycle; ``actor=None`` is the date-following job.

    Only moves declared in ``CAMPAIGN_LIFECYCLE`` happen, by the roles it names;
    the job only takes its automatic moves. Approving a plan (draft → planned)
    needs a SMART check without failures and an end date not yet passed; nobody
    starts a campaign before its start date (``transitions.date_refusal``). With ``expected_from`` the move only
    happens from that status, checked under the row lock: a campaign someone
    paused meanwhile stays paused. ``today`` is the date job's day (default: today).
    """
    if actor is None and expected_from is None:
        raise PermissionDenied(_("Automatic moves must name the status they start from."))
    reason = _text(reason, "reason", REASON_LIMIT)
    with transaction.atomic():
        campaign = Campaign.objects.select_for_update().select_related("team").get(pk=campaign.pk)
        frm = campaign.status
        if expected_from is not None and frm != expected_from:
            if actor is None:
                return campaign  # someone moved it meanwhile; the job leaves it alone
            raise ValidationError({"to": _(
                "The campaign's status changed meanwhile; reload the page and try again."
            )})
        CAMPAIGN_LIFECYCLE.check(actor=actor, team=campaign.team_id, source=frm, target=to)
        refusal = date_refusal(
            start_date=campaign.start_date, end_date=campaign.end_date, source=frm, target=to,
            today=today or timezone.localdate(),
        )
        if refusal:
            raise ValidationError({"to": refusal})
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
    """Where the dates say a planned-or-later campaign should be (S2.1.3 phases).

    Compares dates only (no date arithmetic), so a plan that ends at the edge
    of the calendar cannot overflow.
    """
    def first_start(kind: str) -> datetime.date | None:
        starts = [p.start_date for p in phases if p.kind == kind]
        return min(starts) if starts else None

    if today > campaign.end_date:
        return S.EVALUATING
    evaluation = first_start(PhaseKind.EVALUATION)
    if evaluation and today >= evaluation:
        return S.EVALUATING
    promotion = first_start(PhaseKind.PROMOTION)
    production_ends = [p.end_date for p in phases if p.kind == PhaseKind.PRODUCTION]
    if promotion is not None:
        promoting = today >= promotion
    elif production_ends:
        # Without a promotion phase, promotion starts the day after production ends.
        promoting = today > max(production_ends)
    else:
        promoting = today >= campaign.start_date
    if promoting:
        return S.RUNNING
    production = first_start(PhaseKind.PRODUCTION)
    if production and today >= production:
        return S.IN_PRODUCTION
    return S.PLANNED


def campaign_follow_dates(
    *, campaign: Campaign, today: datetime.date | None = None
) -> list[str]:
    """Move a dated campaign forward as its dates are reached; the statuses it passed.

    Idempotent: a campaign already where its dates say stays put. Never moves
    backwards, never touches drafts, paused, closed or cancelled campaigns
    (only the lifecycle's automatic moves are taken).
    """
    today = today or timezone.localdate()
    moved: list[str] = []
    phases = list(campaign.phases.all())
    wanted = _status_by_dates(campaign, phases, today)
    while True:
        current = Campaign.objects.values_list("status", flat=True).get(pk=campaign.pk)
        step = next_step_by_dates(current, wanted)
        if step is None:
            return moved
        campaign = campaign_transition(
            actor=None, campaign=campaign, to=step, expected_from=current, today=today,
            reason=gettext_noop("Status follows the campaign's dates"),
        )
        if campaign.status != step:
            return moved  # changed by someone else meanwhile: leave it
        moved.append(step)

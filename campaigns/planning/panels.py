"""Home dashboard panels of campaign planning: my campaigns with KPI progress, and
campaigns awaiting the user's approval (registered in ``CampaignsConfig.ready``)."""

from __future__ import annotations

from django.urls import reverse
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from teams.panels import (
    SECTION_REVIEW,
    SECTION_WORK,
    Panel,
    PanelContent,
    PanelRow,
    campaign_progress,
    first_rows_and_total,
    register_panel,
)
from teams.selectors import teams_where, user_can_anywhere

from . import selectors
from .models import Campaign, CampaignStatus

# Campaigns whose work is over drop off the home page (they stay in the list).
_FINISHED = (CampaignStatus.CLOSED, CampaignStatus.CANCELLED)
STATUS_TONES = {
    CampaignStatus.DRAFT: "secondary",
    CampaignStatus.PLANNED: "info",
    CampaignStatus.IN_PRODUCTION: "primary",
    CampaignStatus.RUNNING: "success",
    CampaignStatus.EVALUATING: "warning",
    CampaignStatus.PAUSED: "dark",
}


def _row(campaign: Campaign, progress=None) -> PanelRow:
    return PanelRow(
        title=campaign.name,
        url=reverse("campaigns:detail", args=[campaign.pk]),
        meta=(
            f"{campaign.team.name} · {date_format(campaign.start_date)}"
            f" – {date_format(campaign.end_date)}"
        ),
        badge=campaign.get_status_display(),
        tone=STATUS_TONES.get(campaign.status, "secondary"),
        progress=progress,
    )


def my_campaigns(user) -> PanelContent:
    """Campaigns still in play, ending soonest first, each with its KPI progress."""
    qs = selectors.campaigns_visible_to(user).exclude(status__in=_FINISHED).order_by(
        "end_date", "pk"
    )
    shown, total = first_rows_and_total(qs)
    progress = campaign_progress(c.pk for c in shown)
    return PanelContent(rows=[_row(c, progress.get(c.pk)) for c in shown], total=total)


def awaiting_approval(user) -> PanelContent | None:
    """Submitted plans in the teams where the user approves campaigns; ``None`` elsewhere."""
    if not user_can_anywhere(user, "campaign.approve"):
        return None
    teams = [t.pk for t in teams_where(user, "campaign.approve")]
    qs = selectors.campaigns_visible_to(user).filter(
        team_id__in=teams, status=CampaignStatus.DRAFT, submitted_at__isnull=False
    ).order_by("submitted_at", "pk")
    shown, total = first_rows_and_total(qs)
    return PanelContent(rows=[_row(c) for c in shown], total=total)


def _plan_first(user):
    if user_can_anywhere(user, "campaign.edit"):
        return _("Plan your first campaign"), "campaigns:create"
    return None


def register() -> None:
    register_panel(Panel(
        key="campaigns.mine", title=_("My campaigns"), icon="bi-bullseye",
        section=SECTION_WORK, order=10, read=my_campaigns,
        empty_text=_(
            "A campaign starts with a goal: what you want to achieve, how you will measure "
            "it and by when."
        ),
        more_url="campaigns:list", more_label=_("All campaigns"), empty_action=_plan_first,
    ))
    register_panel(Panel(
        key="campaigns.approval", title=_("Campaigns awaiting approval"), icon="bi-check2-square",
        section=SECTION_REVIEW, order=10, read=awaiting_approval,
        empty_text=_("No plan is waiting for your approval."),
        more_url="campaigns:list", more_label=_("All campaigns"),
    ))

"""Meeting agendas from live data (S3.3.2), and what teams needs to know about campaigns.

Teams is the ground floor and never imports the floors above; analytics is
the top floor and reads them all. So this module hands teams, from
``AnalyticsConfig.ready()`` (``connect_to_teams``):

- the **campaign directory**: campaigns, who may see them, and how each
  record that tasks point at leads to its campaign (RACI per campaign, the
  task board's campaign filter);
- the **agenda contributor**: for a meeting, the lines about its team's
  campaigns — status and phase, KPIs behind pace with their gap, open
  incidents, replies past their first-response deadline, content waiting
  for review, plans waiting for approval. Teams writes its own sections
  (last meeting's action items, overdue tasks, pending decisions) and
  stores every line in its records.

Everything is read through the owning app's scoped selectors, as the
meeting's organiser would see it, and limited to the meeting's team. Lines
are message ids with parameters, so each participant reads them in their
own language.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_noop

from campaigns.content.models import ContentItem, ContentStatus
from campaigns.content.selectors import item_list
from campaigns.engagement.models import Interaction
from campaigns.engagement.selectors import InboxFilters, inbox
from campaigns.planning.models import Campaign, CampaignStatus, Milestone, PhaseKind
from campaigns.planning.selectors import campaigns_visible_to
from compliance.risk.models import IncidentSeverity, IncidentStatus
from compliance.risk.selectors import incidents_for
from platforms.metrics import Metric, format_metric_value
from teams.hooks import (
    AgendaEntry,
    CampaignDirectory,
    register_agenda_contributor,
    register_campaign_directory,
)
from teams.messages import label_param
from teams.models import AgendaSection, Meeting

from ..models import OptimisationAction, PhaseReview
from ..selectors.kpis import (
    AT_RISK,
    BEHIND,
    PACING_LABELS,
    PACING_ORDER,
    KPIStatus,
    is_derived,
    kpi_statuses,
    kpis_of_campaigns,
)

# Campaigns a team meeting talks about: those being prepared, run or evaluated.
ACTIVE_STATUSES = (
    CampaignStatus.PLANNED, CampaignStatus.IN_PRODUCTION, CampaignStatus.RUNNING,
    CampaignStatus.PAUSED, CampaignStatus.EVALUATING,
)
SECTION_LIMIT = 15


def connect_to_teams() -> None:
    """Register the campaign directory and the agenda contributor with teams (idempotent)."""
    register_campaign_directory(CampaignDirectory(
        model=Campaign,
        visible_to=campaigns_visible_to,
        team_field="team",
        source_paths={
            Campaign: "pk",
            Milestone: "phase__campaign_id",
            ContentItem: "campaign_id",
            Interaction: "campaign_id",
            PhaseReview: "campaign_id",
            OptimisationAction: "campaign_id",
        },
    ))
    register_agenda_contributor("analytics", agenda_entries)


def _more(section: str, entries: list[AgendaEntry], total: int) -> list[AgendaEntry]:
    if total > len(entries):
        entries.append(AgendaEntry(
            section=section, msgid=gettext_noop("…and %(count)s more"),
            params={"count": total - len(entries)},
        ))
    return entries


def _campaign_lines(campaigns: list[Campaign], day: datetime.date) -> list[AgendaEntry]:
    entries = []
    for campaign in campaigns:
        phases = sorted(campaign.phases.all(), key=lambda p: (p.start_date, p.order, p.pk))
        current = next((p for p in phases if p.start_date <= day <= p.end_date), None)
        upcoming = next((p for p in phases if p.start_date > day), None)
        params = {
            "campaign": campaign.name,
            "status": label_param(CampaignStatus(campaign.status).label),
        }
        if current is not None:
            msgid = gettext_noop("%(campaign)s: %(status)s, phase %(phase)s until %(end)s")
            params |= {"phase": current.name or label_param(PhaseKind(current.kind).label),
                       "end": current.end_date.isoformat()}
        elif upcoming is not None:
            msgid = gettext_noop("%(campaign)s: %(status)s, next phase %(phase)s from %(start)s")
            params |= {"phase": upcoming.name or label_param(PhaseKind(upcoming.kind).label),
                       "start": upcoming.start_date.isoformat()}
        else:
            msgid = gettext_noop("%(campaign)s: %(status)s, no phase under way")
        entries.append(AgendaEntry(
            section=AgendaSection.CAMPAIGNS, msgid=msgid, params=params, source=campaign,
            url=campaign.get_absolute_url(),
        ))
    return entries


def _metric_param(metric: str) -> dict | str:
    try:
        return label_param(Metric(metric).label)
    except ValueError:
        return metric


def _shown(metric: str, value: Decimal | None) -> str:
    # format_metric_value reads every value through float(); its annotation names only float.
    return format_metric_value(metric, None if value is None else float(value))


def _gap(status: KPIStatus) -> tuple[str, str]:
    """The shortfall against the straight line (rates: against the target), and its share."""
    reference = status.target if is_derived(status.metric) else status.expected
    if status.actual is None or not reference:
        return _shown(status.metric, reference), "100%"
    shortfall = reference - status.actual
    return (
        _shown(status.metric, abs(shortfall)),
        f"{float(abs(shortfall) / reference) * 100:.0f}%",
    )


def _lag_order(status: KPIStatus) -> tuple[int, Decimal | int, int]:
    """At risk before behind, then the least progress first."""
    assert status.pacing is not None  # only KPIs behind or at risk are ordered
    return PACING_ORDER[status.pacing], status.progress or 0, status.id


def _kpi_lines(campaigns: list[Campaign], today: datetime.date) -> list[AgendaEntry]:
    by_id = {c.pk: c for c in campaigns}
    statuses = [
        s for s in kpi_statuses(kpis_of_campaigns(list(by_id)), today=today)
        if s.pacing in (BEHIND, AT_RISK)
    ]
    statuses.sort(key=_lag_order)
    entries = []
    for status in statuses:
        pacing = status.pacing
        assert pacing is not None  # only KPIs behind or at risk are listed
        campaign = by_id[status.kpi.goal.campaign_id]
        gap, share = _gap(status)
        reference = status.target if is_derived(status.metric) else status.expected
        entries.append(AgendaEntry(
            section=AgendaSection.KPIS,
            msgid=gettext_noop(
                "%(campaign)s — %(metric)s %(pacing)s: %(actual)s against %(expected)s "
                "expected by now, gap %(gap)s (%(share)s)"
            ),
            params={
                "campaign": campaign.name,
                "metric": _metric_param(status.metric),
                "pacing": label_param(PACING_LABELS[pacing]),
                "actual": _shown(status.metric, status.actual),
                "expected": _shown(status.metric, reference),
                "gap": gap, "share": share,
            },
            source=campaign,
            url=reverse("analytics:campaign_dashboard", args=[campaign.pk]),
        ))
    return entries


def _incident_lines(reader, team_id: int) -> list[AgendaEntry]:
    incidents = incidents_for(reader, status="active").filter(team_id=team_id)
    total = incidents.count()
    entries = [
        AgendaEntry(
            section=AgendaSection.INCIDENTS,
            msgid=gettext_noop("%(title)s — %(severity)s, %(status)s since %(opened)s"),
            params={
                "title": incident.title,
                "severity": label_param(IncidentSeverity(incident.severity).label),
                "status": label_param(IncidentStatus(incident.status).label),
                "opened": timezone.localtime(incident.opened_at).date().isoformat(),
            },
            source=incident, url=reverse("risk:incident_detail", args=[incident.pk]),
        )
        for incident in incidents[:SECTION_LIMIT]
    ]
    return _more(AgendaSection.INCIDENTS, entries, total)


def _reply_lines(reader, team_id: int, now: datetime.datetime) -> list[AgendaEntry]:
    late = inbox(reader, InboxFilters(overdue=True, team=team_id), now=now).order_by(
        "response_due_at", "pk"
    )
    total = late.count()
    entries = [
        AgendaEntry(
            section=AgendaSection.OVERDUE_REPLIES,
            msgid=gettext_noop("%(account)s: “%(text)s” — reply was due %(due)s"),
            params={
                "account": str(interaction.account),
                "text": interaction.text[:60],
                "due": timezone.localtime(interaction.response_due_at).strftime("%Y-%m-%d %H:%M"),
            },
            source=interaction, url=interaction.get_absolute_url(),
        )
        for interaction in late[:SECTION_LIMIT]
    ]
    return _more(AgendaSection.OVERDUE_REPLIES, entries, total)


def _content_lines(reader, team_id: int) -> list[AgendaEntry]:
    waiting = item_list(reader, status=ContentStatus.IN_REVIEW).filter(team_id=team_id).order_by(
        "submitted_at", "pk"
    )
    total = waiting.count()
    entries = [
        AgendaEntry(
            section=AgendaSection.CONTENT_REVIEW,
            msgid=gettext_noop("%(title)s (%(campaign)s) — waiting since %(since)s"),
            params={
                "title": item.title, "campaign": item.campaign.name,
                "since": (
                    timezone.localtime(item.submitted_at).date().isoformat()
                    if item.submitted_at else "—"
                ),
            },
            source=item, url=item.get_absolute_url(),
        )
        for item in waiting[:SECTION_LIMIT]
    ]
    return _more(AgendaSection.CONTENT_REVIEW, entries, total)


def _approval_lines(reader, team_id: int) -> list[AgendaEntry]:
    waiting = campaigns_visible_to(reader).filter(
        team_id=team_id, status=CampaignStatus.DRAFT, submitted_at__isnull=False
    ).order_by("submitted_at", "pk")
    return [
        AgendaEntry(
            section=AgendaSection.DECISIONS,
            msgid=gettext_noop("Approve the plan of %(campaign)s (submitted %(since)s)"),
            params={"campaign": campaign.name,
                    "since": timezone.localtime(campaign.submitted_at).date().isoformat()},
            source=campaign, url=campaign.get_absolute_url(),
        )
        for campaign in waiting[:SECTION_LIMIT]
    ]


def agenda_entries(meeting: Meeting) -> list[AgendaEntry]:
    """The lines about the meeting's team's campaigns, as its organiser may see them."""
    reader = meeting.organiser
    team_id = meeting.team_id
    now = timezone.now()
    day = timezone.localtime(meeting.starts_at, meeting.team.zone).date()
    campaigns = list(
        campaigns_visible_to(reader).filter(team_id=team_id, status__in=ACTIVE_STATUSES)
        .prefetch_related("phases").order_by("start_date", "pk")
    )
    return [
        *_campaign_lines(campaigns, day),
        *_kpi_lines(campaigns, timezone.localdate()),
        *_incident_lines(reader, team_id),
        *_reply_lines(reader, team_id, now),
        *_content_lines(reader, team_id),
        *_approval_lines(reader, team_id),
    ]

"""Read side of campaigns, always scoped to the acting user's teams."""

import datetime
import hashlib

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet

from teams.selectors import answer_scope, audit_events_for, scope_to_user_teams, user_can

from .models import KPI, Campaign, CampaignStatus, Goal, Milestone, Phase, PhaseKind
from .transitions import FOLLOWS_DATES, LOCKED_STATUSES


def campaigns_visible_to(user) -> QuerySet[Campaign]:
    """Campaigns of the teams the user may see, with team and owner loaded."""
    return scope_to_user_teams(
        Campaign.objects.select_related("team", "owner"), user
    )


def campaign_list_cache_key(user, *, address: str, language: str) -> str:
    """Where the campaign list answer at ``address`` is cached for this user.

    The answer depends on the teams the user sees, so the key holds them and
    the sum of their answer tags (``teams.selectors.answer_scope``: any write
    the list shows sets a new tag), the language and the full address (filters,
    page, the host of the page links). The tags are read before the list
    itself (by the token check, or here): a write committed in between makes
    the stored answer newer than its key, never older.
    """
    scope, tag = answer_scope(user)
    digest = hashlib.sha256(f"{scope}|{tag}|{language}|{address}".encode()).hexdigest()
    return f"campaign-list:{digest}"


def campaign_list(
    user,
    *,
    status: str = "",
    team: int | None = None,
    objective: str = "",
    starts_from: datetime.date | None = None,
    ends_until: datetime.date | None = None,
    search: str = "",
) -> QuerySet[Campaign]:
    """Visible campaigns filtered for the list page; one query whatever the row count."""
    qs = campaigns_visible_to(user).annotate(
        goal_count=Count("goals", distinct=True),
        phase_count=Count("phases", distinct=True),
    )
    if status:
        qs = qs.filter(status=status)
    if team:
        qs = qs.filter(team_id=team)
    if objective:
        qs = qs.filter(objective=objective)
    if starts_from:
        qs = qs.filter(end_date__gte=starts_from)
    if ends_until:
        qs = qs.filter(start_date__lte=ends_until)
    if search:
        qs = qs.filter(Q(name__icontains=search) | Q(description__icontains=search))
    return qs.order_by("-start_date", "-id")


def campaign_detail(user, pk: int) -> Campaign:
    """One visible campaign with its plan preloaded; ``Campaign.DoesNotExist`` otherwise."""
    return (
        campaigns_visible_to(user)
        .prefetch_related(
            Prefetch("goals", queryset=Goal.objects.prefetch_related(
                Prefetch("kpis", queryset=KPI.objects.select_related("platform"))
            )),
            Prefetch("phases", queryset=Phase.objects.prefetch_related(
                Prefetch("milestones", queryset=Milestone.objects.select_related("owner"))
            )),
        )
        .get(pk=pk)
    )


def campaign_ids_due_a_date_move(today: datetime.date) -> list[int]:
    """Ids of campaigns, of every team, whose dates may call for a status move today.

    For the date job (the system, no acting user). A cheap superset: each
    campaign's own task decides with ``services.campaign_follow_dates``.
    Before their start and before any phase began, planned and in-production
    campaigns stay; running ones stay until they end or evaluation begins.
    """
    phase_started = Phase.objects.filter(campaign=OuterRef("pk"), start_date__lte=today)
    running = Q(status=CampaignStatus.RUNNING) & (
        Q(end_date__lt=today) | Exists(phase_started.filter(kind=PhaseKind.EVALUATION))
    )
    earlier = Q(status__in=FOLLOWS_DATES - {CampaignStatus.RUNNING}) & (
        Q(start_date__lte=today) | Exists(phase_started)
    )
    due = Campaign.objects.filter(running | earlier)
    return list(due.order_by("pk").values_list("pk", flat=True))


def goals_visible_to(user) -> QuerySet[Goal]:
    return scope_to_user_teams(
        Goal.objects.select_related("campaign__team"), user, team_field="campaign__team"
    )


def kpis_visible_to(user) -> QuerySet[KPI]:
    return scope_to_user_teams(
        KPI.objects.select_related("goal__campaign__team", "platform"), user,
        team_field="goal__campaign__team",
    )


def phases_visible_to(user) -> QuerySet[Phase]:
    return scope_to_user_teams(
        Phase.objects.select_related("campaign__team"), user, team_field="campaign__team"
    )


def milestones_visible_to(user) -> QuerySet[Milestone]:
    return scope_to_user_teams(
        Milestone.objects.select_related("phase__campaign__team", "owner"), user,
        team_field="phase__campaign__team",
    )


def activity_feed(campaign: Campaign, limit: int = 50) -> list[dict]:
    """The campaign's audit trail as lines people read, newest first.

    Status and metric codes stored in the audit data are shown by their
    labels in the reader's language.
    """
    from django.utils.translation import gettext

    from platforms.metrics import Metric

    lines = []
    for event in audit_events_for(campaign, limit=limit):
        data = dict(event.data or {})
        for key in ("from", "to"):
            if key in data:
                data[key] = _label(CampaignStatus, data[key])
        if "metric" in data:
            data["metric"] = _label(Metric, data["metric"])
        if "phase_kind" in data:
            # A phase without its own name is shown by its kind, in the reader's language.
            data["phase"] = data.get("phase") or _label(PhaseKind, data["phase_kind"])
        if event.action == "campaign.update" and "fields" in data:
            data["fields"] = _field_names(data["fields"])
        try:
            text = gettext(event.summary) % data if data else gettext(event.summary)
        except (KeyError, TypeError, ValueError):
            text = event.message
        reason = event.reason
        if reason and event.actor_id is None:
            reason = gettext(reason)  # reasons of automatic moves are message ids
        lines.append({"event": event, "text": text, "reason": reason})
    return lines


def _field_names(codes: str) -> str:
    """Stored field codes ("name, budget") as the reader's field names."""
    from django.core.exceptions import FieldDoesNotExist

    names = []
    for code in str(codes or "").split(","):
        code = code.strip()
        if not code or code == "-":
            continue
        try:
            # The codes are the campaign's own column names, never a reverse relation.
            names.append(str(Campaign._meta.get_field(code).verbose_name))  # type: ignore[union-attr]
        except FieldDoesNotExist:
            names.append(code)
    return ", ".join(names) if names else "-"


def _label(choices, code) -> str:
    try:
        return str(choices(code).label)
    except ValueError:
        return str(code or "")


def plan_lock_reason(user, campaign: Campaign) -> str:
    """Why ``user`` may not change the plan (goals, KPIs, phases, dates) now; "" if they may.

    A draft is the marketers' to change; once a manager approved it, only
    approvers (``campaign.approve``) adjust it (S2.1); closed and cancelled
    campaigns stay as they were.
    """
    from django.utils.translation import gettext

    if not user_can(user, campaign.team_id, "campaign.edit"):
        return gettext("Your role may not change this campaign.")
    if campaign.status in LOCKED_STATUSES:
        return gettext("A %(status)s campaign can no longer be changed.") % {
            "status": campaign.get_status_display()
        }
    if campaign.status == CampaignStatus.DRAFT:
        return ""
    if user_can(user, campaign.team_id, "campaign.approve"):
        return ""
    if campaign.status == CampaignStatus.PLANNED:
        return gettext(
            "This plan has been approved. Ask a manager to return it to draft "
            "before changing its goals, KPIs, phases or dates."
        )
    return gettext(
        "This plan is being carried out. Ask a manager to adjust its goals, KPIs, "
        "phases or dates."
    )


"""Read side of risk: incidents, plans and drills the user may see (S3.2)."""

import datetime

from django.contrib.auth.models import User
from django.db.models import Count, F, Prefetch, Q, QuerySet

from platforms.models import Platform
from teams.selectors import scope_to_user_teams

from .models import (
    OPEN_STATUSES,
    Drill,
    DrillRun,
    EmergencyPlan,
    Incident,
    IncidentStep,
    IncidentUpdate,
)
from .transitions import INCIDENT_MACHINE


def incidents_for(user: User, *, status: str | None = None) -> QuerySet[Incident]:
    qs = scope_to_user_teams(
        Incident.objects.select_related("team", "owner", "plan").annotate(
            steps_total=Count("steps", distinct=True),
            steps_done=Count("steps", filter=Q(steps__done_at__isnull=False), distinct=True),
        ),
        user,
    )
    if status == "active":
        qs = qs.filter(status__in=OPEN_STATUSES)
    elif status:
        qs = qs.filter(status=status)
    return qs.order_by("-opened_at", "-id")


def platform_names() -> dict[str, str]:
    """Platform code → name in the reader's language (one query)."""
    return {p.code: p.name for p in Platform.objects.only("code", "name_zh", "name_en")}


def label_incident_sources(incidents, names: dict[str, str] | None = None) -> list:
    """Attach ``source_label`` and ``platform_label``: a platform code shows as its name."""
    incidents = list(incidents)
    names = platform_names() if names is None else names
    for incident in incidents:
        incident.source_label = names.get(incident.source, incident.source)
        incident.platform_label = names.get(incident.platform_code, incident.platform_code)
    return incidents


def incident_get(user: User, pk: int) -> Incident:
    """One incident with its steps and timeline; another team's raises DoesNotExist."""
    return (
        scope_to_user_teams(Incident.objects.select_related("team", "owner", "plan"), user)
        .prefetch_related(
            Prefetch("steps", queryset=IncidentStep.objects.select_related("owner", "done_by")),
            Prefetch("updates", queryset=IncidentUpdate.objects.select_related("author")),
        )
        .get(pk=pk)
    )


def incident_step_get(user: User, incident_pk: int, step_pk: int) -> IncidentStep:
    return IncidentStep.objects.select_related("incident__team").get(
        pk=step_pk, incident__in=scope_to_user_teams(Incident.objects.all(), user),
        incident_id=incident_pk,
    )


def plans_for(user: User) -> QuerySet[EmergencyPlan]:
    return scope_to_user_teams(
        EmergencyPlan.objects.select_related("team", "approved_by").annotate(
            steps_count=Count("steps")
        ),
        user,
    ).order_by("team__name", "incident_type")


def plan_get(user: User, pk: int) -> EmergencyPlan:
    return (
        scope_to_user_teams(EmergencyPlan.objects.select_related("team", "approved_by"), user)
        .prefetch_related("steps__owner")
        .get(pk=pk)
    )


def drills_for(user: User) -> QuerySet[Drill]:
    return scope_to_user_teams(
        Drill.objects.select_related("team", "plan", "owner").prefetch_related(
            Prefetch("runs", queryset=DrillRun.objects.select_related("recorded_by"))
        ),
        user,
    ).order_by("next_due", "id")


def drill_get(user: User, pk: int) -> Drill:
    return drills_for(user).get(pk=pk)


def drill_ids_due_for_reminder(today: datetime.date) -> list[int]:
    """Ids of active drills due by ``today`` whose owner has not been reminded of that date.

    For the beat job, which acts for every team (no user to scope by).
    """
    return list(
        Drill.objects.filter(is_active=True, next_due__lte=today)
        .exclude(last_reminded_for=F("next_due"))
        .order_by("pk").values_list("pk", flat=True)
    )


def incident_next_statuses(user: User, incident: Incident) -> list[str]:
    """The statuses the user may move the incident to now (what pages and the API offer)."""
    return INCIDENT_MACHINE.targets(actor=user, team=incident.team_id, source=incident.status)

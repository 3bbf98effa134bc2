"""Training plans, sessions and attendance as people read them (S3.3.3)."""

from __future__ import annotations

from django.db.models import Count, Prefetch, QuerySet

from ..models import TrainingAttendance, TrainingPlan, TrainingSession
from .access import User, scope_to_user_teams


def plans_visible_to(user: User) -> QuerySet[TrainingPlan]:
    """Plans of the teams the user sees, newest first, with their session count."""
    return scope_to_user_teams(
        TrainingPlan.objects.select_related("team").annotate(session_count=Count("sessions")),
        user,
    ).order_by("-starts_on", "-id")


def plan_get(user: User, pk: int) -> TrainingPlan:
    """One plan with its sessions and their attendance preloaded (DoesNotExist otherwise)."""
    attendance = TrainingAttendance.objects.select_related("membership__user").order_by(
        "membership__user__username"
    )
    return (
        scope_to_user_teams(TrainingPlan.objects.select_related("team", "created_by"), user)
        .prefetch_related(
            Prefetch(
                "sessions",
                queryset=TrainingSession.objects.select_related("trainer").prefetch_related(
                    Prefetch("attendance", queryset=attendance)
                ).order_by("starts_at", "id"),
            )
        )
        .get(pk=pk)
    )


def session_get(user: User, pk: int) -> TrainingSession:
    return scope_to_user_teams(
        TrainingSession.objects.select_related("plan__team", "trainer"), user,
        team_field="plan__team",
    ).get(pk=pk)


def attendance_get(user: User, pk: int) -> TrainingAttendance:
    return scope_to_user_teams(
        TrainingAttendance.objects.select_related(
            "session__plan__team", "session__trainer", "membership__user"
        ),
        user, team_field="session__plan__team",
    ).get(pk=pk)

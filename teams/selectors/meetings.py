"""Meetings as people (and calendar clients) read them."""

from __future__ import annotations

import datetime

from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone
from django.utils.functional import Promise

from ..models import (
    ActionItem,
    AgendaItem,
    AgendaSection,
    CalendarFeed,
    Decision,
    Meeting,
    MeetingSeries,
    MeetingStatus,
    TrainingSession,
)
from .access import User, scope_to_user_teams

# The agenda job writes an agenda this long before a meeting starts.
AGENDA_LEAD = datetime.timedelta(hours=24)
# What a calendar feed carries: recent history and the coming quarter.
FEED_PAST = datetime.timedelta(days=30)
FEED_FUTURE = datetime.timedelta(days=120)


def meetings_visible_to(user: User) -> QuerySet[Meeting]:
    """Meetings of the teams the user sees, with team, series and organiser joined."""
    return scope_to_user_teams(
        Meeting.objects.select_related("team", "series", "organiser"), user
    )


def meeting_list(
    user: User, *, team: int | None = None, when: str = "upcoming", now=None
) -> QuerySet[Meeting]:
    """Upcoming meetings soonest first, or past ones latest first; a fixed number of queries."""
    now = now or timezone.now()
    qs = meetings_visible_to(user).prefetch_related("participants")
    if team:
        qs = qs.filter(team_id=team)
    if when == "past":
        return qs.filter(ends_at__lt=now).order_by("-starts_at", "-id")
    return qs.filter(ends_at__gte=now).order_by("starts_at", "id")


def meeting_get(user: User, pk: int) -> Meeting:
    """One meeting of a visible team with everything its page shows preloaded."""
    return (
        meetings_visible_to(user)
        .prefetch_related(
            "participants",
            Prefetch("agenda_items", queryset=AgendaItem.objects.select_related("source_type")
                     .order_by("order", "id")),
            Prefetch("action_items", queryset=ActionItem.objects.select_related("owner", "task")
                     .order_by("id")),
            Prefetch("decisions", queryset=Decision.objects.order_by("created_at", "id")),
        )
        .get(pk=pk)
    )


def agenda_sections(meeting: Meeting) -> list[tuple[str, str | Promise, list[AgendaItem]]]:
    """(section, label, items) in agenda order, every section listed even when empty."""
    by_section: dict[str, list[AgendaItem]] = {value: [] for value in AgendaSection.values}
    for item in meeting.agenda_items.all():
        by_section.setdefault(item.section, []).append(item)
    return [(value, label, by_section[value]) for value, label in AgendaSection.choices]


def series_visible_to(user: User) -> QuerySet[MeetingSeries]:
    return scope_to_user_teams(
        MeetingSeries.objects.select_related("team", "organiser").prefetch_related("participants"),
        user,
    )


def series_ids_active() -> list[int]:
    """Every active series (of every team): the scheduling job's worklist."""
    return list(
        MeetingSeries.objects.filter(active=True).order_by("pk").values_list("pk", flat=True)
    )


def meeting_ids_needing_agenda(now: datetime.datetime) -> list[int]:
    """Scheduled meetings starting within the agenda lead time that have no agenda yet."""
    return list(
        Meeting.objects.filter(
            status=MeetingStatus.SCHEDULED, agenda_written_at__isnull=True,
            starts_at__gt=now, starts_at__lte=now + AGENDA_LEAD,
        ).order_by("starts_at", "pk").values_list("pk", flat=True)
    )


def feed_owner(token: str):
    """The user whose calendar feed the token opens, or None (the URL is the secret)."""
    if not token or len(token) > 64:
        return None
    feed = CalendarFeed.objects.select_related("user").filter(token=token).first()
    if feed is None or not feed.user.is_active:
        return None
    return feed.user


def feed_meetings(user: User, now: datetime.datetime) -> QuerySet[Meeting]:
    """The meetings a person takes part in or organises, recent and coming (cancelled too,
    so calendar clients remove them)."""
    return (
        Meeting.objects.filter(Q(participants=user) | Q(organiser=user))
        .filter(starts_at__gte=now - FEED_PAST, starts_at__lte=now + FEED_FUTURE)
        .select_related("team", "organiser")
        .prefetch_related(
            "participants",
            Prefetch("agenda_items", queryset=AgendaItem.objects.order_by("order", "id")),
        )
        .distinct().order_by("starts_at", "id")
    )


def feed_training_sessions(user: User, now: datetime.datetime) -> QuerySet[TrainingSession]:
    """Training sessions the person is invited to or gives, recent and coming."""
    return (
        TrainingSession.objects.filter(
            Q(attendance__membership__user=user) | Q(trainer=user)
        )
        .filter(starts_at__gte=now - FEED_PAST, starts_at__lte=now + FEED_FUTURE)
        .select_related("plan__team", "trainer").distinct().order_by("starts_at", "id")
    )

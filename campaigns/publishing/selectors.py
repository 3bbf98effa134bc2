"""Read side of publishing: calendars, lists and job worklists.

Everything a person reads is scoped to the teams they see
(``teams.selectors.scope_to_user_teams``); the job worklists (due ids, open
outcomes, running plans) are for the system and span every team.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils import timezone

from campaigns.content.models import ContentItem, ContentStatus
from teams.models import Team
from teams.selectors import audit_events_for, scope_to_user_teams, teams_visible_to

from . import timing
from .models import (
    Publication,
    PublicationAttempt,
    PublicationStatus,
    PublishingPlan,
    Slot,
)

P = PublicationStatus
UNFILLED = "unfilled"  # the calendar's state filter for slots still to fill

# Items the job may publish for (see services.publish.ITEM_PUBLISHABLE).
_ITEM_PUBLISHABLE = (
    ContentStatus.SCHEDULED, ContentStatus.PUBLISHING, ContentStatus.FAILED,
    ContentStatus.UNKNOWN,
)


# --- scoped querysets -----------------------------------------------------------------


def publications_visible_to(user) -> QuerySet[Publication]:
    """Publications of the user's teams with what lists and the calendar show preloaded."""
    return scope_to_user_teams(
        Publication.objects.select_related(
            "team", "item__campaign", "account__platform", "slot", "created_by"
        ),
        user,
    )


def publication_get(user, pk) -> Publication:
    """A publication the user may see, with its attempt log; ``DoesNotExist`` otherwise."""
    return publications_visible_to(user).prefetch_related(
        Prefetch(
            "attempt_log",
            queryset=PublicationAttempt.objects.select_related("retried_by").order_by("-number"),
        )
    ).get(pk=pk)


def plans_visible_to(user) -> QuerySet[PublishingPlan]:
    return scope_to_user_teams(
        PublishingPlan.objects.select_related(
            "team", "campaign", "account__platform", "created_by"
        ),
        user,
    )


def plan_list(user, *, team: int | None = None, campaign: int | None = None) -> QuerySet:
    """Visible plans with their count of future slots and of those still unfilled."""
    upcoming = Q(slots__starts_at__gte=timezone.now())
    qs = plans_visible_to(user).annotate(
        upcoming=Count("slots", filter=upcoming),
        unfilled=Count("slots", filter=upcoming & Q(slots__item__isnull=True)),
    )
    if team:
        qs = qs.filter(team_id=team)
    if campaign:
        qs = qs.filter(campaign_id=campaign)
    return qs.order_by("campaign__name", "name", "id")


def slots_visible_to(user) -> QuerySet[Slot]:
    return scope_to_user_teams(
        Slot.objects.select_related("team", "plan", "account__platform", "item"), user
    )


def publication_list(
    user,
    *,
    team: int | None = None,
    campaign: int | None = None,
    platform: int | None = None,
    account: int | None = None,
    status: str = "",
    item: int | None = None,
    starts: datetime.datetime | None = None,
    ends: datetime.datetime | None = None,
) -> QuerySet[Publication]:
    """Visible publications filtered; one query whatever the row count."""
    qs = publications_visible_to(user)
    if team:
        qs = qs.filter(team_id=team)
    if campaign:
        qs = qs.filter(item__campaign_id=campaign)
    if platform:
        qs = qs.filter(account__platform_id=platform)
    if account:
        qs = qs.filter(account_id=account)
    if status:
        qs = qs.filter(status=status)
    if item:
        qs = qs.filter(item_id=item)
    if starts:
        qs = qs.filter(scheduled_at__gte=starts)
    if ends:
        qs = qs.filter(scheduled_at__lt=ends)
    return qs.order_by("scheduled_at", "id")


def items_ready_to_schedule(user, *, team: Team, campaign: int | None = None) -> list[ContentItem]:
    """Approved items of the team not on the calendar yet (to drag onto it), newest first."""
    qs = scope_to_user_teams(
        ContentItem.objects.filter(team=team, status=ContentStatus.APPROVED)
        .select_related("campaign"),
        user,
    )
    if campaign:
        qs = qs.filter(campaign_id=campaign)
    return list(qs.order_by("planned_at", "-id")[:50])


def publication_activity(publication: Publication, limit: int = 50) -> list[dict]:
    """The publication's audit trail as lines people read, newest first."""
    from django.utils.translation import gettext

    from .models import ErrorKind

    lines = []
    for event in audit_events_for(publication, limit=limit):
        data = dict(event.data or {})
        if "status" in data:
            data["status"] = _label(PublicationStatus, data["status"])
        if "kind" in data:
            data["kind"] = _label(ErrorKind, data["kind"]) if data["kind"] else "-"
        for key in ("from", "to", "at"):
            if key in data:
                data[key] = _local_text(data[key], publication.team.zone)
        try:
            text = gettext(event.summary) % data if data else gettext(event.summary)
        except (KeyError, TypeError, ValueError):
            text = event.message
        lines.append({"event": event, "text": text, "reason": event.reason})
    return lines


def _label(choices, code) -> str:
    try:
        return str(choices(code).label)
    except ValueError:
        return str(code or "")


def _local_text(value: str, zone) -> str:
    try:
        parsed = datetime.datetime.fromisoformat(str(value))
    except ValueError:
        return str(value)
    if timezone.is_naive(parsed):
        return str(value)
    return timezone.localtime(parsed, zone).strftime("%Y-%m-%d %H:%M")


# --- the calendar -----------------------------------------------------------------------


@dataclass
class Entry:
    """One thing on the calendar: a publication, or a slot still to fill."""

    kind: str  # "publication" | "slot"
    local: datetime.datetime  # in the calendar's (the team's) zone
    publication: Publication | None = None
    slot: Slot | None = None


@dataclass
class Day:
    date: datetime.date
    in_range: bool
    entries: list[Entry] = field(default_factory=list)
    # hour -> entries (the week view's rows)
    hours: dict[int, list[Entry]] = field(default_factory=dict)


@dataclass
class Calendar:
    team: Team
    view: str  # "month" | "week"
    anchor: datetime.date
    start: datetime.date
    end: datetime.date  # exclusive
    days: list[Day]
    unfilled: int
    previous: datetime.date
    next: datetime.date

    @property
    def weeks(self) -> list[list[Day]]:
        return [self.days[i:i + 7] for i in range(0, len(self.days), 7)]

    @property
    def hour_rows(self) -> list[tuple[int, list[tuple[Day, list[Entry]]]]]:
        """The week view's rows: each hour with every day's entries in it."""
        return [
            (hour, [(day, day.hours.get(hour, [])) for day in self.days]) for hour in range(24)
        ]


def _month_window(anchor: datetime.date) -> tuple[datetime.date, datetime.date]:
    first = anchor.replace(day=1)
    following = (first + datetime.timedelta(days=32)).replace(day=1)
    start = first - datetime.timedelta(days=first.weekday())
    end = following + datetime.timedelta(days=(7 - following.weekday()) % 7)
    return start, end


def _shift_month(anchor: datetime.date, months: int) -> datetime.date:
    index = anchor.year * 12 + anchor.month - 1 + months
    return datetime.date(index // 12, index % 12 + 1, 1)


def calendar(
    user,
    *,
    team: Team,
    view: str = "month",
    anchor: datetime.date | None = None,
    campaign: int | None = None,
    platform: int | None = None,
    account: int | None = None,
    state: str = "",
) -> Calendar:
    """One team's month or week: its publications and unfilled slots, in the team's zone.

    ``state`` is a publication status, or ``"unfilled"`` for slots still to fill
    (no filter shows both). Three queries whatever the number of entries.
    """
    zone = team.zone
    anchor = anchor or timezone.localtime(timezone.now(), zone).date()
    if view == "week":
        start = anchor - datetime.timedelta(days=anchor.weekday())
        end = start + datetime.timedelta(days=7)
        in_range = (start, end)
        previous, following = start - datetime.timedelta(days=7), end
    else:
        view = "month"
        start, end = _month_window(anchor)
        first = anchor.replace(day=1)
        in_range = (first, _shift_month(first, 1))
        previous, following = _shift_month(first, -1), _shift_month(first, 1)
    window_start = timing.local_to_aware(start, datetime.time(0), zone)
    window_end = timing.local_to_aware(end, datetime.time(0), zone)
    days = [
        Day(date=start + datetime.timedelta(days=n),
            in_range=in_range[0] <= start + datetime.timedelta(days=n) < in_range[1])
        for n in range((end - start).days)
    ]
    by_date = {d.date: d for d in days}
    entries: list[Entry] = []
    if state != UNFILLED:
        pubs = publication_list(
            user, team=team.pk, campaign=campaign, platform=platform, account=account,
            status=state, starts=window_start, ends=window_end,
        )
        if not state:
            pubs = pubs.exclude(status=P.CANCELLED)  # shown only when asked for
        entries += [
            Entry("publication", timezone.localtime(p.scheduled_at, zone), publication=p)
            for p in pubs
        ]
    unfilled = 0
    if not state or state == UNFILLED:
        slots = slots_visible_to(user).filter(
            team=team, item__isnull=True, starts_at__gte=window_start, starts_at__lt=window_end,
        )
        if campaign:
            slots = slots.filter(plan__campaign_id=campaign)
        if platform:
            slots = slots.filter(account__platform_id=platform)
        if account:
            slots = slots.filter(account_id=account)
        for slot in slots.order_by("starts_at", "id"):
            entries.append(Entry("slot", timezone.localtime(slot.starts_at, zone), slot=slot))
            unfilled += 1
    entries.sort(key=lambda e: (e.local, 0 if e.kind == "publication" else 1))
    hours: dict[datetime.date, dict[int, list[Entry]]] = defaultdict(lambda: defaultdict(list))
    for entry in entries:
        day = by_date.get(entry.local.date())
        if day is None:
            continue
        day.entries.append(entry)
        hours[day.date][entry.local.hour].append(entry)
    for day in days:
        day.hours = {h: hours[day.date].get(h, []) for h in range(24)}
    return Calendar(
        team=team, view=view, anchor=anchor, start=start, end=end, days=days,
        unfilled=unfilled, previous=previous, next=following,
    )


def teams_visible_queryset(user) -> QuerySet[Team]:
    return teams_visible_to(user).order_by("name", "pk")


def calendar_teams(user) -> list[Team]:
    """The teams whose calendar the user may open, by name."""
    return list(teams_visible_to(user).order_by("name", "pk"))


# --- worklists of the jobs (system, every team) ----------------------------------------


def stale_after() -> datetime.timedelta:
    """How long a ``publishing`` row may wait for its worker: the task's hard time limit.

    Past it the worker was killed (Celery ends a task at its hard limit), so
    whatever it was doing will never be recorded.
    """
    return datetime.timedelta(seconds=int(settings.CELERY_TASK_TIME_LIMIT))


def publication_ids_due(at: datetime.datetime | None = None) -> list[int]:
    """Ids of scheduled publications whose time has come and whose item may go out,
    unless they were sent to a worker less than the hard time limit ago."""
    at = at or timezone.now()
    return list(
        Publication.objects.filter(
            Q(queued_at__isnull=True) | Q(queued_at__lt=at - stale_after()),
            status=P.SCHEDULED, scheduled_at__lte=at, item__status__in=_ITEM_PUBLISHABLE,
        ).order_by("scheduled_at", "pk").values_list("pk", flat=True)
    )


def publication_ids_to_reconcile(at: datetime.datetime | None = None) -> list[int]:
    """Ids whose outcome is open: unknown, waiting for a platform job, or left by a gone worker."""
    at = at or timezone.now()
    return list(
        Publication.objects.filter(
            Q(status=P.UNKNOWN)
            | Q(status=P.PUBLISHING) & (
                ~Q(pending_ref="") | Q(publish_started_at__lte=at - stale_after())
            )
        ).order_by("pk").values_list("pk", flat=True)
    )


def plan_ids_running(today: datetime.date | None = None) -> list[int]:
    """Ids of plans that have not ended (they may need more slots)."""
    today = today or timezone.localdate()
    return list(
        PublishingPlan.objects.filter(Q(ends_on__isnull=True) | Q(ends_on__gte=today))
        .order_by("pk").values_list("pk", flat=True)
    )

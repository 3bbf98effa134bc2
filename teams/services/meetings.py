"""Communication (S3.3.2): meeting series, agendas written from live data, minutes,
decisions, action items that become tasks, and calendar feed secrets."""

from __future__ import annotations

import datetime
import secrets
from collections.abc import Iterable

from dateutil.rrule import rrulestr
from django.contrib.auth.models import User
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from ..hooks import AgendaEntry, agenda_contributors
from ..messages import label_param
from ..models import (
    SECTION_ORDER,
    ActionItem,
    AgendaItem,
    AgendaSection,
    CalendarFeed,
    Decision,
    DecisionStatus,
    Meeting,
    MeetingKind,
    MeetingSeries,
    MeetingStatus,
    Membership,
    NotificationKind,
    Task,
    TaskStatus,
    Team,
)
from ..selectors import user_can
from .audit import audit_record
from .notifications import notify
from .tasks import task_create

# Occurrences are created this far ahead, so the next monthly review exists
# (and is in everyone's calendar feed) a month before it happens.
SCHEDULE_HORIZON = datetime.timedelta(days=35)
ALLOWED_FREQUENCIES = ("DAILY", "WEEKLY", "MONTHLY", "YEARLY")
# An agenda lists at most this many lines per section, then says how many more.
SECTION_LIMIT = 15


# --- validation --------------------------------------------------------------------


def rrule_clean(rule: str) -> str:
    """A recurrence rule calendar clients understand, or a translated error on ``rrule``."""
    text = (rule or "").strip().upper().removeprefix("RRULE:")
    error = ValidationError({"rrule": _(
        "This is not a recurrence rule calendars understand; write e.g. "
        "FREQ=WEEKLY;BYDAY=MO or FREQ=MONTHLY;BYDAY=1FR."
    )})
    if not text or "\n" in text or "DTSTART" in text:
        raise error
    parts = dict(part.partition("=")[::2] for part in text.split(";") if part)
    if parts.get("FREQ") not in ALLOWED_FREQUENCIES:
        raise error
    try:
        rrulestr(text, dtstart=datetime.datetime(2000, 1, 3, 10, 0))  # noqa: DTZ001 - wall time
    except (ValueError, TypeError) as exc:
        raise error from exc
    return text


def _clean_participants(team: Team, participants: Iterable[User]) -> list:
    people = list({user.pk: user for user in participants}.values())
    if not people:
        raise ValidationError({"participants": _("A meeting needs at least one participant.")})
    members = set(
        Membership.objects.filter(team=team, user_id__in=[u.pk for u in people])
        .values_list("user_id", flat=True)
    )
    strangers = [u.get_username() for u in people if u.pk not in members]
    if strangers:
        raise ValidationError({"participants": _(
            "Only members of the team can be invited: %(names)s are not."
        ) % {"names": ", ".join(sorted(strangers))}})
    return people


def _clean_title(title: str) -> str:
    title = (title or "").strip()
    if not title:
        raise ValidationError({"title": _("A meeting needs a title.")})
    return title[:200]


def _clean_duration(minutes: int) -> int:
    if not isinstance(minutes, int) or not 5 <= minutes <= 8 * 60:
        raise ValidationError({"duration_minutes": _(
            "A meeting lasts between 5 minutes and 8 hours."
        )})
    return minutes


def _may_run(actor: User | None, meeting: Meeting) -> bool:
    return actor is None or meeting.organiser_id == actor.pk or user_can(
        actor, meeting.team_id, "team.manage"
    )


def _require_run(actor: User | None, meeting: Meeting) -> None:
    if not _may_run(actor, meeting):
        raise PermissionDenied(_("Only the organiser or a manager may change this meeting."))


# --- series and meetings ---------------------------------------------------------------


def occurrences(
    series: MeetingSeries, start: datetime.datetime, end: datetime.datetime
) -> list[datetime.datetime]:
    """The series' start times in [start, end], aware, following the team's wall clock."""
    zone = series.team.zone
    first = timezone.localtime(series.first_starts_at, zone).replace(tzinfo=None)
    rule = rrulestr(series.rrule, dtstart=first)
    low = timezone.localtime(max(start, series.first_starts_at), zone).replace(tzinfo=None)
    high = timezone.localtime(end, zone).replace(tzinfo=None)
    return [moment.replace(tzinfo=zone) for moment in rule.between(low, high, inc=True)]


def meeting_series_create(
    *,
    actor: User,
    team: Team,
    kind: str,
    title: str,
    rrule: str,
    first_starts_at: datetime.datetime,
    participants: Iterable[User],
    duration_minutes: int = 60,
    location: str = "",
) -> MeetingSeries:
    """Set up a recurring meeting (``team.manage``) and schedule its coming occurrences."""
    if not user_can(actor, team, "team.manage"):
        raise PermissionDenied(_("Only managers and administrators may set up meetings."))
    if kind not in MeetingKind.values:
        raise ValidationError({"kind": _("Unknown kind of meeting.")})
    title = _clean_title(title)
    rule = rrule_clean(rrule)
    duration = _clean_duration(duration_minutes)
    people = _clean_participants(team, participants)
    with transaction.atomic():
        series = MeetingSeries.objects.create(
            team=team, kind=kind, title=title, rrule=rule, first_starts_at=first_starts_at,
            duration_minutes=duration, location=location[:200], organiser=actor,
        )
        series.participants.set(people)
        audit_record(
            actor=actor, action="meeting.series", target=series, team=team,
            summary=gettext_noop("Meeting series “%(title)s” set up (%(rule)s)"),
            data={"title": title, "rule": rule},
        )
        meetings_schedule(series=series, now=timezone.now())
    return series


def meetings_schedule(*, series: MeetingSeries, now: datetime.datetime) -> list[Meeting]:
    """Create the series' occurrences up to the horizon; idempotent, returns the new ones.

    Each new meeting copies the series' participants, who are notified once.
    """
    if not series.active:
        return []
    created = []
    participants = list(series.participants.all())
    for starts_at in occurrences(series, now, now + SCHEDULE_HORIZON):
        with transaction.atomic():
            meeting, is_new = Meeting.objects.get_or_create(
                series=series, starts_at=starts_at,
                defaults={
                    "team": series.team, "kind": series.kind, "title": series.title,
                    "ends_at": starts_at + datetime.timedelta(minutes=series.duration_minutes),
                    "location": series.location, "organiser": series.organiser,
                },
            )
            if not is_new:
                continue
            meeting.participants.set(participants)
            _invite(meeting, participants)
        created.append(meeting)
    return created


def _invite(meeting: Meeting, participants: Iterable[User]) -> None:
    local = timezone.localtime(meeting.starts_at, meeting.team.zone)
    for user in participants:
        notify(
            user=user, kind=NotificationKind.MEETING,
            message=gettext_noop("Meeting “%(title)s” on %(when)s"),
            params={"title": meeting.title, "when": local.strftime("%Y-%m-%d %H:%M")},
            target=meeting, team=meeting.team,
            dedup_key=f"meeting-invite:{meeting.pk}:{user.pk}",
        )


def meeting_create(
    *,
    actor: User,
    team: Team,
    title: str,
    starts_at: datetime.datetime,
    participants: Iterable[User],
    duration_minutes: int = 60,
    kind: str = MeetingKind.OTHER,
    location: str = "",
) -> Meeting:
    """Schedule a one-off meeting (``team.manage``); it may not start in the past."""
    if not user_can(actor, team, "team.manage"):
        raise PermissionDenied(_("Only managers and administrators may set up meetings."))
    if kind not in MeetingKind.values:
        raise ValidationError({"kind": _("Unknown kind of meeting.")})
    title = _clean_title(title)
    duration = _clean_duration(duration_minutes)
    if starts_at < timezone.now():
        raise ValidationError({"starts_at": _("A new meeting cannot start in the past.")})
    people = _clean_participants(team, participants)
    with transaction.atomic():
        meeting = Meeting.objects.create(
            team=team, kind=kind, title=title, starts_at=starts_at,
            ends_at=starts_at + datetime.timedelta(minutes=duration), location=location[:200],
            organiser=actor,
        )
        meeting.participants.set(people)
        audit_record(
            actor=actor, action="meeting.create", target=meeting, team=team,
            summary=gettext_noop("Meeting “%(title)s” scheduled"), data={"title": title},
        )
        _invite(meeting, people)
    return meeting


def meeting_cancel(*, actor: User, meeting: Meeting) -> Meeting:
    _require_run(actor, meeting)
    if meeting.status != MeetingStatus.SCHEDULED:
        raise ValidationError({"status": _("Only a scheduled meeting can be cancelled.")})
    with transaction.atomic():
        Meeting.objects.filter(pk=meeting.pk).update(
            status=MeetingStatus.CANCELLED, sequence=F("sequence") + 1
        )
        meeting.refresh_from_db()
        audit_record(
            actor=actor, action="meeting.cancel", target=meeting, team=meeting.team,
            summary=gettext_noop("Meeting cancelled"),
        )
    return meeting


# --- the agenda ------------------------------------------------------------------------


def previous_meeting(meeting: Meeting) -> Meeting | None:
    """The last meeting before this one: of its series, else of its team; never a cancelled one."""
    earlier = Meeting.objects.filter(
        team=meeting.team_id, starts_at__lt=meeting.starts_at
    ).exclude(status=MeetingStatus.CANCELLED)
    if meeting.series_id:
        earlier = earlier.filter(series=meeting.series_id)
    return earlier.order_by("-starts_at", "-id").first()


def _limited(section: str, entries: list[AgendaEntry], total: int) -> list[AgendaEntry]:
    if total > len(entries):
        entries.append(AgendaEntry(
            section=section, msgid=gettext_noop("…and %(count)s more"),
            params={"count": total - len(entries)},
        ))
    return entries


def _action_item_entries(meeting: Meeting) -> list[AgendaEntry]:
    previous = previous_meeting(meeting)
    if previous is None:
        return []
    today = timezone.localdate()
    entries = []
    for item in previous.action_items.select_related("owner", "task").order_by("pk"):
        task = item.task
        # Created with a due date (action_item_create), but a person may clear it later.
        overdue = task is not None and task.due_date is not None and task.due_date < today
        if task is not None and task.status == TaskStatus.OPEN and overdue:
            state = label_param(gettext_noop("Overdue"))
        elif task is not None:
            state = label_param(TaskStatus(task.status).label)
        else:
            state = label_param(gettext_noop("No task"))
        entries.append(AgendaEntry(
            section=AgendaSection.ACTION_ITEMS,
            msgid=gettext_noop("%(title)s — %(owner)s, due %(due)s: %(state)s"),
            params={"title": item.title, "owner": item.owner.get_username(),
                    "due": item.due_date.isoformat(), "state": state},
            source=item, url=task.get_absolute_url() if task else item.get_absolute_url(),
        ))
    return entries


def _overdue_task_entries(meeting: Meeting) -> list[AgendaEntry]:
    day = timezone.localtime(meeting.starts_at, meeting.team.zone).date()
    late = Task.objects.filter(
        team=meeting.team_id, status=TaskStatus.OPEN, due_date__lt=day
    ).select_related("owner").order_by("due_date", "pk")
    total = late.count()
    entries = [
        AgendaEntry(
            section=AgendaSection.OVERDUE_TASKS,
            msgid=gettext_noop("%(title)s — %(owner)s, due %(due)s"),
            params={"title": task.title, "owner": task.owner.get_username(),
                    "due": task.due_date.isoformat()},  # type: ignore[union-attr]  # filtered on due_date__lt
            source=task, url=task.get_absolute_url(),
        )
        for task in late[:SECTION_LIMIT]
    ]
    return _limited(AgendaSection.OVERDUE_TASKS, entries, total)


def _decision_entries(meeting: Meeting) -> list[AgendaEntry]:
    pending = Decision.objects.filter(
        team=meeting.team_id, status=DecisionStatus.PENDING,
        meeting__starts_at__lt=meeting.starts_at,
    ).select_related("meeting").order_by("created_at", "pk")
    return [
        AgendaEntry(
            section=AgendaSection.DECISIONS,
            msgid=gettext_noop("%(title)s (raised %(date)s)"),
            params={"title": decision.title,
                    "date": timezone.localtime(decision.meeting.starts_at).date().isoformat()},
            source=decision, url=decision.get_absolute_url(),
        )
        for decision in pending[:SECTION_LIMIT]
    ]


def _not_connected() -> list[AgendaEntry]:
    return [
        AgendaEntry(
            section=section, available=False,
            msgid=gettext_noop("Not available: campaign data is not connected to teams."),
        )
        for section in (
            AgendaSection.CAMPAIGNS, AgendaSection.KPIS, AgendaSection.INCIDENTS,
            AgendaSection.OVERDUE_REPLIES, AgendaSection.CONTENT_REVIEW,
        )
    ]


def meeting_agenda_entries(meeting: Meeting) -> list[AgendaEntry]:
    """What the agenda says now: teams' own sections plus every registered contributor's."""
    entries = [
        *_action_item_entries(meeting), *_overdue_task_entries(meeting),
        *_decision_entries(meeting),
    ]
    contributors = agenda_contributors()
    if not contributors:
        entries.extend(_not_connected())
    for _name, contributor in contributors:
        entries.extend(contributor(meeting))
    return entries


def meeting_agenda_write(
    *, meeting: Meeting, actor: User | None = None
) -> list[AgendaItem]:
    """Write (or rewrite) the agenda of a scheduled meeting from live data.

    Replaces the generated lines, bumps the calendar revision, and tells each
    participant once that the agenda is ready. Jobs call it with no actor; a
    person may refresh it as organiser or manager.
    """
    _require_run(actor, meeting)
    if meeting.status != MeetingStatus.SCHEDULED:
        raise ValidationError({"status": _("Only a scheduled meeting gets an agenda.")})
    entries = meeting_agenda_entries(meeting)
    ranked = sorted(
        enumerate(entries), key=lambda pair: (SECTION_ORDER.get(pair[1].section, 99), pair[0])
    )
    with transaction.atomic():
        meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
        meeting.agenda_items.all().delete()
        items = AgendaItem.objects.bulk_create([
            AgendaItem(
                meeting=meeting, section=entry.section, order=order, msgid=entry.msgid,
                params=entry.params, available=entry.available,
                source_type=(
                    ContentType.objects.get_for_model(entry.source) if entry.source else None
                ),
                source_id=str(entry.source.pk) if entry.source is not None else "",
                url=entry.url[:500],
            )
            for order, (_index, entry) in enumerate(ranked)
        ])
        meeting.agenda_written_at = timezone.now()
        meeting.sequence += 1
        meeting.save(update_fields=["agenda_written_at", "sequence"])
        audit_record(
            actor=actor, action="meeting.agenda", target=meeting, team=meeting.team,
            summary=gettext_noop("Agenda written: %(count)s items"), data={"count": len(items)},
        )
        for user in meeting.participants.all():
            notify(
                user=user, kind=NotificationKind.AGENDA,
                message=gettext_noop("Agenda ready for “%(title)s” (%(count)s items)"),
                params={"title": meeting.title, "count": len(items)}, target=meeting,
                team=meeting.team, dedup_key=f"meeting-agenda:{meeting.pk}:{user.pk}",
            )
    return items


# --- minutes, decisions, action items -------------------------------------------------


def meeting_minutes_record(
    *, actor: User, meeting: Meeting, minutes: str
) -> Meeting:
    """Record the minutes; the meeting counts as held from then on."""
    _require_run(actor, meeting)
    if meeting.status == MeetingStatus.CANCELLED:
        raise ValidationError({"minutes": _("A cancelled meeting has no minutes.")})
    minutes = (minutes or "").strip()
    if not minutes:
        raise ValidationError({"minutes": _("Write the minutes first.")})
    with transaction.atomic():
        meeting.minutes, meeting.minutes_by = minutes, actor
        meeting.status = MeetingStatus.HELD
        meeting.save(update_fields=["minutes", "minutes_by", "status"])
        audit_record(
            actor=actor, action="meeting.minutes", target=meeting, team=meeting.team,
            summary=gettext_noop("Minutes recorded"),
        )
    return meeting


def decision_add(
    *,
    actor: User,
    meeting: Meeting,
    title: str,
    status: str = DecisionStatus.PENDING,
    note: str = "",
) -> Decision:
    """Record a decision taken, or a question left for a later meeting (pending)."""
    _require_run(actor, meeting)
    title = (title or "").strip()
    if not title:
        raise ValidationError({"title": _("Describe the decision.")})
    if status not in DecisionStatus.values:
        raise ValidationError({"status": _("Unknown status.")})
    with transaction.atomic():
        decision = Decision.objects.create(
            team=meeting.team, meeting=meeting, title=title[:300], status=status, note=note,
            decided_at=timezone.now() if status == DecisionStatus.MADE else None,
            created_by=actor,
        )
        audit_record(
            actor=actor, action="meeting.decision", target=meeting, team=meeting.team,
            summary=gettext_noop("Decision recorded: %(title)s"), data={"title": decision.title},
        )
    return decision


def decision_set_status(
    *, actor: User, decision: Decision, status: str, note: str = ""
) -> Decision:
    """Settle (or drop) a pending decision; organisers and managers may."""
    _require_run(actor, decision.meeting)
    if status not in DecisionStatus.values:
        raise ValidationError({"status": _("Unknown status.")})
    with transaction.atomic():
        decision.status = status
        decision.decided_at = timezone.now() if status == DecisionStatus.MADE else None
        if note:
            decision.note = note
        decision.save(update_fields=["status", "decided_at", "note"])
        audit_record(
            actor=actor, action="meeting.decision", target=decision.meeting,
            team=decision.team, summary=gettext_noop("Decision “%(title)s” now %(status)s"),
            data={"title": decision.title, "status": status},
        )
    return decision


def action_item_add(
    *,
    actor: User,
    meeting: Meeting,
    title: str,
    owner: User,
    due_date: datetime.date,
) -> ActionItem:
    """Record an action item; it becomes a task for its owner (``task.assign``)."""
    if not user_can(actor, meeting.team_id, "task.assign"):
        raise PermissionDenied(_("Your role may not assign tasks to others."))
    if meeting.status == MeetingStatus.CANCELLED:
        raise ValidationError({"title": _("A cancelled meeting has no action items.")})
    title = (title or "").strip()
    if not title:
        raise ValidationError({"title": _("Describe the action item.")})
    if due_date is None:
        raise ValidationError({"due_date": _("An action item needs a due date.")})
    if due_date < timezone.localdate():
        raise ValidationError({"due_date": _("A new task cannot be due in the past.")})
    if not Membership.objects.filter(team=meeting.team_id, user_id=owner.pk).exists():
        raise ValidationError({"owner": _("%(user)s is not a member of this team.") % {
            "user": owner.get_username()}})
    with transaction.atomic():
        item = ActionItem.objects.create(
            meeting=meeting, title=title[:200], owner=owner, due_date=due_date,
            created_by=actor,
        )
        item.task = task_create(
            team=meeting.team, owner=owner, title=item.title, due_date=due_date,
            description=_("Action item of %(meeting)s") % {"meeting": str(meeting)},
            source=item, created_by=actor, dedup_key=f"meeting-action:{item.pk}",
        )
        item.save(update_fields=["task"])
        audit_record(
            actor=actor, action="meeting.action_item", target=meeting, team=meeting.team,
            summary=gettext_noop("Action item “%(title)s” for %(owner)s"),
            data={"title": item.title, "owner": owner.get_username()},
        )
    return item


# --- calendar feed -----------------------------------------------------------------------


def calendar_feed_for(user: User) -> CalendarFeed:
    """The user's feed secret, made on first use."""
    feed = CalendarFeed.objects.filter(user=user).first()
    if feed is None:
        feed, _created = CalendarFeed.objects.get_or_create(
            user=user, defaults={"token": secrets.token_urlsafe(32)}
        )
    return feed


def calendar_feed_rotate(*, user: User) -> CalendarFeed:
    """A new secret for the user's feed: the old URL stops working at once."""
    with transaction.atomic():
        feed = calendar_feed_for(user)
        feed.token = secrets.token_urlsafe(32)
        feed.save(update_fields=["token", "rotated_at"])
        audit_record(
            actor=user, action="calendar.rotate", target=feed,
            summary=gettext_noop("Calendar feed address renewed"),
        )
    return feed

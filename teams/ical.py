"""Meetings and training sessions as iCalendar (RFC 5545), for downloads and feeds.

Times are written in UTC (``…Z``), which every common client (Outlook, Google,
Apple, Thunderbird, DingTalk, Feishu) places correctly without a VTIMEZONE;
each event keeps a stable UID and a growing SEQUENCE, so a re-import or a
feed refresh updates the event instead of adding a second one.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable

from django.utils import timezone
from django.utils.translation import gettext as _
from icalendar import Calendar, Event, vCalAddress, vText

from .models import Meeting, MeetingStatus, TrainingSession

PRODID = "-//CampaignOps//Team meetings//EN"


def _calendar(name: str, *, feed: bool) -> Calendar:
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", name)
    if feed:
        # Clients that honour it poll hourly; the default for many is a day.
        calendar.add("refresh-interval", datetime.timedelta(hours=1), parameters={
            "VALUE": "DURATION"})
        calendar.add("x-published-ttl", "PT1H")
    return calendar


def _person(user, role: str = "REQ-PARTICIPANT") -> vCalAddress | None:
    if not user.email:
        return None
    address = vCalAddress(f"mailto:{user.email}")
    address.params["cn"] = vText(user.get_full_name() or user.get_username())
    if role:
        address.params["role"] = vText(role)
        address.params["partstat"] = vText("NEEDS-ACTION")
    return address


def _utc(moment: datetime.datetime) -> datetime.datetime:
    return moment.astimezone(datetime.UTC)


def meeting_event(meeting: Meeting, *, absolute: Callable[[str], str]) -> Event:
    """One VEVENT for a meeting; its description lists the agenda in the reader's language."""
    event = Event()
    event.add("uid", meeting.ical_uid)
    event.add("dtstamp", _utc(timezone.now()))
    event.add("dtstart", _utc(meeting.starts_at))
    event.add("dtend", _utc(meeting.ends_at))
    event.add("sequence", meeting.sequence)
    event.add("summary", meeting.title)
    event.add("status", "CANCELLED" if meeting.status == MeetingStatus.CANCELLED else "CONFIRMED")
    if meeting.location:
        event.add("location", meeting.location)
    url = absolute(meeting.get_absolute_url())
    event.add("url", url)
    lines = [f"{meeting.team.name} · {meeting.get_kind_display()}"]
    items = list(meeting.agenda_items.all())
    if items:
        lines.append("")
        lines.append(_("Agenda"))
        lines.extend(f"- {item.title}" for item in items)
    lines.extend(["", url])
    event.add("description", "\n".join(lines))
    organiser = _person(meeting.organiser, role="")
    if organiser is not None:
        event.add("organizer", organiser)
    for user in meeting.participants.all():
        attendee = _person(user)
        if attendee is not None:
            event.add("attendee", attendee, encode=0)
    return event


def session_event(session: TrainingSession, *, absolute: Callable[[str], str]) -> Event:
    event = Event()
    event.add("uid", session.ical_uid)
    event.add("dtstamp", _utc(timezone.now()))
    event.add("dtstart", _utc(session.starts_at))
    event.add("dtend", _utc(session.ends_at))
    event.add("summary", _("Training: %(title)s") % {"title": session.title})
    if session.location:
        event.add("location", session.location)
    url = absolute(session.get_absolute_url())
    event.add("url", url)
    event.add("description", f"{session.plan.title}\n\n{url}")
    return event


def meetings_ics(
    meetings: Iterable[Meeting],
    *,
    name: str,
    absolute: Callable[[str], str],
    sessions: Iterable[TrainingSession] = (),
    feed: bool = False,
) -> bytes:
    """A calendar of the given meetings (and training sessions), as bytes to serve."""
    calendar = _calendar(name, feed=feed)
    for meeting in meetings:
        calendar.add_component(meeting_event(meeting, absolute=absolute))
    for session in sessions:
        calendar.add_component(session_event(session, absolute=absolute))
    return calendar.to_ical()

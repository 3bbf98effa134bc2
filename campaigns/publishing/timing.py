"""Publishing times: a team's wall-clock time to an aware instant, and plan occurrences.

Pure functions over the standard library's ``zoneinfo`` and python-dateutil,
so they give the same answer in a process whose OS has no time-zone data:
zoneinfo falls back to the ``tzdata`` package, and nothing here reads ``TZ``
or the process's local zone. Times are computed as wall-clock times in the
team's zone and stored as aware UTC instants.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from dateutil.rrule import rrule, rrulestr

UTC = datetime.UTC

# Finer rhythms than daily would fill a calendar with hundreds of slots a week.
ALLOWED_FREQUENCIES = frozenset({"DAILY", "WEEKLY", "MONTHLY", "YEARLY"})
# The most slots one plan may make in one window (a daily plan over 8 weeks is 56).
MAX_SLOTS_PER_RUN = 400


class RuleError(ValueError):
    """An RRULE that cannot be read or is not allowed; ``str()`` says why (English, for logs)."""

    def __init__(self, code: str, detail: str = "") -> None:
        super().__init__(detail or code)
        self.code = code


def zone(name: str) -> ZoneInfo:
    return ZoneInfo(name)


def local_to_aware(
    day: datetime.date, time: datetime.time, tz: ZoneInfo
) -> datetime.datetime:
    """The instant the wall clock in ``tz`` shows ``day`` ``time``, in UTC.

    A wall time skipped by a daylight-saving jump (02:30 on a spring-forward
    night) does not exist; it is read with the offset before the jump, which
    lands just after it (03:30), as a person moving the clock forward would.
    A repeated wall time (autumn) is its first occurrence.
    """
    naive = datetime.datetime.combine(day, time.replace(tzinfo=None))
    return naive.replace(tzinfo=tz, fold=0).astimezone(UTC)


def naive_local_to_aware(value: datetime.datetime, tz: ZoneInfo) -> datetime.datetime:
    """``value`` (naive, the team's wall clock) as an aware UTC instant; aware values kept."""
    if value.tzinfo is not None and value.utcoffset() is not None:
        return value.astimezone(UTC)
    return local_to_aware(value.date(), value.time(), tz)


def normalise_rule(text: str) -> str:
    """The RRULE value without an ``RRULE:`` prefix or surrounding blanks, upper-cased."""
    rule = (text or "").strip()
    if rule.upper().startswith("RRULE:"):
        rule = rule[len("RRULE:"):]
    return rule.strip().upper()


def parse_rule(text: str, *, starts_on: datetime.date, time_of_day: datetime.time) -> rrule:
    """The recurrence of ``text`` from ``starts_on`` at ``time_of_day`` (wall clock, naive).

    Raises ``RuleError`` with a code: ``empty``, ``invalid``, ``dtstart`` (the start is
    the plan's field, not the rule's), ``set`` (one RRULE only), ``frequency``
    (finer than daily), ``until`` (UNTIL with a zone: the plan's zone applies).
    """
    rule = normalise_rule(text)
    if not rule:
        raise RuleError("empty")
    if any(part in rule for part in ("DTSTART", "EXDATE", "RDATE", "EXRULE", "\n")):
        raise RuleError("dtstart" if "DTSTART" in rule else "set")
    start = datetime.datetime.combine(starts_on, time_of_day.replace(tzinfo=None))
    try:
        parsed = rrulestr(rule, dtstart=start, forceset=False)
    except (ValueError, TypeError, KeyError, IndexError, OverflowError) as exc:
        code = "until" if "UNTIL" in rule and "Z" in rule.split("UNTIL", 1)[1][:20] else "invalid"
        raise RuleError(code, str(exc)) from exc
    if not isinstance(parsed, rrule):
        raise RuleError("set")
    parts = dict(part.split("=", 1) for part in rule.split(";") if "=" in part)
    if parts.get("FREQ") not in ALLOWED_FREQUENCIES:
        raise RuleError("frequency")
    return parsed


def occurrences(
    rule: rrule,
    *,
    tz: ZoneInfo,
    window_start: datetime.datetime,
    window_end: datetime.datetime,
    ends_on: datetime.date | None = None,
    limit: int = MAX_SLOTS_PER_RUN,
) -> list[datetime.datetime]:
    """Aware UTC instants of the rule's occurrences within [window_start, window_end].

    The rule runs on the team's wall clock (so "daily at 20:00" stays at 20:00
    across daylight-saving changes); each occurrence is then made aware in
    ``tz``. Occurrences after ``ends_on`` (a date on the wall clock) are left out;
    at most ``limit`` are returned.
    """
    start_local = window_start.astimezone(tz).replace(tzinfo=None)
    end_local = window_end.astimezone(tz).replace(tzinfo=None)
    found: list[datetime.datetime] = []
    for naive in rule.xafter(start_local - datetime.timedelta(days=1), inc=True):
        if naive > end_local + datetime.timedelta(days=1):
            break
        if ends_on is not None and naive.date() > ends_on:
            break
        instant = local_to_aware(naive.date(), naive.time(), tz)
        if window_start <= instant <= window_end:
            found.append(instant)
            if len(found) >= limit:
                break
    return found


@dataclass(frozen=True)
class Preset:
    """A ready-made rhythm (S2.3.1(1): "image-text daily, video weekly, a live stream monthly")."""

    code: str
    content_kind: str
    rrule: str
    time_of_day: datetime.time


PRESETS: dict[str, Preset] = {
    "image_text_daily": Preset(
        "image_text_daily", "image_text", "FREQ=DAILY", datetime.time(20, 0)
    ),
    "video_weekly_friday": Preset(
        "video_weekly_friday", "short_video", "FREQ=WEEKLY;BYDAY=FR", datetime.time(20, 0)
    ),
    "live_stream_monthly": Preset(
        "live_stream_monthly", "live_stream", "FREQ=MONTHLY;BYDAY=1SA", datetime.time(20, 0)
    ),
}

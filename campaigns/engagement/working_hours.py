"""The first-response clock: time counted only inside a team's working hours.

Pure functions over aware datetimes and ``zoneinfo``. A working day is one of
the policy's ISO weekdays (1 = Monday); its window runs from ``starts`` to
``ends`` on the team's wall clock, so a daylight-saving change moves the
window with the clock. Public holidays are not modelled.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from zoneinfo import ZoneInfo

UTC = datetime.UTC
DEFAULT_MINUTES = 120
DEFAULT_DAYS = (1, 2, 3, 4, 5)
DEFAULT_STARTS = datetime.time(9, 0)
DEFAULT_ENDS = datetime.time(18, 0)
# A deadline further away than this many days is not searched for (a policy
# always has a working day, so this only bounds a corrupt row).
_HORIZON_DAYS = 400


@dataclass(frozen=True)
class WorkingHours:
    zone: ZoneInfo
    days: frozenset[int] = frozenset(DEFAULT_DAYS)
    starts: datetime.time = DEFAULT_STARTS
    ends: datetime.time = DEFAULT_ENDS

    def window(self, day: datetime.date) -> tuple[datetime.datetime, datetime.datetime] | None:
        """The working window of ``day`` as aware UTC instants; None on a day off."""
        if day.isoweekday() not in self.days:
            return None
        start = datetime.datetime.combine(day, self.starts).replace(tzinfo=self.zone)
        end = datetime.datetime.combine(day, self.ends).replace(tzinfo=self.zone)
        return start.astimezone(UTC), end.astimezone(UTC)

    def local_day(self, at: datetime.datetime) -> datetime.date:
        return at.astimezone(self.zone).date()

    def is_working_time(self, at: datetime.datetime) -> bool:
        """Whether ``at`` falls inside a working window."""
        window = self.window(self.local_day(at))
        return window is not None and window[0] <= at < window[1]

    def add(self, start: datetime.datetime, minutes: int) -> datetime.datetime:
        """The instant ``minutes`` working minutes after ``start``."""
        remaining = datetime.timedelta(minutes=minutes)
        day = self.local_day(start)
        for _ in range(_HORIZON_DAYS):
            window = self.window(day)
            if window is not None:
                begin = max(window[0], start)
                if begin < window[1]:
                    available = window[1] - begin
                    if remaining <= available:
                        return begin + remaining
                    remaining -= available
            day += datetime.timedelta(days=1)
        raise ValueError("no working time within the horizon")

    def between(self, start: datetime.datetime, end: datetime.datetime) -> datetime.timedelta:
        """Working time between two instants (zero when ``end`` is not after ``start``)."""
        total = datetime.timedelta(0)
        if end <= start:
            return total
        day, last = self.local_day(start), self.local_day(end)
        while day <= last:
            window = self.window(day)
            if window is not None:
                begin, finish = max(window[0], start), min(window[1], end)
                if finish > begin:
                    total += finish - begin
            day += datetime.timedelta(days=1)
        return total


def percentile(values: list[float], fraction: float) -> float | None:
    """The nearest-rank percentile: the smallest value with at least ``fraction`` of
    the values at or below it (None for no values)."""
    if not values:
        return None
    ordered = sorted(values)
    rank = max(1, -(-int(round(fraction * 1000)) * len(ordered) // 1000))
    return ordered[min(rank, len(ordered)) - 1]


def median(values: list[float]) -> float | None:
    """The median (the mean of the two middle values for an even count)."""
    if not values:
        return None
    ordered = sorted(values)
    middle = len(ordered) // 2
    if len(ordered) % 2:
        return ordered[middle]
    return (ordered[middle - 1] + ordered[middle]) / 2

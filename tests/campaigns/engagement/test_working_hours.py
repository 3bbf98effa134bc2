"""The first-response clock in working hours, and the per-member report built on it."""

import datetime
from zoneinfo import ZoneInfo

import pytest

from campaigns.engagement import selectors, services
from campaigns.engagement.working_hours import WorkingHours, median, percentile
from tests.factories import member

from .factories import InteractionFactory

SHANGHAI = ZoneInfo("Asia/Shanghai")
NEW_YORK = ZoneInfo("America/New_York")
HOURS = WorkingHours(zone=SHANGHAI)


def sh(day, hour, minute=0):
    return datetime.datetime(2030, 1, day, hour, minute, tzinfo=SHANGHAI)


@pytest.mark.parametrize(("start", "minutes", "due"), [
    (sh(8, 10), 120, sh(8, 12)),            # Tuesday morning
    (sh(8, 17), 120, sh(9, 10)),            # one hour today, one tomorrow
    (sh(8, 7), 30, sh(8, 9, 30)),           # before the day starts
    (sh(8, 20), 30, sh(9, 9, 30)),          # after it ends
    (sh(11, 17, 30), 120, sh(14, 10, 30)),  # Friday evening → Monday
    (sh(12, 11), 60, sh(14, 10)),           # on a Saturday
    (sh(8, 9), 9 * 60, sh(8, 18)),            # a whole day ends at its close
    (sh(8, 10), 18 * 60, sh(10, 10)),
])
def test_a_deadline_counts_only_working_minutes(start, minutes, due):
    assert HOURS.add(start, minutes) == due


def test_working_time_between_two_instants_skips_nights_and_weekends():
    assert HOURS.between(sh(11, 17), sh(14, 10)) == datetime.timedelta(hours=2)
    assert HOURS.between(sh(12, 9), sh(13, 20)) == datetime.timedelta(0)
    assert HOURS.between(sh(9, 12), sh(8, 12)) == datetime.timedelta(0)


def test_the_working_day_follows_the_wall_clock_across_a_daylight_saving_change():
    hours = WorkingHours(zone=NEW_YORK)
    # Friday 2030-03-08 17:00 EST; clocks go forward on Sunday 2030-03-10.
    start = datetime.datetime(2030, 3, 8, 17, 0, tzinfo=NEW_YORK)

    due = hours.add(start, 120)

    assert due == datetime.datetime(2030, 3, 11, 10, 0, tzinfo=NEW_YORK)
    assert due.astimezone(datetime.UTC).hour == 14  # EDT: UTC-4


def test_custom_days_and_hours():
    hours = WorkingHours(zone=SHANGHAI, days=frozenset({6, 7}),
                         starts=datetime.time(10), ends=datetime.time(12))

    assert hours.add(sh(8, 10), 150) == sh(13, 10, 30)
    assert hours.is_working_time(sh(12, 11)) is True
    assert hours.is_working_time(sh(8, 11)) is False


def test_median_and_nearest_rank_percentile():
    values = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]

    assert median(values) == 5.5
    assert median([3, 1, 2]) == 2
    assert percentile(values, 0.9) == 9
    assert percentile([5], 0.9) == 5
    assert percentile([1, 2, 3], 0.9) == 3
    assert percentile([], 0.9) is None
    assert median([]) is None


@pytest.mark.django_db
def test_the_report_gives_median_and_p90_per_member_in_and_out_of_working_hours(
    team, users, weibo
):
    marketer, manager = users["marketer"], users["manager"]
    stranger = member(team, "analyst", username="analyst-2")  # answered nothing

    def answered(received, minutes, who):
        InteractionFactory(account=weibo, occurred_at=received, first_responder=who,
                           first_response_at=received + datetime.timedelta(minutes=minutes))

    for n, minutes in enumerate([10, 20, 30, 40, 200]):  # Tuesday 10:00 + n hours
        answered(sh(8, 10 + n), minutes, marketer)
    answered(sh(8, 22), 60, marketer)        # at night, 60 minutes later
    answered(sh(12, 10), 5, manager)         # Saturday
    InteractionFactory(account=weibo, occurred_at=sh(8, 10))  # unanswered

    report = selectors.first_response_report(team, since=sh(1, 0), until=sh(20, 0))

    rows = {row.member.username: row for row in report}
    assert set(rows) == {"manager", "marketer"}
    assert stranger.username not in rows
    mine = rows["marketer"]
    # 200 working minutes is past the 120-minute target; the night one took none.
    assert (mine.answered, mine.within_target) == (6, 5)
    assert (mine.in_hours.count, mine.in_hours.median_minutes, mine.in_hours.p90_minutes) == (
        5, 30.0, 200.0)
    assert (mine.out_of_hours.count, mine.out_of_hours.median_minutes) == (1, 60.0)
    theirs = rows["manager"]
    assert (theirs.in_hours.count, theirs.out_of_hours.count) == (0, 1)
    assert theirs.in_hours.median_minutes is None


@pytest.mark.django_db
def test_within_target_is_measured_in_working_time(team, users, weibo):
    services.response_policy_save(
        actor=users["manager"], team=team, first_response_minutes=60, working_days=[1, 2, 3, 4, 5],
        work_starts=datetime.time(9), work_ends=datetime.time(18),
    )
    # Friday 17:30, answered Monday 09:20: 50 working minutes, within 60.
    InteractionFactory(account=weibo, occurred_at=sh(11, 17, 30), first_responder=users["marketer"],
                       first_response_at=sh(14, 9, 20))
    # Tuesday 10:00, answered 11:30: 90 working minutes, late.
    InteractionFactory(account=weibo, occurred_at=sh(8, 10), first_responder=users["marketer"],
                       first_response_at=sh(8, 11, 30))

    [row] = selectors.first_response_report(team, since=sh(1, 0), until=sh(20, 0))

    assert (row.answered, row.within_target) == (2, 1)

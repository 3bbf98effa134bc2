"""Publish times: team wall clock to aware instants, plan occurrences, no OS zone data needed."""

import datetime
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from campaigns.publishing import timing

ROOT = Path(__file__).resolve().parents[3]
UTC = datetime.UTC


def test_wall_clock_in_shanghai_is_eight_hours_ahead_of_utc():
    at = timing.local_to_aware(datetime.date(2030, 5, 1), datetime.time(20, 0), timing.zone("Asia/Shanghai"))

    assert at == datetime.datetime(2030, 5, 1, 12, 0, tzinfo=UTC)


def test_a_wall_time_skipped_by_daylight_saving_lands_just_after_the_jump():
    new_york = timing.zone("America/New_York")

    at = timing.local_to_aware(datetime.date(2030, 3, 10), datetime.time(2, 30), new_york)

    assert at == datetime.datetime(2030, 3, 10, 7, 30, tzinfo=UTC)  # 03:30 EDT


def test_a_repeated_wall_time_is_its_first_occurrence():
    new_york = timing.zone("America/New_York")

    at = timing.local_to_aware(datetime.date(2030, 11, 3), datetime.time(1, 30), new_york)

    assert at == datetime.datetime(2030, 11, 3, 5, 30, tzinfo=UTC)  # 01:30 EDT


def test_daily_plan_stays_at_the_same_wall_time_across_a_daylight_saving_change():
    london = timing.zone("Europe/London")
    rule = timing.parse_rule("FREQ=DAILY", starts_on=datetime.date(2030, 3, 29),
                             time_of_day=datetime.time(20, 0))

    found = timing.occurrences(
        rule, tz=london, window_start=datetime.datetime(2030, 3, 29, tzinfo=UTC),
        window_end=datetime.datetime(2030, 4, 1, tzinfo=UTC),
    )

    assert found == [
        datetime.datetime(2030, 3, 29, 20, 0, tzinfo=UTC),  # GMT
        datetime.datetime(2030, 3, 30, 20, 0, tzinfo=UTC),  # GMT
        datetime.datetime(2030, 3, 31, 19, 0, tzinfo=UTC),  # BST from this night
    ]


@pytest.mark.parametrize(("preset", "first_three"), [
    ("image_text_daily", ["2030-01-01T12:00:00+00:00", "2030-01-02T12:00:00+00:00",
                          "2030-01-03T12:00:00+00:00"]),
    ("video_weekly_friday", ["2030-01-04T12:00:00+00:00", "2030-01-11T12:00:00+00:00",
                             "2030-01-18T12:00:00+00:00"]),
    ("live_stream_monthly", ["2030-01-05T12:00:00+00:00", "2030-02-02T12:00:00+00:00",
                             "2030-03-02T12:00:00+00:00"]),
])
def test_presets_give_the_spec_rhythms_in_the_team_zone(preset, first_three):
    chosen = timing.PRESETS[preset]
    rule = timing.parse_rule(chosen.rrule, starts_on=datetime.date(2030, 1, 1),
                             time_of_day=chosen.time_of_day)

    found = timing.occurrences(
        rule, tz=timing.zone("Asia/Shanghai"),
        window_start=datetime.datetime(2030, 1, 1, tzinfo=UTC),
        window_end=datetime.datetime(2030, 4, 1, tzinfo=UTC),
    )

    assert [f.isoformat() for f in found[:3]] == first_three


def test_occurrences_stop_at_the_plan_end_date():
    rule = timing.parse_rule("FREQ=DAILY", starts_on=datetime.date(2030, 1, 1),
                             time_of_day=datetime.time(9, 0))

    found = timing.occurrences(
        rule, tz=timing.zone("UTC"), window_start=datetime.datetime(2030, 1, 1, tzinfo=UTC),
        window_end=datetime.datetime(2030, 2, 1, tzinfo=UTC), ends_on=datetime.date(2030, 1, 3),
    )

    assert len(found) == 3


@pytest.mark.parametrize(("text", "code"), [
    ("", "empty"),
    ("FREQ=HOURLY", "frequency"),
    ("FREQ=MINUTELY;INTERVAL=5", "frequency"),
    ("FREQ=FORTNIGHTLY", "invalid"),
    ("not a rule", "invalid"),
    ("DTSTART:20300101T000000\nRRULE:FREQ=DAILY", "dtstart"),
    ("FREQ=DAILY;UNTIL=20301231T000000Z", "until"),
])
def test_bad_rules_are_refused_with_a_reason(text, code):
    with pytest.raises(timing.RuleError) as exc:
        timing.parse_rule(text, starts_on=datetime.date(2030, 1, 1), time_of_day=datetime.time(9))

    assert exc.value.code == code


def test_rrule_prefix_and_case_are_accepted():
    rule = timing.parse_rule("rrule:freq=weekly;byday=fr", starts_on=datetime.date(2030, 1, 1),
                             time_of_day=datetime.time(9))

    # The rule runs on the wall clock: naive times, made aware only afterwards.
    wall = datetime.datetime.combine
    assert rule.after(wall(datetime.date(2030, 1, 1), datetime.time(0))) == wall(
        datetime.date(2030, 1, 4), datetime.time(9, 0)
    )


PROBE = """
import datetime, json, os, zoneinfo
tz_at_start = os.environ.get("TZ")  # Django sets TZ to TIME_ZONE during setup
import django
django.setup()
from django.utils import timezone
from campaigns.publishing import timing
from campaigns.publishing.forms import at_in
from teams.models import Team

team = Team(name="probe", slug="probe", time_zone="America/New_York")
rule = timing.parse_rule("FREQ=WEEKLY;BYDAY=FR", starts_on=datetime.date(2030, 3, 1),
                         time_of_day=datetime.time(20, 0))
slots = timing.occurrences(
    rule, tz=team.zone, window_start=datetime.datetime(2030, 3, 1, tzinfo=datetime.UTC),
    window_end=datetime.datetime(2030, 3, 16, tzinfo=datetime.UTC),
)
print(json.dumps({
    "tz_env": tz_at_start,
    "tzpath": list(zoneinfo.TZPATH),
    "entered": at_in(team, datetime.date(2030, 3, 8), datetime.time(20, 0)).isoformat(),
    "shown": timezone.localtime(
        at_in(team, datetime.date(2030, 3, 8), datetime.time(20, 0)), team.zone
    ).strftime("%Y-%m-%d %H:%M"),
    "slots": [s.isoformat() for s in slots],
}))
"""


def test_publish_time_is_right_in_a_process_without_time_zone_data():
    """No TZ, no zone files on the search path: zones come from the tzdata package.

    Postiz users saw posts an hour off when their container had no zone data;
    here the same computation runs in such a process and lands on the same instants.
    """
    env = {k: v for k, v in os.environ.items() if k not in ("TZ", "PYTHONTZPATH")}
    env.update(PYTHONTZPATH="", DJANGO_SETTINGS_MODULE="config.test_settings")
    result = subprocess.run(
        [sys.executable, "-c", PROBE], cwd=ROOT, env=env, capture_output=True, text=True,
        timeout=120, check=False,
    )
    assert result.returncode == 0, result.stderr
    answer = json.loads(result.stdout.strip().splitlines()[-1])

    assert answer["tz_env"] is None
    assert answer["tzpath"] == []
    # Friday 8 March 2030 is still EST (UTC-5); Friday 15 March is EDT (UTC-4).
    assert answer["entered"] == "2030-03-09T01:00:00+00:00"
    assert answer["shown"] == "2030-03-08 20:00"
    assert answer["slots"] == [
        "2030-03-02T01:00:00+00:00", "2030-03-09T01:00:00+00:00", "2030-03-16T00:00:00+00:00",
    ]

"""Calendar invitations (.ics) and the per-user feed: valid iCalendar, secret, rotatable."""

import datetime

import pytest
from django.urls import reverse
from icalendar import Calendar

from teams.models import MeetingKind
from teams.roles import Role
from teams.services import meetings as meeting_services
from tests.teams.conftest import at

pytestmark = pytest.mark.django_db
DAY = datetime.timedelta(days=1)


@pytest.fixture
def meeting(users, team, today, disconnected):
    series = meeting_services.meeting_series_create(
        actor=users[Role.MANAGER], team=team, kind=MeetingKind.WEEKLY, title="周例会",
        rrule="FREQ=WEEKLY", first_starts_at=at(today + DAY), location="3F",
        participants=[users[Role.MARKETER], users[Role.MANAGER]],
    )
    meeting = series.meetings.first()
    meeting_services.meeting_agenda_write(meeting=meeting)
    return meeting


def _events(body: bytes) -> list:
    return list(Calendar.from_ical(body).walk("VEVENT"))


def test_the_invitation_is_one_valid_event_in_utc(client_as, users, meeting):
    response = client_as(users[Role.MARKETER]).get(
        reverse("teams:meeting_ics", args=[meeting.pk])
    )

    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert response["Content-Disposition"] == f'attachment; filename="meeting-{meeting.pk}.ics"'
    calendar = Calendar.from_ical(response.content)
    assert (str(calendar["version"]), str(calendar["method"])) == ("2.0", "PUBLISH")
    (event,) = _events(response.content)
    assert str(event["uid"]) == f"meeting-{meeting.pk}@campaignops"
    assert event.decoded("dtstart") == meeting.starts_at
    assert event.decoded("dtstart").utcoffset() == datetime.timedelta(0)
    assert event.decoded("dtend") - event.decoded("dtstart") == datetime.timedelta(hours=1)
    assert (str(event["summary"]), str(event["location"])) == ("周例会", "3F")
    assert event["sequence"] == 1
    assert sorted(str(a) for a in event["attendee"]) == [
        "mailto:manager@example.com", "mailto:marketer@example.com",
    ]
    assert str(event["url"]) == f"http://testserver/team/meetings/{meeting.pk}/"


def test_the_api_serves_the_invitation_as_text_calendar(api_as, users, meeting, outsider):
    client = api_as(users[Role.ANALYST])

    plain = client.get(f"/api/v1/meetings/{meeting.pk}/ics/")
    asked = client.get(f"/api/v1/meetings/{meeting.pk}/ics/", HTTP_ACCEPT="text/calendar")
    foreign = api_as(outsider).get(f"/api/v1/meetings/{meeting.pk}/ics/")

    assert plain.status_code == asked.status_code == 200
    assert plain["Content-Type"].startswith("text/calendar")
    assert len(_events(asked.content)) == 1
    assert foreign.status_code == 404


def test_the_feed_works_without_login_only_with_its_secret(client, users, meeting, other_team):
    marketer = users[Role.MARKETER]
    feed = meeting_services.calendar_feed_for(marketer)
    url = reverse("teams:calendar_feed", args=[feed.token])

    response = client.get(url)
    wrong = client.get(reverse("teams:calendar_feed", args=["not-the-token"]))

    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    uids = [str(e["uid"]) for e in _events(response.content)]
    assert f"meeting-{meeting.pk}@campaignops" in uids
    assert len(uids) == meeting.series.meetings.count()
    assert wrong.status_code == 404
    assert len(feed.token) >= 40


def test_rotating_the_secret_kills_the_old_address(client, client_as, users, meeting):
    marketer = users[Role.MARKETER]
    old = meeting_services.calendar_feed_for(marketer).token

    client_as(marketer).post(reverse("teams:calendar_rotate"))
    client.logout()
    new = meeting_services.calendar_feed_for(marketer).token

    assert new != old
    assert client.get(reverse("teams:calendar_feed", args=[old])).status_code == 404
    assert client.get(reverse("teams:calendar_feed", args=[new])).status_code == 200


def test_a_feed_shows_only_its_owners_meetings(client, users, meeting):
    feed = meeting_services.calendar_feed_for(users[Role.ANALYST])  # not a participant

    response = client.get(reverse("teams:calendar_feed", args=[feed.token]))

    assert _events(response.content) == []

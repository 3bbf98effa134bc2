"""The collaboration API: meetings with their agenda, action items, board tasks, skills,
RACI, training — the services' errors as 400s with field keys, others' records as 404s."""

import datetime

import pytest

from teams.models import MeetingKind, Membership, Skill, TaskStatus, TrainingFormat, TrainingTopic
from teams.roles import Role
from teams.services import meetings as meeting_services
from teams.services import task_create
from teams.services import training as training_services
from tests.campaigns.planning.factories import CampaignFactory
from tests.teams.conftest import at

pytestmark = pytest.mark.django_db
DAY = datetime.timedelta(days=1)


@pytest.fixture
def meeting(users, team, today, disconnected):
    series = meeting_services.meeting_series_create(
        actor=users[Role.MANAGER], team=team, kind=MeetingKind.WEEKLY, title="Weekly",
        rrule="FREQ=WEEKLY", first_starts_at=at(today + DAY),
        participants=[users[Role.MARKETER], users[Role.MANAGER]],
    )
    meeting = series.meetings.first()
    task_create(team=team, owner=users[Role.MARKETER], title="Late report",
                due_date=today - 2 * DAY)
    meeting_services.meeting_agenda_write(meeting=meeting)
    return meeting


def test_meetings_list_and_detail_carry_the_agenda_with_its_records(api_as, users, meeting):
    client = api_as(users[Role.ANALYST])

    listing = client.get("/api/v1/meetings/", HTTP_ACCEPT_LANGUAGE="en")
    detail = client.get(f"/api/v1/meetings/{meeting.pk}/", HTTP_ACCEPT_LANGUAGE="en")

    assert listing.status_code == 200
    assert [m["id"] for m in listing.json()["results"]][0] == meeting.pk
    body = detail.json()
    late = next(item for item in body["agenda"] if item["section"] == "overdue_tasks")
    assert late["title"].startswith("Late report — marketer, due ")
    assert late["source"]["type"] == "teams.task"
    assert late["source"]["url"] == f"/team/tasks/{late['source']['id']}/"
    assert body["participants"] == ["marketer", "manager"] or sorted(body["participants"]) == [
        "manager", "marketer"]


def test_another_teams_meeting_is_404(api_as, outsider, meeting):
    assert api_as(outsider).get(f"/api/v1/meetings/{meeting.pk}/").status_code == 404


def test_an_action_item_over_the_api_lands_on_the_owners_tasks(api_as, users, meeting, today):
    client = api_as(users[Role.MANAGER])

    bad = client.post(f"/api/v1/meetings/{meeting.pk}/action-items/", {
        "title": "Brief", "owner": users[Role.MARKETER].pk,
        "due_date": (today - DAY).isoformat()}, format="json", HTTP_ACCEPT_LANGUAGE="en")
    good = client.post(f"/api/v1/meetings/{meeting.pk}/action-items/", {
        "title": "Brief the KOL", "owner": users[Role.MARKETER].pk,
        "due_date": (today + DAY).isoformat()}, format="json")

    assert bad.status_code == 400
    assert bad.json() == {"due_date": ["A new task cannot be due in the past."]}
    assert good.status_code == 201
    mine = api_as(users[Role.MARKETER]).get("/api/v1/tasks/").json()["results"]
    assert "Brief the KOL" in [t["title"] for t in mine]


def test_a_series_without_participants_is_400(api_as, users, team, today):
    response = api_as(users[Role.MANAGER]).post("/api/v1/meeting-series/", {
        "team": team.pk, "kind": "weekly", "title": "W", "rrule": "FREQ=WEEKLY",
        "first_starts_at": at(today + DAY).isoformat(), "participants": [],
    }, format="json", HTTP_ACCEPT_LANGUAGE="zh-hans")

    assert response.status_code == 400
    assert response.json() == {"participants": ["会议至少需要一名参会人。"]}


def test_board_tasks_are_created_moved_and_discussed(api_as, users, team, today):
    client = api_as(users[Role.MARKETER])

    created = client.post("/api/v1/team-tasks/", {
        "team": team.pk, "title": "Cut the video", "owner": users[Role.MARKETER].pk,
        "due_date": (today + DAY).isoformat(), "priority": "high", "skill": "video",
    }, format="json")
    task_id = created.json()["id"]
    moved = client.post(f"/api/v1/team-tasks/{task_id}/move/", {"column": "doing"},
                        format="json")
    comment = api_as(users[Role.ANALYST]).post(f"/api/v1/team-tasks/{task_id}/comments/",
                                               {"body": "Use the new logo"}, format="json")
    read = client.get(f"/api/v1/team-tasks/{task_id}/comments/")

    assert created.status_code == 201
    assert (moved.json()["column"], moved.json()["status"]) == ("doing", TaskStatus.OPEN)
    assert comment.status_code == 201
    assert [c["body"] for c in read.json()] == ["Use the new logo"]


def test_an_assessment_out_of_range_is_400_and_a_marketer_may_not_assess(api_as, users, team):
    membership = Membership.objects.get(team=team, user=users[Role.ANALYST])
    url = f"/api/v1/members/{membership.pk}/assess/"

    bad = api_as(users[Role.MANAGER]).post(url, {"skill": "data_analysis", "level": 9},
                                           format="json", HTTP_ACCEPT_LANGUAGE="en")
    refused = api_as(users[Role.MARKETER]).post(url, {"skill": "data_analysis", "level": 3},
                                                format="json")
    good = api_as(users[Role.MANAGER]).post(url, {"skill": "data_analysis", "level": 4},
                                            format="json")

    assert bad.status_code == 400
    assert bad.json() == {"level": ["A skill level is a whole number from 1 to 5."]}
    assert refused.status_code == 403
    assert good.status_code == 201
    detail = api_as(users[Role.ANALYST]).get(f"/api/v1/members/{membership.pk}/").json()
    assert detail["skills"] == {"data_analysis": 4}
    assert [a["level"] for a in detail["assessments"]] == [4]


def test_two_accountables_over_the_api_are_400_under_the_area(api_as, users, team, connected):
    campaign = CampaignFactory(team=team, owner=users[Role.MARKETER])
    members = {m.role: m.pk for m in Membership.objects.filter(team=team)}

    response = api_as(users[Role.MANAGER]).post("/api/v1/responsibilities/matrix/", {
        "campaign": campaign.pk,
        "matrix": {"budget": {str(members[Role.MANAGER]): "accountable",
                              str(members[Role.ADMIN]): "accountable"}},
    }, format="json", HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 400
    assert list(response.json()) == ["budget"]


def test_a_training_session_outside_its_plan_is_400(api_as, users, team, today):
    plan = training_services.training_plan_create(
        actor=users[Role.MANAGER], team=team, title="Rules", topic=TrainingTopic.PLATFORM_RULES,
        format=TrainingFormat.LECTURE, skill=Skill.PLATFORM_RULES, starts_on=today,
        ends_on=today + DAY,
    )

    response = api_as(users[Role.MANAGER]).post(f"/api/v1/training-plans/{plan.pk}/sessions/", {
        "title": "Late", "starts_at": at(today + 5 * DAY).isoformat(),
        "ends_at": at(today + 5 * DAY, 12).isoformat(),
    }, format="json")

    assert response.status_code == 400
    assert list(response.json()) == ["starts_at"]


def test_notifications_are_only_mine_and_can_be_marked_read(api_as, users, team):
    task_create(team=team, owner=users[Role.MARKETER], title="For marketer")
    client = api_as(users[Role.MARKETER])

    listing = client.get("/api/v1/notifications/?unread=true").json()["results"]
    marked = client.post("/api/v1/notifications/read-all/").json()
    foreign = api_as(users[Role.ANALYST]).post(f"/api/v1/notifications/{listing[0]['id']}/read/")

    assert [n["kind"] for n in listing] == ["assignment"]
    assert marked == {"marked": 1}
    assert foreign.status_code == 404

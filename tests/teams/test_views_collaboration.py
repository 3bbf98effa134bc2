"""The team pages: the board and its moves, filters, constant query counts, who may do
what, and another team's records as "not found"."""

import datetime

import pytest
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse

from teams.models import (
    BoardColumn,
    MeetingKind,
    Membership,
    Notification,
    Skill,
    SkillAssessment,
    Task,
    TaskStatus,
    TrainingFormat,
    TrainingPlan,
    TrainingTopic,
)
from teams.roles import Role
from teams.services import meetings as meeting_services
from teams.services import task_create
from teams.services import training as training_services
from tests.campaigns.planning.factories import CampaignFactory, MilestoneFactory, PhaseFactory
from tests.teams.conftest import at

pytestmark = pytest.mark.django_db
DAY = datetime.timedelta(days=1)


def _board(client, team, **params):
    query = "&".join(f"{k}={v}" for k, v in {"team": team.pk, **params}.items())
    return client.get(f"{reverse('teams:board')}?{query}")


def _titles(response, column):
    return [t.title for value, _label, tasks in response.context["columns"] if value == column
            for t in tasks]


def test_the_board_shows_the_teams_tasks_by_column(client_as, users, team, other_team, outsider):
    marketer = users[Role.MARKETER]
    task_create(team=team, owner=marketer, title="Write")
    doing = task_create(team=team, owner=users[Role.ANALYST], title="Analyse")
    Task.objects.filter(pk=doing.pk).update(started_at=doing.created_at)
    done = task_create(team=team, owner=marketer, title="Shipped")
    Task.objects.filter(pk=done.pk).update(status=TaskStatus.DONE, completed_at=done.created_at)
    task_create(team=other_team, owner=outsider, title="Elsewhere")

    response = _board(client_as(users[Role.REVIEWER]), team)

    assert response.status_code == 200
    assert _titles(response, BoardColumn.TODO) == ["Write"]
    assert _titles(response, BoardColumn.DOING) == ["Analyse"]
    assert _titles(response, BoardColumn.DONE) == ["Shipped"]
    assert "Elsewhere" not in response.content.decode()


def test_the_board_filters_by_campaign_owner_and_source(client_as, users, team, connected):
    marketer = users[Role.MARKETER]
    campaign = CampaignFactory(team=team, owner=marketer, name="Spring")
    other = CampaignFactory(team=team, owner=marketer, name="Autumn")
    milestone = MilestoneFactory(phase=PhaseFactory(campaign=campaign), title="Script final")
    task_create(team=team, owner=marketer, title="Approve Spring", source=campaign)
    task_create(team=team, owner=users[Role.ANALYST], title="Script final", source=milestone)
    task_create(team=team, owner=marketer, title="Approve Autumn", source=other)
    task_create(team=team, owner=marketer, title="No source")
    client = client_as(users[Role.MANAGER])
    milestone_type = ContentType.objects.get_for_model(milestone).pk

    by_campaign = _board(client, team, campaign=campaign.pk)
    by_owner = _board(client, team, owner=users[Role.ANALYST].pk)
    by_source = _board(client, team, source=milestone_type)

    assert sorted(_titles(by_campaign, BoardColumn.TODO)) == ["Approve Spring", "Script final"]
    assert _titles(by_owner, BoardColumn.TODO) == ["Script final"]
    assert _titles(by_source, BoardColumn.TODO) == ["Script final"]
    assert f'href="/campaigns/milestones/{milestone.pk}/' in by_source.content.decode()


@pytest.mark.parametrize("page", ["board", "meetings", "notifications", "skills", "training"])
def test_list_pages_keep_a_constant_query_count(
    client_as, users, team, today, django_assert_num_queries, page, disconnected
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    manager = users[Role.MANAGER]
    client = client_as(manager)
    url = reverse(f"teams:{page}") + (f"?team={team.pk}" if page != "notifications" else "")

    def grow(n):
        for i in range(n):
            task_create(team=team, owner=users[Role.MARKETER], title=f"task {i}",
                        source=team, due_date=today)
            meeting_services.meeting_create(
                actor=manager, team=team, title=f"m{i}", starts_at=at(today + DAY, 9) + i * DAY,
                participants=[users[Role.MARKETER], manager],
            )
            training_services.training_plan_create(
                actor=manager, team=team, title=f"p{i}", topic=TrainingTopic.CONTENT,
                format=TrainingFormat.ONLINE, skill=Skill.VIDEO, starts_on=today, ends_on=today,
            )
            Notification.objects.create(recipient=manager, kind="meeting", msgid=f"n{i}")

    grow(1)
    client.get(url)  # warm caches (content types, sessions)
    with CaptureQueriesContext(connection) as one:
        assert client.get(url).status_code == 200
    grow(19)
    with django_assert_num_queries(len(one.captured_queries)):
        response = client.get(url)
    assert response.status_code == 200


def test_dragging_a_card_moves_it_and_answers_with_the_columns(client_as, users, team):
    task = task_create(team=team, owner=users[Role.MARKETER], title="Draft")

    response = client_as(users[Role.MARKETER]).post(
        reverse("teams:task_move", args=[task.pk]),
        {"column": "doing", "team": team.pk}, HTTP_HX_REQUEST="true",
    )

    assert response.status_code == 200
    assert _titles(response, BoardColumn.DOING) == ["Draft"]
    assert 'id="board-columns"' in response.content.decode()


def test_a_refused_move_comes_back_with_its_reason(client_as, users, team):
    task = task_create(team=team, owner=users[Role.MARKETER], title="Draft")

    response = client_as(users[Role.ANALYST]).post(
        reverse("teams:task_move", args=[task.pk]), {"column": "done"}, HTTP_HX_REQUEST="true",
        HTTP_ACCEPT_LANGUAGE="zh-hans",
    )

    assert response.status_code == 403
    assert "只有任务负责人或经理可以移动此任务。" in response.content.decode()
    task.refresh_from_db()
    assert task.status == TaskStatus.OPEN


def test_a_new_task_due_yesterday_shows_the_error_on_the_form(client_as, users, team, today):
    response = client_as(users[Role.MANAGER]).post(reverse("teams:task_new"), {
        "team": team.pk, "title": "Late", "owner": users[Role.MARKETER].pk,
        "due_date": (today - DAY).isoformat(), "priority": "normal",
    }, HTTP_ACCEPT_LANGUAGE="zh-hans")

    assert response.status_code == 400
    assert response.context["form"].errors == {"due_date": ["新任务的截止日期不能是过去。"]}
    assert not Task.objects.exists()


def test_the_suggestion_shows_its_reason(client_as, users, team):
    response = client_as(users[Role.MANAGER]).get(
        reverse("teams:task_suggest") + f"?team={team.pk}&skill=video",
        HTTP_ACCEPT_LANGUAGE="en",
    )

    assert "Video production not assessed; 0 open tasks, 0 overdue" in response.content.decode()


def test_a_comment_is_added_in_place(client_as, users, team):
    task = task_create(team=team, owner=users[Role.MARKETER], title="Draft")

    response = client_as(users[Role.ANALYST]).post(
        reverse("teams:task_comment", args=[task.pk]), {"body": "Looks good"},
        HTTP_HX_REQUEST="true",
    )

    assert response.status_code == 200
    assert "Looks good" in response.content.decode()


def test_manager_powers_are_refused_to_a_marketer(client_as, users, team, today, connected):
    marketer = users[Role.MARKETER]
    client = client_as(marketer)
    membership = Membership.objects.get(team=team, user=users[Role.ANALYST])
    campaign = CampaignFactory(team=team, owner=marketer)

    assess = client.post(reverse("teams:member_assess", args=[membership.pk]),
                         {"skill": "data_analysis", "level": "5"})
    raci = client.post(reverse("teams:raci_campaign", args=[campaign.pk]),
                       {f"cell-content-{membership.pk}": "accountable"})
    plan = client.post(reverse("teams:plan_new"), {
        "team": team.pk, "title": "X", "topic": "compliance", "format": "lecture",
        "skill": "platform_rules", "starts_on": today.isoformat(), "ends_on": today.isoformat(),
    })
    series = client.post(reverse("teams:series_new"), {
        "team": team.pk, "kind": MeetingKind.WEEKLY, "title": "W", "rrule": "FREQ=WEEKLY",
        "first_starts_at": f"{(today + DAY).isoformat()}T10:00", "duration_minutes": "60",
        "participants": [marketer.pk],
    })

    assert [assess.status_code, raci.status_code, plan.status_code, series.status_code] == [
        403, 403, 403, 403,
    ]
    assert not SkillAssessment.objects.exists()
    assert not TrainingPlan.objects.exists()


def test_a_manager_assesses_and_sets_raci_on_the_pages(client_as, users, team, connected):
    client = client_as(users[Role.MANAGER])
    members = {m.role: m for m in Membership.objects.filter(team=team)}
    campaign = CampaignFactory(team=team, owner=users[Role.MARKETER])

    bad = client.post(reverse("teams:member_assess", args=[members[Role.ANALYST].pk]),
                      {"skill": "data_analysis", "level": "7"}, HTTP_ACCEPT_LANGUAGE="en")
    good = client.post(reverse("teams:member_assess", args=[members[Role.ANALYST].pk]),
                       {"skill": "data_analysis", "level": "5"})
    two = client.post(reverse("teams:raci_campaign", args=[campaign.pk]), {
        f"cell-content-{members[Role.MARKETER].pk}": "accountable",
        f"cell-content-{members[Role.REVIEWER].pk}": "accountable",
    }, HTTP_ACCEPT_LANGUAGE="en")

    assert bad.status_code == 400
    assert bad.context["form"].errors == {"level": ["A skill level is a whole number from 1 to 5."]}
    assert good.status_code == 302
    assert two.status_code == 400
    assert "Content can have only one Accountable, not 2 (marketer, reviewer)." in (
        two.content.decode()
    )


def test_another_teams_records_are_not_found(client_as, users, team, today, outsider, connected):
    manager = users[Role.MANAGER]
    task = task_create(team=team, owner=users[Role.MARKETER], title="Internal")
    meeting = meeting_services.meeting_create(actor=manager, team=team, title="M",
                                              starts_at=at(today + DAY), participants=[manager])
    plan = training_services.training_plan_create(
        actor=manager, team=team, title="P", topic=TrainingTopic.CONTENT,
        format=TrainingFormat.ONLINE, skill=Skill.VIDEO, starts_on=today, ends_on=today,
    )
    membership = Membership.objects.get(team=team, user=users[Role.MARKETER])
    campaign = CampaignFactory(team=team, owner=manager)
    client = client_as(outsider)

    urls = [
        reverse("teams:task_detail", args=[task.pk]),
        reverse("teams:meeting_detail", args=[meeting.pk]),
        reverse("teams:meeting_ics", args=[meeting.pk]),
        reverse("teams:training_plan", args=[plan.pk]),
        reverse("teams:member_detail", args=[membership.pk]),
        reverse("teams:raci_campaign", args=[campaign.pk]),
        reverse("teams:board") + f"?team={team.pk}",
    ]
    assert [client.get(url).status_code for url in urls] == [404] * len(urls)
    moved = client.post(reverse("teams:task_move", args=[task.pk]), {"column": "done"})
    assert moved.status_code == 404


def test_everyone_reads_their_teams_pages(client_as, users, team, connected):
    client = client_as(users[Role.ANALYST])
    membership = Membership.objects.get(team=team, user=users[Role.MARKETER])

    pages = [reverse("teams:board"), reverse("teams:skills"), reverse("teams:meetings"),
             reverse("teams:training"), reverse("teams:raci"),
             reverse("teams:member_detail", args=[membership.pk])]

    assert [client.get(page).status_code for page in pages] == [200] * len(pages)

import pytest
from django.urls import reverse

from teams.models import TaskStatus
from teams.roles import Role
from teams.services import task_create
from tests.factories import member

pytestmark = pytest.mark.django_db


def test_my_tasks_lists_only_my_open_tasks(client_as, users, team):
    marketer = users[Role.MARKETER]
    task_create(team=team, owner=marketer, title="写周报")
    task_create(team=team, owner=users[Role.ANALYST], title="Someone else's")

    response = client_as(marketer).get(reverse("teams:my_tasks"))

    titles = [t.title for t in response.context["tasks"]]
    assert titles == ["写周报"]
    assert "Someone else" not in response.content.decode()


def test_my_tasks_page_query_count_is_constant(client_as, users, team, django_assert_max_num_queries):
    marketer = users[Role.MARKETER]
    for n in range(15):
        task_create(team=team, owner=marketer, title=f"task {n}", source=team)
    client = client_as(marketer)

    with django_assert_max_num_queries(8):
        response = client.get(reverse("teams:my_tasks"))
    assert len(response.context["tasks"]) == 15


def test_completing_a_task_with_htmx_returns_the_row(client_as, users, team):
    marketer = users[Role.MARKETER]
    task = task_create(team=team, owner=marketer, title="Publish")

    response = client_as(marketer).post(
        reverse("teams:task_set_status", args=[task.pk]), {"status": "done"}, HTTP_HX_REQUEST="true"
    )

    task.refresh_from_db()
    assert task.status == TaskStatus.DONE
    assert f'id="task-{task.pk}"' in response.content.decode()


def test_task_of_another_team_is_not_found(client_as, users, team, outsider):
    task = task_create(team=team, owner=users[Role.MARKETER], title="Internal")

    response = client_as(outsider).post(reverse("teams:task_set_status", args=[task.pk]), {"status": "done"})

    assert response.status_code == 404
    task.refresh_from_db()
    assert task.status == TaskStatus.OPEN


def test_team_list_shows_visible_teams_only(client_as, users, team, other_team, outsider):
    member(other_team, Role.ANALYST, username="east-analyst")

    marketer_page = client_as(users[Role.MARKETER]).get(reverse("teams:team_list")).content.decode()
    assert team.name in marketer_page
    assert other_team.name not in marketer_page

    manager_page = client_as(users[Role.MANAGER]).get(reverse("teams:team_list")).content.decode()
    assert other_team.name in manager_page


def test_task_links_to_the_record_that_created_it(client_as, users, team, monkeypatch):
    from teams.models import Team

    monkeypatch.setattr(Team, "get_absolute_url", lambda self: f"/team/#team-{self.pk}", raising=False)
    marketer = users[Role.MARKETER]
    task_create(team=team, owner=marketer, title="Linked", source=team)

    page = client_as(marketer).get(reverse("teams:my_tasks")).content.decode()

    assert f'<a href="/team/#team-{team.pk}">{team.name}</a>' in page

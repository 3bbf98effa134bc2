import pytest
from django.urls import reverse

from teams.services import task_create
from tests.campaigns.planning.factories import MilestoneFactory

pytestmark = pytest.mark.django_db


def test_milestone_address_opens_its_campaign_at_the_milestone(client_as, users, team):
    milestone = MilestoneFactory(phase__campaign__team=team)

    response = client_as(users["analyst"]).get(milestone.get_absolute_url())

    campaign = milestone.phase.campaign
    assert response.status_code == 302
    assert response["Location"] == f"/campaigns/{campaign.pk}/#milestone-{milestone.pk}"


def test_milestone_of_another_team_is_not_found(client_as, outsider, team):
    milestone = MilestoneFactory(phase__campaign__team=team)

    response = client_as(outsider).get(milestone.get_absolute_url())

    assert response.status_code == 404


def test_my_tasks_links_milestones_without_a_query_each(
    client_as, users, team, django_assert_max_num_queries
):
    marketer = users["marketer"]
    for n in range(12):
        milestone = MilestoneFactory(phase__campaign__team=team, title=f"里程碑 {n}")
        task_create(team=team, owner=marketer, title=milestone.title, source=milestone)
    client = client_as(marketer)

    with django_assert_max_num_queries(10):
        page = client.get(reverse("teams:my_tasks")).content.decode()

    assert page.count('href="/campaigns/milestones/') == 12

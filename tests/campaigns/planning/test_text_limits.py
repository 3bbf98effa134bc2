"""Text longer than a field holds is refused with the limit in the message, never cut:
not by the browser (no ``maxlength`` on the pages), not by the services."""

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from campaigns.planning import services
from campaigns.planning.forms import MilestoneForm, PhaseForm
from campaigns.planning.models import Campaign
from tests.campaigns.planning.factories import spec_example

pytestmark = pytest.mark.django_db


def test_a_5000_character_name_is_refused_on_the_page_with_the_limit(client_as, team, users):
    client = client_as(users["marketer"])

    form_page = client.get("/campaigns/new/").content.decode()
    response = client.post("/campaigns/new/", {
        "team": team.pk, "name": "名" * 5000, "objective": "awareness", "budget": "1000",
        "start_date": "2030-01-01", "end_date": "2030-03-31", "target_gender": "any",
    }, HTTP_ACCEPT_LANGUAGE="en")

    assert "maxlength" not in form_page
    assert response.status_code == 200
    assert response.context["form"].errors["name"] == [
        "Keep this to 200 characters (it has 5000)."
    ]
    assert not Campaign.objects.exists()


def test_the_api_refuses_a_long_name_with_the_same_limit(api_as, team, users):
    response = api_as(users["marketer"]).post("/api/v1/campaigns/", {
        "team": team.pk, "name": "n" * 201, "objective": "awareness",
        "start_date": "2030-01-01", "end_date": "2030-03-31",
    }, format="json")

    assert response.status_code == 400
    assert list(response.json()) == ["name"]
    assert "200" in response.json()["name"][0]


@pytest.mark.parametrize(("field", "limit"), [("description", 5000)])
def test_the_service_bounds_free_texts(team, users, field, limit):
    with pytest.raises(ValidationError) as exc:
        services.campaign_create(
            actor=users["marketer"], team=team, name="ok", objective="awareness",
            start_date="2030-01-01", end_date="2030-03-31", **{field: "x" * (limit + 1)},
        )

    assert exc.value.message_dict == {
        field: [f"Keep this to {limit} characters (it has {limit + 1})."]
    }


def test_a_goal_statement_and_a_move_reason_are_bounded(team, users):
    campaign = spec_example(team, users["marketer"])
    with pytest.raises(ValidationError) as statement:
        services.goal_create(actor=users["marketer"], campaign=campaign, statement="s" * 1001)
    with pytest.raises(ValidationError) as reason:
        services.campaign_submit(actor=users["marketer"], campaign=campaign, reason="r" * 1001)

    assert statement.value.message_dict == {
        "statement": ["Keep this to 1000 characters (it has 1001)."]
    }
    assert reason.value.message_dict == {"reason": ["Keep this to 1000 characters (it has 1001)."]}
    campaign.refresh_from_db()
    assert campaign.submitted_at is None


def test_plan_pages_carry_no_maxlength(client_as, team, users):
    campaign = spec_example(team, users["marketer"])
    client = client_as(users["marketer"])

    for url in (f"/campaigns/{campaign.pk}/edit/", f"/campaigns/{campaign.pk}/goals/",
                f"/campaigns/{campaign.pk}/phases/", f"/campaigns/{campaign.pk}/"):
        assert "maxlength" not in client.get(url).content.decode(), url


def test_a_phase_is_named_with_the_word_for_a_name_not_a_task_name():
    with translation.override("zh-hans"):
        labels = [str(PhaseForm().fields["name"].label)]

    assert labels == ["名称"]
    assert "任务名" not in labels


def test_milestone_form_parses_the_title_without_a_length_attribute():
    form = MilestoneForm(phases=None)

    assert "maxlength" not in str(form["title"])

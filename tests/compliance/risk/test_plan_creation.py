"""Creating an emergency plan never replaces an existing one: the team's plan for an
incident type is edited on its own page; a second one is refused and points there."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from compliance.risk.models import EmergencyPlan
from compliance.risk.services import emergency_plan_save

pytestmark = pytest.mark.django_db

SEEDED_STEPS = [
    {"title": "联系平台客服", "owner_role": "marketer", "due_offset_hours": 2},
    {"title": "了解封禁原因", "owner_role": "manager", "due_offset_hours": 8},
]
HOLDING = [{"title": "对外口径", "body": "账号正在与平台沟通处理中。"}]


@pytest.fixture
def seeded(team, users):
    return emergency_plan_save(
        actor=users["manager"], team=team, incident_type="account_banned", name="账号封禁预案",
        holding_statements=HOLDING, steps=SEEDED_STEPS,
    )


def _unchanged(plan, *, plans: int = 1) -> None:
    plan.refresh_from_db()
    assert plan.name == "账号封禁预案"
    assert plan.holding_statements == HOLDING
    assert [s.title for s in plan.steps.all()] == ["联系平台客服", "了解封禁原因"]
    assert EmergencyPlan.objects.count() == plans


def test_the_new_plan_page_refuses_a_second_plan_and_links_to_the_existing_one(
    seeded, team, users, client_as
):
    response = client_as(users["manager"]).post(reverse("risk:plan_create"), {
        "team": team.pk, "incident_type": "account_banned", "name": "新预案",
        "steps": "只有一步 | admin | 1",
    }, HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 400
    assert response.context["form"].errors["incident_type"] == [
        "The team already has a plan for this incident type: “账号封禁预案”. "
        "Edit that plan instead."
    ]
    assert response.context["existing_plan"] == seeded
    assert f'href="{reverse("risk:plan_edit", args=[seeded.pk])}"' in response.content.decode()
    _unchanged(seeded)


def test_the_api_refuses_to_create_over_an_existing_plan(seeded, team, users, api_as):
    response = api_as(users["manager"]).post("/api/v1/compliance/emergency-plans/", {
        "team": team.pk, "incident_type": "account_banned", "name": "新预案",
        "steps": [{"title": "只有一步"}],
    }, format="json", HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 400
    assert list(response.json()) == ["incident_type"]
    _unchanged(seeded)


def test_the_service_refuses_with_a_code_naming_the_plan(seeded, team, users):
    with pytest.raises(ValidationError) as exc:
        emergency_plan_save(actor=users["admin"], team=team, incident_type="account_banned",
                            name="x", steps=[{"title": "y"}])

    [error] = exc.value.error_dict["incident_type"]
    assert (error.code, error.params["plan"]) == ("plan_exists", seeded.pk)
    _unchanged(seeded)


def test_the_edit_page_still_changes_the_plan(seeded, team, users, client_as):
    response = client_as(users["manager"]).post(reverse("risk:plan_edit", args=[seeded.pk]), {
        "team": team.pk, "incident_type": "account_banned", "name": "账号封禁预案 v2",
        "steps": "联系平台客服 | 营销专员 | 2",
    })

    assert response.status_code == 302
    seeded.refresh_from_db()
    assert seeded.name == "账号封禁预案 v2"
    assert [(s.title, s.owner_role) for s in seeded.steps.all()] == [("联系平台客服", "marketer")]


def test_an_edit_cannot_move_a_plan_onto_another_plans_type(seeded, team, users):
    other = emergency_plan_save(actor=users["manager"], team=team, incident_type="data_leak",
                                name="数据泄露预案", steps=[{"title": "封堵"}])

    with pytest.raises(ValidationError) as exc:
        emergency_plan_save(actor=users["manager"], team=team, incident_type="account_banned",
                            name="改名", steps=[{"title": "封堵"}], plan=other)

    assert exc.value.error_dict["incident_type"][0].code == "plan_exists"
    _unchanged(seeded, plans=2)
    other.refresh_from_db()
    assert (other.incident_type, other.name) == ("data_leak", "数据泄露预案")


def test_the_api_updates_a_plan_in_place(seeded, team, users, api_as):
    response = api_as(users["manager"]).put(
        f"/api/v1/compliance/emergency-plans/{seeded.pk}/", {
            "team": team.pk, "incident_type": "account_banned", "name": "改过的预案",
            "steps": [{"title": "新步骤", "owner_role": "manager"}],
        }, format="json")

    assert response.status_code == 200
    assert response.json()["name"] == "改过的预案"
    assert EmergencyPlan.objects.get().steps.get().title == "新步骤"

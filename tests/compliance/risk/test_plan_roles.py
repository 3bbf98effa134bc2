"""Plan steps name their owner role as people say it (营销专员, Marketer), not as a code."""

import pytest
from django.urls import reverse

from compliance.risk.forms import PlanForm, role_code
from compliance.risk.models import EmergencyPlan

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(("typed", "code"), [
    ("营销专员", "marketer"), ("经理", "manager"), ("Marketer", "marketer"),
    ("marketer", "marketer"), ("  reviewer ", "reviewer"), ("", ""), ("巫师", "巫师"),
])
def test_a_typed_role_is_read_as_its_code(typed, code):
    assert role_code(typed) == code


def test_the_chinese_step_line_of_the_issue_is_accepted(team, users, client_as):
    response = client_as(users["manager"]).post(reverse("risk:plan_create"), {
        "team": team.pk, "incident_type": "account_banned", "name": "账号封禁预案",
        "steps": "联系平台客服 | 营销专员 | 2",
    })

    assert response.status_code == 302
    step = EmergencyPlan.objects.get().steps.get()
    assert (step.title, step.owner_role, step.due_offset_hours) == ("联系平台客服", "marketer", 2)


def test_an_unknown_role_is_refused_with_the_names_to_use(team, users, client_as):
    response = client_as(users["manager"]).post(reverse("risk:plan_create"), {
        "team": team.pk, "incident_type": "account_banned", "name": "账号封禁预案",
        "steps": "联系平台客服 | 巫师 | 2",
    }, HTTP_ACCEPT_LANGUAGE="zh-hans")

    assert response.status_code == 400
    [message] = response.context["form"].errors["steps"]
    assert "巫师" in message
    assert "营销专员" in message
    assert "marketer" not in message


def test_the_help_text_shows_a_role_name_not_a_code(team):
    from django.utils import translation

    with translation.override("zh-hans"):
        help_text = str(PlanForm(teams=[team]).fields["steps"].help_text)
        name_label = str(PlanForm(teams=[team]).fields["name"].label)

    assert "营销专员" in help_text
    assert "marketer" not in help_text
    assert name_label == "名称"

import io

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from teams.models import Membership, Team
from teams.roles import Role

pytestmark = pytest.mark.django_db


def _counts():
    from django.apps import apps

    return {
        model._meta.label: model.objects.count()
        for app in ("teams", "platforms", "compliance", "campaigns", "analytics")
        for model in apps.get_app_config(app).get_models()
    }


def test_seed_demo_creates_one_user_per_role_and_prints_logins(settings):
    settings.DEMO_PASSWORD = "demo-pass"
    out = io.StringIO()

    call_command("seed_demo", stdout=out)

    team = Team.objects.get(slug="demo")
    for role in Role.values:
        user = get_user_model().objects.get(username=role)
        assert user.check_password("demo-pass")
        assert Membership.objects.get(user=user, team=team).role == role
        assert f"{role:<9} / demo-pass" in out.getvalue()
    assert get_user_model().objects.get(username="admin").is_staff


def test_seed_demo_twice_creates_nothing_twice():
    call_command("seed_demo", stdout=io.StringIO())
    first = _counts()

    call_command("seed_demo", stdout=io.StringIO())

    assert _counts() == first

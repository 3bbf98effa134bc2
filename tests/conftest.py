"""Root fixtures: two teams and one user per role in the first, plus an outsider."""

from importlib import import_module

import pytest
from rest_framework.test import APIClient

from teams.roles import Role
from tests.factories import TeamFactory, member


@pytest.fixture
def team(db):
    return TeamFactory(name="Brand team", slug="brand")


@pytest.fixture
def other_team(db):
    return TeamFactory(name="Other team", slug="other")


@pytest.fixture
def users(team):
    """role -> a user holding that role in ``team``."""
    return {role: member(team, role, username=role) for role in Role.values}


@pytest.fixture
def outsider(other_team):
    """A marketer of another team: must never see ``team``'s data."""
    return member(other_team, Role.MARKETER, username="outsider")


@pytest.fixture
def api_client():
    return APIClient()


@pytest.fixture
def api_as(api_client):
    """Log the API client in as a given user: ``api_as(users["marketer"])``."""

    def login(user):
        api_client.force_authenticate(user=user)
        return api_client

    return login


@pytest.fixture
def client_as(client):
    """Log the Django test client in as a given user."""

    def login(user):
        client.force_login(user)
        return client

    return login


def restore_data_migrations() -> None:
    """Put back the rows that data migrations created, if a flush removed them.

    Transactional tests (live server, migration tests) end by flushing every
    table; post_migrate then restores content types, permissions, role groups
    and the default compliance rules, but the platform catalogue comes from data
    migrations, which do not rerun. (Serialized rollback would do it, but
    pytest-django skips it when ordinary database tests share the session.)
    """
    from django.apps import apps

    from platforms.models import Platform

    if Platform.objects.exists():
        return
    for migration in ("0002_platform_catalogue", "0004_platform_profiles", "0010_website_platform"):
        import_module(f"platforms.migrations.{migration}").load(apps, None)

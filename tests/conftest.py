"""Root fixtures: two teams and one user per role in the first, plus an outsider."""

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

"""Root fixtures: two teams and one user per role in the first, plus an outsider."""

import os
import shutil
from importlib import import_module

import pytest
from django.db.models.signals import post_migrate
from rest_framework.test import APIClient

from teams.roles import Role
from tests.factories import TeamFactory, member


def forget_cached_answers() -> None:
    """Empty the API's answer cache (``teams.answers``): this process's and the shared one."""
    from django.core.cache import cache

    from teams.answers import answers

    answers.clear_local()
    cache.clear()


@pytest.fixture(autouse=True)
def _no_cached_answers_from_other_tests():
    # A rolled-back test can leave the same teams with the same tags behind it.
    forget_cached_answers()


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


def _restore_after_flush(sender, **kwargs) -> None:
    # A transactional test's flush ends with post_migrate; with the suite split over
    # processes, ordinary tests may run after it, so the catalogue comes back at once.
    if sender.label == "platforms":
        restore_data_migrations()


post_migrate.connect(_restore_after_flush, dispatch_uid="tests.restore_data_migrations")


CHROMIUM = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]


@pytest.fixture(scope="session")
def browser():
    """One Chromium per test process: Playwright's sync API allows one driver loop a thread."""
    if not os.path.exists(CHROMIUM):
        reason = f"Chromium not found at {CHROMIUM}: install Debian's chromium to run browser tests"
        if os.environ.get("E2E_REQUIRED"):
            pytest.fail(reason)
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()

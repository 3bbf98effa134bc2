"""Browser tests: Playwright drives Debian's Chromium against a live server.

Without Chromium they skip with the reason shown; with ``E2E_REQUIRED=1``
(CI) a missing browser fails instead, so CI always runs them.
"""

import os

import pytest
from django.core.management import call_command

from tests.conftest import restore_data_migrations

# Playwright's sync API runs an event loop in this thread; the ORM calls made
# by fixtures here are still synchronous and safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

DEMO_PASSWORD = "campaignops"


@pytest.fixture
def seeded_live_server(live_server, transactional_db, settings):
    """The live server's URL, with the demo data loaded."""
    settings.DEMO_PASSWORD = DEMO_PASSWORD
    restore_data_migrations()
    call_command("seed_demo", stdout=open(os.devnull, "w"))  # noqa: SIM115
    return live_server.url


@pytest.fixture
def page_as(browser, seeded_live_server):
    """Log a demo user in through the login form; returns the page on the home page."""
    contexts = []

    def login(username: str, *, language: str = "zh-hans"):
        context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
        context.set_default_timeout(10_000)
        contexts.append(context)
        page = context.new_page()
        page.goto(f"{seeded_live_server}/accounts/login/")
        page.fill("input[name=username]", username)
        page.fill("input[name=password]", DEMO_PASSWORD)
        page.click("main form button[type=submit]")
        page.wait_for_url(f"{seeded_live_server}/")
        return page

    yield login
    for context in contexts:
        context.close()

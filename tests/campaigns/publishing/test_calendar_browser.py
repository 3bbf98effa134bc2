"""The calendar in a real browser: drag an approved item onto a day, publish, see the URL.

Drives Debian's Chromium with Playwright against a live server (skipped without
Chromium, failed instead with ``E2E_REQUIRED=1``). Checks what only a browser
can: the static calendar script, the htmx POST of a drop, the refusal shown.
"""

import datetime
import os

import pytest
from django.utils import timezone

from campaigns.content.models import ContentStatus as C
from campaigns.publishing import tasks
from campaigns.publishing.models import Publication
from campaigns.publishing.models import PublicationStatus as P
from tests.conftest import restore_data_migrations

from .factories import approved_item

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture
def catalogue(transactional_db):
    restore_data_migrations()


@pytest.fixture
def page(browser, live_server, users, settings, catalogue):
    settings.LANGUAGE_CODE = "en"
    context = browser.new_context(locale="en-US", viewport={"width": 1400, "height": 1000})
    context.set_default_timeout(15_000)
    page = context.new_page()
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=username]", users["marketer"].username)
    page.fill("input[name=password]", "pw-for-tests")
    page.click("main form button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")
    yield page
    context.close()


def test_marketer_drags_an_item_onto_the_calendar_and_sees_it_published_with_its_url(
    page, live_server, campaign, weibo
):
    item = approved_item(campaign, [weibo], title="Tea ceremony tips")
    zone = campaign.team.zone
    tomorrow = timezone.localtime(timezone.now(), zone).date() + datetime.timedelta(days=1)
    page.goto(f"{live_server.url}/calendar/?team={campaign.team_id}&date={tomorrow}")

    page.locator('[data-testid="ready-item"]', has_text="Tea ceremony tips").drag_to(
        page.locator(f'td[data-drop-date="{tomorrow}"]')
    )
    page.wait_for_selector('[data-testid="cal-publication"]')

    pub = Publication.objects.get(item=item)
    local = timezone.localtime(pub.scheduled_at, zone)
    assert (pub.status, local.date(), local.hour) == (P.SCHEDULED, tomorrow, 20)
    item.refresh_from_db()
    assert item.status == C.SCHEDULED

    # Its time comes; the beat sends it through the sandbox connector.
    Publication.objects.filter(pk=pub.pk).update(
        scheduled_at=timezone.now() - datetime.timedelta(seconds=1)
    )
    tasks.publications_due_task()
    pub.refresh_from_db()
    today = timezone.localtime(pub.scheduled_at, zone).date()
    page.goto(f"{live_server.url}/calendar/?team={campaign.team_id}&date={today}")

    link = page.locator('[data-testid="cal-published-url"]')
    assert link.get_attribute("href") == pub.url
    assert pub.url.startswith("https://sandbox.campaignops.invalid/")


def test_a_drop_into_the_past_is_refused_with_the_reason_on_the_page(
    page, live_server, campaign, weibo
):
    approved_item(campaign, [weibo], title="Late idea")
    zone = campaign.team.zone
    today = timezone.localtime(timezone.now(), zone).date()
    yesterday = today - datetime.timedelta(days=1)
    page.goto(f"{live_server.url}/calendar/?team={campaign.team_id}&view=week&date={today}")

    page.locator('[data-testid="ready-item"]', has_text="Late idea").drag_to(
        page.locator(f'td[data-drop-date="{yesterday}"][data-drop-hour="9"]')
        if today.weekday() else page.locator(f'td[data-drop-date="{today}"][data-drop-hour="0"]')
    )

    feedback = page.locator('[data-testid="drop-errors"]')
    feedback.wait_for()
    assert "The time is in the past; choose a later one." in feedback.inner_text()
    assert not Publication.objects.exists()

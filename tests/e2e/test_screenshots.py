"""Screenshots of the key pages, as the demo roles see them, at desktop (1280 px) and phone
(390 px) width in Chinese and English, kept under ``var/screenshots/`` (CI keeps them as
artefacts). Each page must answer without an error page, show no raw code in its text and,
at phone width, not scroll sideways."""

from pathlib import Path

import pytest
from django.conf import settings
from playwright.sync_api import expect

from tests.e2e.conftest import DEMO_PASSWORD

pytestmark = pytest.mark.e2e

SHOTS = Path(settings.BASE_DIR) / "var" / "screenshots"
WIDTHS = {"desktop": {"width": 1280, "height": 900}, "phone": {"width": 390, "height": 844}}
LOCALES = {"zh": "zh-CN", "en": "en-US"}
# Codes that are stored but must never be read on a page (their labels are).
RAW_CODES = (
    "wechat_oa", "business_licence", "administrator_id", "in_production", "in_review",
    "changes_requested", "on_track", "at_risk", "unverified", "negative_publicity",
    "account_banned", "content_complaint", "None", "{{", "{%",
)


def _key_pages() -> list[tuple[str, str, str]]:
    """(name, path, role) of each page shot; ids come from the demo data."""
    from campaigns.planning.models import Campaign, CampaignStatus

    campaign = (
        Campaign.objects.filter(status=CampaignStatus.RUNNING).order_by("pk").first()
        or Campaign.objects.order_by("pk").first()
    )
    return [
        ("campaign-list", "/campaigns/", "manager"),
        ("campaign-detail", f"/campaigns/{campaign.pk}/", "manager"),
        ("content", "/content/", "marketer"),
        ("calendar", "/calendar/", "marketer"),
        ("inbox", "/engagement/", "marketer"),
        ("dashboard-portfolio", "/analytics/", "manager"),
        ("dashboard-campaign", f"/analytics/campaigns/{campaign.pk}/", "manager"),
        ("compliance-checker", "/compliance/checker/", "reviewer"),
        ("team-board", "/team/board/", "manager"),
    ]


def _login(browser, base: str, username: str, language: str, width: str):
    context = browser.new_context(locale=LOCALES[language], viewport=WIDTHS[width])
    context.set_default_timeout(20_000)
    page = context.new_page()
    page.goto(f"{base}/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", DEMO_PASSWORD)
    page.click("main form button[type=submit]")
    page.wait_for_url(f"{base}/")
    return context, page


def _shoot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def _problems(page, width: str) -> list[str]:
    """What is wrong with the page as shown: an error page, raw codes, sideways scroll."""
    problems = []
    text = page.locator("main").inner_text()
    title = page.title()
    for word in ("Server Error", "Traceback", "404", "403"):
        if word in title:
            problems.append(f"error page: {title}")
    problems += [f"raw code {code!r}" for code in RAW_CODES if code in text]
    if width == "phone":
        scroll = page.evaluate("document.documentElement.scrollWidth")
        if scroll > WIDTHS["phone"]["width"]:
            problems.append(f"scrolls sideways ({scroll} px)")
    return problems


@pytest.mark.parametrize("language", ["zh", "en"])
def test_key_pages_at_desktop_and_phone_width(browser, seeded_live_server, language):
    pages = _key_pages()
    found: dict[str, list[str]] = {}
    for width in WIDTHS:
        # The home dashboard as each demo role sees it.
        for role in ("admin", "manager", "marketer", "reviewer", "analyst"):
            context, page = _login(browser, seeded_live_server, role, language, width)
            expect(page.get_by_test_id("panel").first).to_be_visible()
            expect(page.locator("h1")).to_have_text("概览" if language == "zh" else "Overview")
            _shoot(page, f"home-{role}-{width}-{language}")
            found[f"home-{role}-{width}"] = _problems(page, width)
            context.close()
        contexts = {}
        for name, path, role in pages:
            if role not in contexts:
                contexts[role] = _login(browser, seeded_live_server, role, language, width)
            page = contexts[role][1]
            response = page.goto(seeded_live_server + path)
            assert response is not None, name
            assert response.status == 200, (name, response.status)
            page.wait_for_load_state("networkidle")
            _shoot(page, f"{name}-{width}-{language}")
            found[f"{name}-{width}"] = _problems(page, width)
        for context, _page in contexts.values():
            context.close()

    assert {name: problems for name, problems in found.items() if problems} == {}

"""/api/docs/ draws Swagger UI under the site's ``script-src 'self'`` policy, with the
operations listed, and the browser reports no blocked script."""

import pytest
from playwright.sync_api import expect

from teams.roles import Role
from tests.factories import TeamFactory, member

pytestmark = pytest.mark.e2e
PASSWORD = "docs-pass-123"


@pytest.fixture
def logged_in_page(browser, live_server, transactional_db):
    team = TeamFactory(name="Docs team", slug="docs")
    user = member(team, Role.ANALYST, username="docs-reader")
    user.set_password(PASSWORD)
    user.save()
    context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
    context.set_default_timeout(20_000)
    page = context.new_page()
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=username]", "docs-reader")
    page.fill("input[name=password]", PASSWORD)
    page.click("main form button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")
    yield page
    context.close()


def test_swagger_ui_lists_the_operations(logged_in_page, live_server):
    page = logged_in_page
    blocked = []
    page.on("console", lambda message: blocked.append(message.text)
            if "Content Security Policy" in message.text else None)

    response = page.goto(f"{live_server.url}/api/docs/")

    assert "script-src" in response.headers["content-security-policy"]
    expect(page.locator(".swagger-ui .info .title")).to_contain_text("CampaignOps API")
    operations = page.locator(".opblock .opblock-summary-path")
    expect(operations.nth(9)).to_be_visible()
    paths = operations.all_inner_texts()
    assert any(path.startswith("/api/v1/campaigns/") for path in paths)
    assert blocked == []

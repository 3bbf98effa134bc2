"""At 390 px (a phone) the campaign page stays usable: the page itself never scrolls
sideways, the KPI table scrolls inside its card so its last column can be reached, the
Gantt's phase names sit beside the bars and its dates apart, and its toolbar is Chinese."""

import pytest
from playwright.sync_api import expect

from campaigns.planning import services
from teams.roles import Role
from tests.campaigns.planning.factories import spec_example
from tests.factories import TeamFactory, member

pytestmark = pytest.mark.e2e
PASSWORD = "phone-pass-123"


@pytest.fixture
def phone_page(browser, live_server, transactional_db):
    from tests.conftest import restore_data_migrations

    restore_data_migrations()
    team = TeamFactory(name="Phone team", slug="phone")
    user = member(team, Role.MANAGER, username="phone-manager")
    user.set_password(PASSWORD)
    user.save()
    campaign = spec_example(team, user)
    campaign.name = "手机上看的活动"
    campaign.save()
    services.phase_standard_plan(actor=user, campaign=campaign)
    context = browser.new_context(locale="zh-CN", viewport={"width": 390, "height": 844})
    context.set_default_timeout(20_000)
    page = context.new_page()
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=username]", "phone-manager")
    page.fill("input[name=password]", PASSWORD)
    page.click("main form button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")
    yield page, f"{live_server.url}/campaigns/{campaign.pk}/"
    context.close()


def test_the_campaign_page_is_usable_at_390_px(phone_page):
    page, url = phone_page
    page.goto(url)
    expect(page.locator("#gantt .main-svg").first).to_be_visible()

    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    kpi = page.get_by_test_id("kpi-table").first
    last_header = kpi.locator("thead th").last
    wrapper_box = page.evaluate(
        "el => { const w = el.closest('.table-responsive'); "
        "return {scroll: w.scrollWidth, client: w.clientWidth}; }",
        kpi.element_handle(),
    )
    last_header.scroll_into_view_if_needed()
    box = last_header.bounding_box()
    assert box is not None
    assert box["x"] + box["width"] <= 390 + 1
    assert wrapper_box["scroll"] >= wrapper_box["client"]

    plot = page.locator("#gantt .nsewdrag").first.bounding_box()
    labels = page.locator("#gantt .ytick text")
    assert labels.count() >= 3
    for i in range(labels.count()):
        label = labels.nth(i).bounding_box()
        assert label["x"] + label["width"] <= plot["x"] + 1
    # The toolbar speaks the page's language (plotly's zh-CN locale).
    titles = page.locator("#gantt .modebar-btn").evaluate_all(
        "buttons => buttons.map(b => b.getAttribute('data-title'))")
    assert "下载图表为PNG格式" in titles
    dates = page.locator("#gantt .xtick text")
    shown = (dates.nth(i).bounding_box() for i in range(dates.count()))
    boxes = sorted((b for b in shown if b and b["width"]), key=lambda b: b["x"])
    assert len(boxes) >= 2
    for left, right in zip(boxes, boxes[1:], strict=False):
        assert left["x"] + left["width"] <= right["x"], "date labels overlap"

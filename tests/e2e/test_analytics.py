"""An analyst imports a back-end export: a bad row is refused by its number, the fixed file
goes in; a manager then sees the campaign's KPI gauges move and the funnel's new numbers."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import timezone
from playwright.sync_api import expect

SHOTS = Path(settings.BASE_DIR) / "var" / "screenshots"
CAMPAIGN = "微信公众号品牌故事周"  # running, behind pace, in the demo data
ACCOUNT = "演示品牌服务号"
HEADER = "日期,平台,账号,阅读量,点击量,转化数\n"


@pytest.fixture(autouse=True)
def analytics_demo():
    """The seeder ``AnalyticsConfig.ready()`` registers; repeated here (registering twice
    is harmless) so the demo campaigns have their metric histories."""
    from analytics.services import demo
    from teams.demo import register_demo_seeder

    register_demo_seeder("analytics", demo.seed, order=60)


def _shot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def _csv(rows: list[str]) -> dict:
    return {"name": "wechat-export.csv", "mimeType": "text/csv",
            "buffer": (HEADER + "".join(rows)).encode("utf-8")}


def _import(page, server: str, rows: list[str]) -> None:
    page.goto(server + "/analytics/imports/new/")
    page.select_option("select[name=campaign]", label=CAMPAIGN)
    page.set_input_files("input[name=file]", _csv(rows))
    page.click("[data-testid=import-submit]")
    expect(page).to_have_url(re.compile(r"/analytics/imports/\d+/$"))
    expect(page.locator("[data-testid=import-result]")).to_be_visible(timeout=20_000)


def manager_campaign_id() -> int:
    from campaigns.planning.models import Campaign

    return Campaign.objects.get(name=CAMPAIGN).pk


def _dashboard(page, server: str) -> None:
    page.goto(f"{server}/analytics/campaigns/{manager_campaign_id()}/")
    expect(page.locator("[data-testid=kpi-gauge]").first).to_be_visible()


def _funnel(page) -> dict[str, float]:
    """The funnel's step values as the page carries them (an empty step counts 0)."""
    steps = page.locator("[data-testid=funnel-step]")
    return {
        steps.nth(i).get_attribute("data-step"): float(
            steps.nth(i).get_attribute("data-value") or 0
        )
        for i in range(steps.count())
    }


def _reads_gauge(page):
    return page.locator("[data-testid=kpi-gauge][data-metric=reads]")


def _english(page, server: str) -> None:
    page.context.add_cookies([{"name": "django_language", "value": "en", "url": server}])
    page.reload()


def test_analyst_imports_a_fixed_export_and_the_manager_sees_the_dashboard_move(
    page_as, seeded_live_server
):
    today = timezone.localdate().isoformat()
    server = seeded_live_server

    manager = page_as("manager")
    _dashboard(manager, server)
    reads_before = float(_reads_gauge(manager).get_attribute("data-actual"))
    progress_before = float(_reads_gauge(manager).get_attribute("data-progress"))
    funnel_before = _funnel(manager)

    analyst = page_as("analyst")
    _import(analyst, server, [
        f"{today},wechat_oa,{ACCOUNT},20000,800,40\n",
        f"{today},wechat_oa,{ACCOUNT},abc,800,40\n",  # row 3: not a number
    ])
    errors = analyst.locator("[data-testid=import-errors]")
    expect(errors).to_contain_text(re.compile(r"(row 3|第\s*3\s*行)"))
    expect(analyst.locator("[data-testid=points-added]")).to_have_text("0")
    _shot(analyst, "analytics-import-rejected-desktop-zh")

    _import(analyst, server, [f"{today},wechat_oa,{ACCOUNT},20000,800,40\n"])
    expect(analyst.locator("[data-testid=rows-invalid]")).to_have_text("0")
    expect(analyst.locator("[data-testid=points-added]")).to_have_text("3")
    _shot(analyst, "analytics-import-done-desktop-zh")

    manager.reload()
    gauge = _reads_gauge(manager)
    expect(gauge).to_have_attribute("data-actual", re.compile(r"\d"))
    assert float(gauge.get_attribute("data-actual")) == reads_before + 20000
    assert float(gauge.get_attribute("data-progress")) > progress_before
    # The funnel's steps grow by the imported row's reads, clicks and conversions.
    funnel = _funnel(manager)
    assert {step: funnel[step] - funnel_before[step] for step in funnel} == {
        "exposure": 20000, "clicks": 800, "conversions": 40, "orders": 0,
    }
    exposure = manager.locator("[data-testid=funnel-step][data-step=exposure]")
    expect(exposure.locator("[data-testid=funnel-value]")).to_have_text(
        f"{funnel['exposure']:,.0f}"
    )
    expect(manager.locator(".plotly-figure[data-drawn='1']").first).to_be_attached()
    _shot(manager, "analytics-campaign-dashboard-desktop-zh")

    manager.set_viewport_size({"width": 390, "height": 844})
    manager.reload()
    expect(_reads_gauge(manager)).to_be_visible()
    _shot(manager, "analytics-campaign-dashboard-390-zh")

    _english(manager, server)
    expect(manager.locator("[data-testid=kpi-gauges] h2")).to_have_text("KPI progress")
    _shot(manager, "analytics-campaign-dashboard-390-en")
    manager.set_viewport_size({"width": 1280, "height": 900})
    manager.reload()
    _shot(manager, "analytics-campaign-dashboard-desktop-en")

    manager.goto(server + "/analytics/")
    campaign_id = manager_campaign_id()
    expect(manager.locator(f"[data-testid=portfolio-row][data-campaign='{campaign_id}']")
           ).to_be_visible()
    _shot(manager, "analytics-portfolio-desktop-en")
    analyst.set_viewport_size({"width": 390, "height": 844})
    _english(analyst, server)
    _shot(analyst, "analytics-import-done-390-en")

    # The behind-pace campaign's diagnosis names the weak stage and its action.
    manager.goto(f"{server}/analytics/campaigns/{campaign_id}/diagnosis/")
    expect(manager.locator("[data-testid=finding][data-kind=low_ctr]")).to_be_visible()
    expect(manager.locator("[data-testid=action]")).to_have_count(1)
    _shot(manager, "analytics-diagnosis-desktop-en")
    manager.goto(server + "/analytics/evaluations/")
    manager.locator("[data-testid=report-row] a").first.click()
    expect(manager.locator("[data-testid=report-summary]")).to_be_visible()
    _shot(manager, "analytics-weekly-report-desktop-en")

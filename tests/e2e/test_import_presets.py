"""An analyst uploads the exports of 生意参谋 and 百度统计 as the tools write them: the layout
is detected from the file, the account is asked for, and the import page says how the file
was read — title lines passed over, rates kept as given, columns left out."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from playwright.sync_api import expect

SHOTS = Path(settings.BASE_DIR) / "var" / "screenshots"
FIXTURES = Path(settings.BASE_DIR) / "tests" / "analytics" / "ingest" / "fixtures"
CAMPAIGN = "微信公众号品牌故事周"  # a demo campaign of the demo team
SHOP = "演示品牌天猫旗舰店"  # the demo team's Tmall shop


@pytest.fixture(autouse=True)
def analytics_demo():
    """The seeder ``AnalyticsConfig.ready()`` registers; repeated here (registering twice is
    harmless), as the analytics browser test does."""
    from analytics.services import demo
    from teams.demo import register_demo_seeder

    register_demo_seeder("analytics", demo.seed, order=60)


def _shot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def _english(page, server: str) -> None:
    page.context.add_cookies([{"name": "django_language", "value": "en", "url": server}])


def _file(name: str) -> dict:
    return {"name": name, "mimeType": "application/octet-stream",
            "buffer": (FIXTURES / name).read_bytes()}


def _account_id(handle: str) -> str:
    from platforms.models import PlatformAccount

    return str(PlatformAccount.objects.get(handle=handle).pk)


def _website_account() -> str:
    """The demo team's own website (the demo has none): where 百度统计 figures land."""
    from campaigns.planning.models import Campaign
    from platforms.models import Platform, PlatformAccount

    team_id = Campaign.objects.get(name=CAMPAIGN).team_id
    site = PlatformAccount.objects.create(
        team_id=team_id, platform=Platform.objects.get(code="website"), handle="demo-brand.cn",
    )
    return str(site.pk)


def _upload(page, server: str, name: str, account: str | None) -> None:
    page.goto(server + "/analytics/imports/new/")
    page.select_option("select[name=campaign]", label=CAMPAIGN)
    expect(page.locator("select[name=preset]")).to_have_value("auto")
    if account is not None:
        page.select_option("select[name=account]", value=account)
    page.set_input_files("input[name=file]", _file(name))
    page.click("[data-testid=import-submit]")


def test_the_tools_exports_are_detected_read_and_explained(page_as, seeded_live_server):
    server = seeded_live_server
    analyst = page_as("analyst")
    _english(analyst, server)

    # 生意参谋's XLSX: merged title rows above the header, a 合计 row below the days.
    _upload(analyst, server, "sycm_trade_overview.xlsx", _account_id(SHOP))
    expect(analyst).to_have_url(re.compile(r"/analytics/imports/\d+/$"))
    expect(analyst.locator("[data-testid=import-result]")).to_be_visible(timeout=20_000)
    layout = analyst.locator("[data-testid=import-layout] dd[data-preset]")
    expect(layout).to_have_attribute("data-preset", "sycm")
    expect(layout).to_have_text("Shengyi Canmou (生意参谋): shop overview by day")
    expect(analyst.locator("[data-testid=rows-invalid]")).to_have_text("0")
    expect(analyst.locator("[data-testid=points-added]")).to_have_text("15")
    expect(analyst.locator("[data-testid=preview-header-row]")).to_contain_text(
        "The header is row 4"
    )
    expect(analyst.locator("[data-testid=import-errors]")).to_contain_text(
        "Columns not imported (no catalogue metric measures them): “跳失率”"
    )
    _shot(analyst, "analytics-import-sycm-desktop-en")

    # 百度统计's GB18030 CSV names no account: the page asks for the website account.
    site = _website_account()
    _upload(analyst, server, "baidu_tongji_trend.csv", None)
    expect(analyst.locator("[data-testid=field-error-account]")).to_contain_text(
        "An export of Baidu Tongji names no account"
    )
    _upload(analyst, server, "baidu_tongji_trend.csv", site)
    expect(analyst.locator("[data-testid=import-result]")).to_be_visible(timeout=20_000)
    expect(analyst.locator("[data-testid=import-layout] dd[data-preset]")).to_have_attribute(
        "data-preset", "baidu_tongji"
    )
    expect(analyst.locator("[data-testid=points-added]")).to_have_text("24")
    expect(analyst.locator("[data-testid=import-errors]")).to_contain_text(
        "“跳出率” kept as given on rows 6–7, 9–10"
    )
    expect(analyst.locator("[data-testid=import-preview]")).to_contain_text("浏览量(PV)")

    analyst.set_viewport_size({"width": 390, "height": 844})
    analyst.reload()
    expect(analyst.locator("[data-testid=import-result]")).to_be_visible()
    _shot(analyst, "analytics-import-baidu-390-en")
    analyst.goto(server + "/analytics/imports/new/")
    expect(analyst.locator("[data-testid=tool-presets]")).to_be_visible()
    _shot(analyst, "analytics-import-presets-390-en")

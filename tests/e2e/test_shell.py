import re

from playwright.sync_api import expect


def test_marketer_logs_in_and_sees_home_in_chinese(page_as):
    page = page_as("marketer")

    expect(page.locator("h1")).to_have_text("概览")
    nav = page.get_by_test_id("main-nav")
    expect(nav.locator("[data-nav=plan]")).to_have_text("计划")
    expect(nav.locator("[data-nav=compliance]")).to_have_text("合规")
    expect(page.get_by_test_id("user-menu")).to_have_text("marketer")


def test_language_switch_to_english_changes_navigation_and_persists(page_as, seeded_live_server):
    page = page_as("marketer")

    page.get_by_test_id("language-switcher").get_by_role("button", name="English").click()

    nav = page.get_by_test_id("main-nav")
    expect(nav.locator("[data-nav=plan]")).to_have_text("Plan")
    expect(nav.locator("[data-nav=evaluate]")).to_have_text("Evaluate")
    expect(page.locator("h1")).to_have_text("Overview")
    page.goto(f"{seeded_live_server}/team/tasks/")
    expect(page.locator("h1")).to_have_text("My tasks")
    expect(page.locator("html")).to_have_attribute("lang", re.compile("^en"))


def test_wrong_password_shows_a_message_not_a_trace(browser, seeded_live_server):
    context = browser.new_context(locale="zh-CN")
    page = context.new_page()
    page.goto(f"{seeded_live_server}/accounts/login/")
    page.fill("input[name=username]", "marketer")
    page.fill("input[name=password]", "wrong-password")
    page.click("main form button[type=submit]")

    expect(page.get_by_test_id("login-error")).to_contain_text("用户名或密码不正确")
    assert "Traceback" not in page.content()
    context.close()

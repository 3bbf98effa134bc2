from playwright.sync_api import expect


def test_marketer_ranks_platforms_and_sees_why_an_account_cannot_publish(
    page_as, seeded_live_server
):
    page = page_as("marketer")

    # A young, video-friendly audience (S2.2.1).
    page.goto(f"{seeded_live_server}/platforms/recommend/")
    form = page.get_by_test_id("recommend-form")
    form.locator("input[name=age_bands][value='18-24']").check()
    form.locator("input[name=interests]").fill("gaming")
    form.locator("select[name=content_format]").select_option("video")
    page.get_by_test_id("recommend-submit").click()

    ranking = page.get_by_test_id("ranking").locator("li")
    top_two = [ranking.nth(i).get_attribute("data-platform") for i in range(2)]
    assert "douyin" in top_two
    douyin = page.get_by_test_id("ranking").locator("li[data-platform=douyin]")
    expect(douyin.get_by_test_id("explanation")).to_contain_text("抖音")
    expect(douyin.get_by_test_id("explanation")).to_contain_text("gaming")

    # The demo Xiaohongshu account's business licence expired (S2.2.2).
    page.goto(f"{seeded_live_server}/platforms/accounts/")
    page.get_by_role("link", name="小红书 · 演示品牌小红书").click()
    reasons = page.get_by_test_id("cannot-publish")
    expect(reasons).to_be_visible()
    expect(reasons).to_contain_text("营业执照")
    expect(reasons).to_contain_text("过期")

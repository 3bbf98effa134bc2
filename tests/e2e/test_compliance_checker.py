"""Browser: a reviewer pastes copy into the checker and sees findings with their legal basis (S3.1.1)."""

from playwright.sync_api import expect


def _check(page, text: str, platform: str = "") -> None:
    page.get_by_label("待检查文本").fill(text)
    page.get_by_label("平台").select_option(platform)
    page.get_by_test_id("check-submit").click()


def test_reviewer_sees_three_findings_highlighted_with_basis_then_none(page_as, seeded_live_server):
    page = page_as("reviewer")
    page.goto(f"{seeded_live_server}/compliance/checker/")

    _check(page, "全网最低价，国家级品质，转发集赞送礼", "wechat_oa")

    result = page.get_by_test_id("check-result")
    expect(result).to_have_attribute("data-passed", "false")
    marks = result.locator("mark.finding-mark")
    expect(marks).to_have_count(3)
    expect(marks.nth(0)).to_contain_text("全网最低价")
    expect(marks.nth(1)).to_contain_text("国家级")
    expect(marks.nth(2)).to_contain_text("转发集赞")
    findings = result.get_by_test_id("finding")
    expect(findings).to_have_count(3)
    expect(findings.nth(0)).to_contain_text("AB-01")
    expect(findings.nth(0).get_by_test_id("finding-basis")).to_contain_text("《广告法》第九条第三项")
    expect(findings.nth(2)).to_contain_text("PL-01")
    expect(findings.nth(2).get_by_test_id("finding-basis")).to_contain_text("微信公众平台运营规范")

    _check(page, "最近上新了第一批秋装")

    expect(page.get_by_test_id("check-passed")).to_be_visible()
    expect(page.locator("#check-result mark.finding-mark")).to_have_count(0)
    expect(page.get_by_test_id("finding")).to_have_count(0)

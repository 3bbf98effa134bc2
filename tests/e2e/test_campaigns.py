"""A marketer plans the S2.1.1 example in the browser, a manager approves it."""

import datetime
import re

from django.utils import timezone
from playwright.sync_api import expect


def test_marketer_plans_spec_example_and_manager_approves(page_as, seeded_live_server):
    start = timezone.localdate() + datetime.timedelta(days=14)
    end = start + datetime.timedelta(days=89)  # three months (S2.1.1)

    page = page_as("marketer")
    page.goto(seeded_live_server + "/campaigns/new/")
    page.fill("input[name=name]", "三个月社交媒体品牌推广")
    page.select_option("select[name=objective]", "awareness")
    page.fill("input[name=budget]", "50000")
    page.fill("input[name=start_date]", start.isoformat())
    page.fill("input[name=end_date]", end.isoformat())
    page.check("input[name=target_age_bands][value='18-24']")
    page.fill("input[name=target_interests]", "gaming")
    page.click("[data-testid=save-campaign]")
    expect(page).to_have_url(re.compile(r"/campaigns/\d+/goals/$"))
    campaign_url = page.url.removesuffix("goals/")

    # Goal 1: raise brand awareness by 20% through social media (relative, with baseline).
    page.fill("textarea[name=goal-statement]", "三个月内通过社交媒体将品牌知名度提升 20%")
    page.select_option("select[name=goal-objective]", "awareness")
    page.select_option("select[name=goal-metric]", "impressions")
    page.fill("input[name=goal-baseline]", "1000000")
    page.fill("input[name=goal-target_change_percent]", "20")
    page.click("[data-testid=add-goal]")
    expect(page.locator("[data-testid=kpi-row][data-metric=impressions]")).to_have_count(1)

    # Goal 2: add 500 registered users.
    page.fill("textarea[name=goal-statement]", "新增 500 名注册用户")
    page.select_option("select[name=goal-objective]", "leads")
    page.select_option("select[name=goal-metric]", "registrations")
    page.fill("input[name=goal-baseline]", "300")
    page.fill("input[name=goal-target]", "500")
    page.click("[data-testid=add-goal]")
    expect(page.locator("[data-testid=kpi-row]")).to_have_count(2)
    expect(page.locator("[data-testid=smart-scorecard]")).to_have_attribute("data-verdict", "pass")

    page.click("[data-testid=next-step]")
    page.click("[data-testid=standard-plan]")
    expect(page.locator("[data-testid=phase-row]")).to_have_count(3)
    page.click("[data-testid=finish]")
    expect(page.locator("[data-testid=smart-scorecard]")).to_have_attribute("data-verdict", "pass")
    page.click("[data-testid=submit-for-approval]")
    expect(page.locator("[data-testid=awaiting-approval]")).to_be_visible()

    manager = page_as("manager")
    manager.goto(campaign_url)
    manager.fill("#transition-reason", "目标清晰，批准")
    manager.click("[data-testid=transition-planned]")
    expect(manager.locator("[data-testid=campaign-status]")).to_have_attribute(
        "data-status", "planned"
    )
    feed = manager.locator("[data-testid=activity-feed]")
    expect(feed.locator("[data-action='campaign.submit']")).to_have_count(1)
    expect(feed.locator("[data-action='campaign.transition']")).to_have_count(1)
    expect(feed).to_contain_text("目标清晰，批准")

    # The approved plan is locked for the marketer: no Edit button, and the page says why.
    page.goto(campaign_url)
    expect(page.locator("[data-testid=plan-locked]")).to_contain_text("经理")
    expect(page.locator("[data-testid=edit-campaign]")).to_have_count(0)
    expect(manager.locator("[data-testid=edit-campaign]")).to_have_count(1)

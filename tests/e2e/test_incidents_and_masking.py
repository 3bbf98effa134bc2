from playwright.sync_api import expect


def test_marketer_ticks_a_step_of_the_demo_spike_incident(page_as, seeded_live_server):
    page = page_as("marketer")
    page.goto(f"{seeded_live_server}/compliance/incidents/")
    page.get_by_test_id("incident-table").get_by_role("link").first.click()

    steps = page.get_by_test_id("incident-steps")
    expect(steps).to_contain_text("评估舆情规模")
    steps.locator("input[type=checkbox]").first.check()  # the page's JS submits the form
    expect(steps.locator("input[type=checkbox]").first).to_be_checked()
    expect(page.get_by_test_id("incident-timeline")).to_contain_text("评估舆情规模")


def test_analyst_sees_masked_phone_numbers(page_as, seeded_live_server):
    page = page_as("analyst")
    page.goto(f"{seeded_live_server}/compliance/privacy/")
    table = page.get_by_test_id("consent-table")
    expect(table).to_contain_text("139****5678")
    expect(table).not_to_contain_text("13912345678")

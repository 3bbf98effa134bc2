"""A campaign runs, in a real browser (issue 10): the marketer writes a post with an absolute
claim and sees it refused on submit with the finding, fixes it and submits; the reviewer
approves it; the marketer schedules it; the publishing task sends it through the sandbox
connector and the calendar shows it published with its URL; the marketer answers a
comment from the inbox with a saved reply template."""

import datetime
import re
from pathlib import Path

from django.conf import settings
from django.utils import timezone
from playwright.sync_api import expect

from campaigns.content.models import ContentItem
from campaigns.content.models import ContentStatus as C
from campaigns.engagement.models import Interaction, InteractionReply
from campaigns.planning.models import Campaign
from campaigns.publishing import tasks
from campaigns.publishing.models import Publication
from campaigns.publishing.models import PublicationStatus as P

SHOTS = Path(settings.BASE_DIR) / "var" / "screenshots"
CAMPAIGN = "微信公众号品牌故事周"  # the demo's running campaign
ACCOUNT = "演示品牌服务号"  # its WeChat Official Account (sandbox connector)
TITLE = "春茶上新：明前龙井到店"
ABSOLUTE = "明前龙井到店，全网最低价，欢迎来门店品鉴。"
FIXED = "明前龙井到店，欢迎来门店品鉴，评论区聊聊你喜欢的冲泡方式。"
COVER = "茶园实拍（示例占位图）"  # a demo picture in the team's media library
TEMPLATE = "感谢好评"  # demo reply template: "{nickname}，感谢您的支持！…"


def _shot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def _write(page, body: str) -> None:
    page.fill("[data-testid=content-editor] textarea[name=body]", body)
    page.locator("[data-testid=save-and-submit]").click()


def test_a_post_goes_from_refused_draft_to_published_and_a_comment_is_answered(
    page_as, seeded_live_server
):
    campaign = Campaign.objects.get(name=CAMPAIGN)
    zone = campaign.team.zone

    # The marketer writes a post with an absolute claim; submitting is refused with the finding.
    marketer = page_as("marketer")
    marketer.goto(f"{seeded_live_server}/content/new/?campaign={campaign.pk}")
    marketer.fill("[data-testid=content-editor] input[name=title]", TITLE)
    marketer.select_option("select[name=kind]", "image_text")
    marketer.locator("[data-testid=account-choices] .form-check", has_text=ACCOUNT).locator(
        "input"
    ).check()
    # WeChat publishes an image-text post as an article: it needs a cover picture.
    marketer.get_by_test_id("media-picker").locator("label", has_text=COVER).locator(
        "input"
    ).check()
    _write(marketer, ABSOLUTE)

    expect(marketer).to_have_url(re.compile(r"/content/\d+/$"))
    item = ContentItem.objects.get(campaign=campaign, title=TITLE)
    expect(marketer.locator(".alert", has_text="未能提交")).to_be_visible()
    expect(marketer.get_by_test_id("blocked-alert")).to_be_visible()
    finding = marketer.get_by_test_id("finding").first
    expect(finding).to_contain_text("全网最低价")
    expect(finding).to_contain_text("AB-01")
    expect(marketer.locator("[data-testid=checked-text] mark.finding-block")).to_contain_text(
        "全网最低价"
    )
    _shot(marketer, "execution-submit-refused-zh")
    item.refresh_from_db()
    assert item.status == C.DRAFT
    assert [m.title for m in item.media.all()] == [COVER]

    # Fixed, and submitted again: now it waits for a reviewer.
    marketer.get_by_test_id("edit").click()
    _write(marketer, FIXED)
    expect(marketer.locator(".alert", has_text="已提交审核")).to_be_visible()
    item.refresh_from_db()
    assert (item.status, item.body) == (C.IN_REVIEW, FIXED)

    # The reviewer works through the checklist and approves.
    reviewer = page_as("reviewer")
    reviewer.goto(f"{seeded_live_server}/content/{item.pk}/review/")
    form = reviewer.get_by_test_id("review-form")
    for name in ("accuracy_ok", "compliance_ok", "safety_ok"):
        form.locator(f"input[name={name}]").check()
    _shot(reviewer, "execution-review-zh")
    form.get_by_test_id("approve").click()
    expect(reviewer.locator(".alert", has_text="审核结果已记录")).to_be_visible()
    item.refresh_from_db()
    assert (item.status, item.approved_by.username) == (C.APPROVED, "reviewer")

    # The marketer schedules it a few minutes ahead, in the team's time zone.
    at = timezone.localtime(timezone.now() + datetime.timedelta(minutes=10), zone)
    marketer.goto(f"{seeded_live_server}/content/{item.pk}/")
    marketer.get_by_test_id("schedule").click()
    schedule = marketer.get_by_test_id("schedule-form")
    schedule.locator("input[name=date]").fill(at.date().isoformat())
    schedule.locator("input[name=time]").fill(at.strftime("%H:%M"))
    schedule.get_by_test_id("schedule-submit").click()
    expect(marketer).to_have_url(re.compile(r"/calendar/\?team=\d+&date="))
    entry = marketer.get_by_test_id("cal-publication").filter(has_text=TITLE)
    expect(entry).to_have_attribute("data-status", "scheduled")
    pub = Publication.objects.get(item=item)
    local = timezone.localtime(pub.scheduled_at, zone)
    assert (pub.account.handle, local.date(), local.strftime("%H:%M")) == (
        ACCOUNT, at.date(), at.strftime("%H:%M")
    )

    # Its time comes; the beat's publishing task sends it through the sandbox connector.
    Publication.objects.filter(pk=pub.pk).update(
        scheduled_at=timezone.now() - datetime.timedelta(seconds=1)
    )
    assert tasks.publications_due_task() == 1
    pub.refresh_from_db()
    assert (pub.status, pub.attempts) == (P.PUBLISHED, 1)
    assert pub.external_id
    assert pub.url.startswith("https://sandbox.campaignops.invalid/")

    day = timezone.localtime(pub.scheduled_at, zone).date()
    marketer.goto(f"{seeded_live_server}/calendar/?team={campaign.team_id}&date={day}")
    entry = marketer.get_by_test_id("cal-publication").filter(has_text=TITLE)
    expect(entry).to_have_attribute("data-status", "published")
    expect(entry.get_by_test_id("cal-published-url")).to_have_attribute("href", pub.url)
    _shot(marketer, "execution-calendar-published-zh")

    # A new comment from the inbox, answered with a saved template.
    marketer.goto(f"{seeded_live_server}/engagement/?kind=comment&status=new")
    row = marketer.locator("[data-testid=inbox-table] tr[data-interaction]").first
    interaction = Interaction.objects.get(pk=int(row.get_attribute("data-interaction")))
    assert interaction.author_name
    row.locator("a").first.click()
    reply_form = marketer.get_by_test_id("reply-form")
    reply_form.locator("select[name=template]").select_option(label=TEMPLATE)
    reply_form.locator("button").click()

    text = f"{interaction.author_name}，感谢您的支持！"
    expect(marketer.get_by_test_id("replies")).to_contain_text(text)
    expect(marketer.get_by_test_id("replies")).to_contain_text(TEMPLATE)
    _shot(marketer, "execution-inbox-reply-zh")
    reply = InteractionReply.objects.get(interaction=interaction)
    assert (reply.template.name, reply.status, reply.text.startswith(text)) == (
        TEMPLATE, "sent", True
    )
    interaction.refresh_from_db()
    assert interaction.first_response_at is not None

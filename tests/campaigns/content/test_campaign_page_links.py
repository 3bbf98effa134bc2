"""The campaign page links to its execution: content, calendar, inbox and activities, each
filtered to the campaign; the content and calendar pages it opens show only its items."""

import re

import pytest
from django.urls import reverse

from campaigns.content.models import ContentStatus
from tests.campaigns.planning.factories import CampaignFactory
from tests.campaigns.publishing.factories import approved_item

from .factories import item_for

pytestmark = pytest.mark.django_db


def _links(page: str) -> dict[str, str]:
    nav = re.search(r'<nav[^>]*data-testid="campaign-execution".*?</nav>', page, re.S).group(0)
    return {
        testid: href.replace("&amp;", "&")
        for href, testid in re.findall(r'href="([^"]+)" data-testid="campaign-(\w+)"', nav)
    }


def test_the_campaign_page_links_its_content_calendar_inbox_and_activities(
    client_as, users, campaign
):
    page = client_as(users["marketer"]).get(
        reverse("campaigns:detail", args=[campaign.pk])
    ).content.decode()

    pk, team = campaign.pk, campaign.team_id
    assert _links(page) == {
        "content": f"/content/?campaign={pk}",
        "calendar": f"/calendar/?team={team}&campaign={pk}",
        "inbox": f"/engagement/?campaign={pk}",
        "lotteries": f"/engagement/lotteries/?campaign={pk}",
        "polls": f"/engagement/polls/?campaign={pk}",
        "questions": f"/engagement/questions/?campaign={pk}",
    }


def test_the_content_and_calendar_links_show_only_the_campaigns_items(
    client_as, users, campaign, weibo
):
    other = CampaignFactory(team=campaign.team, owner=users["marketer"], name="Autumn")
    item_for(campaign, [weibo], title="Spring notes")
    item_for(other, [weibo], title="Autumn notes")
    approved_item(campaign, [weibo], title="Spring ready")
    approved_item(other, [weibo], title="Autumn ready", status=ContentStatus.APPROVED)
    client = client_as(users["marketer"])
    links = _links(client.get(reverse("campaigns:detail", args=[campaign.pk])).content.decode())

    content = client.get(links["content"]).content.decode()
    calendar = client.get(links["calendar"]).content.decode()

    assert ("Spring notes" in content, "Autumn notes" in content) == (True, False)
    assert ("Spring ready" in calendar, "Autumn ready" in calendar) == (True, False)

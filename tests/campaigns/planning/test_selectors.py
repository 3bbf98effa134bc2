"""Planning selectors: the activity feed reads in the reader's language."""

import pytest
from django.utils import translation

from campaigns.planning import selectors, services
from tests.campaigns.planning.factories import CampaignFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english(settings):
    settings.LANGUAGE_CODE = "en"


def test_feed_translates_field_codes_and_phase_kinds(team, users):
    campaign = CampaignFactory(team=team, owner=users["marketer"])
    with translation.override("en"):
        services.campaign_update(actor=users["marketer"], campaign=campaign, name="New name",
                                 budget="5")
        services.phase_standard_plan(actor=users["marketer"], campaign=campaign)
        phase = campaign.phases.order_by("start_date").first()
        services.phase_update(actor=users["marketer"], phase=phase, parallel=True)
    with translation.override("zh-hans"):
        texts = [line["text"] for line in selectors.activity_feed(campaign)]
    edited = next(t for t in texts if t.startswith("营销活动已修改"))
    assert "name" not in edited
    assert "budget" not in edited
    assert "名称" in edited
    phase_line = next(t for t in texts if "2030-01-01" in t and "2030-01-07" in t)
    assert "Content production" not in phase_line
    assert "内容制作" in phase_line


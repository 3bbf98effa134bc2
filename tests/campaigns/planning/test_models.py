"""Planning models: addresses and small same-row properties."""

import pytest

from tests.campaigns.planning.factories import CampaignFactory

pytestmark = pytest.mark.django_db


def test_campaign_has_an_absolute_url(team, users):
    campaign = CampaignFactory(team=team, owner=users["marketer"])
    assert campaign.get_absolute_url() == f"/campaigns/{campaign.pk}/"


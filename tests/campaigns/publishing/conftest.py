"""Fixtures of the publishing tests: a campaign, sandbox accounts that can publish, English."""

import pytest
from django.utils import translation

from tests.campaigns.planning.factories import CampaignFactory
from tests.platforms.factories import qualified_account


@pytest.fixture(autouse=True)
def english_messages():
    """Assertions read English messages; the zh-Hans pages have their own checks."""
    with translation.override("en"):
        yield


@pytest.fixture
def campaign(team, users):
    return CampaignFactory(team=team, owner=users["marketer"], name="Spring launch")


@pytest.fixture
def weibo(team):
    return qualified_account(team, "weibo", handle="brand-weibo")


@pytest.fixture
def douyin(team):
    return qualified_account(team, "douyin", handle="brand-douyin")


@pytest.fixture
def other_campaign(other_team, outsider):
    return CampaignFactory(team=other_team, owner=outsider, name="Other team launch")


@pytest.fixture
def other_account(other_team):
    return qualified_account(other_team, "weibo", handle="other-weibo")

"""Fixtures of the content tests: a campaign, qualified accounts, English messages, temp media."""

import pytest
from django.utils import translation

from tests.campaigns.planning.factories import CampaignFactory
from tests.platforms.factories import qualified_account


@pytest.fixture(autouse=True)
def english_messages():
    """Assertions read English messages; the zh-Hans pages have their own checks."""
    with translation.override("en"):
        yield


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def campaign(team, users):
    return CampaignFactory(team=team, owner=users["marketer"], name="Spring launch")


@pytest.fixture
def weibo(team):
    return qualified_account(team, "weibo", handle="brand-weibo")


@pytest.fixture
def douyin(team):
    return qualified_account(team, "douyin", handle="brand-douyin")


@pytest.fixture(autouse=True)
def english_requests(client, api_client):
    """Pages and endpoints answer in English unless a test asks for Chinese."""
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    api_client.credentials(HTTP_ACCEPT_LANGUAGE="en")

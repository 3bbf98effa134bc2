"""Fixtures of the engagement tests: a campaign, sandbox accounts, English messages."""

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
    """A sandbox account on Weibo (the simulator, named so)."""
    return qualified_account(team, "weibo", handle="brand-weibo")


@pytest.fixture
def wechat(team):
    """A sandbox account on the WeChat Official Account platform."""
    return qualified_account(team, "wechat_oa", handle="brand-wechat")


@pytest.fixture
def other_account(other_team):
    return qualified_account(other_team, "weibo", handle="other-weibo")


@pytest.fixture(autouse=True)
def english_requests(client, api_client):
    """Pages and the API answer in English unless a test asks for zh-Hans."""
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    api_client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"

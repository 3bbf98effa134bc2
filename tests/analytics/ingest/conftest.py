"""Fixtures of the ingest tests: a running campaign, accounts on three platforms, English."""

import datetime

import pytest
from django.utils import translation

from campaigns.planning.models import CampaignStatus
from tests.campaigns.planning.factories import CampaignFactory
from tests.platforms.factories import PlatformAccountFactory, platform

from .factories import DAY


@pytest.fixture(autouse=True)
def english_messages():
    """Assertions read English messages; the zh-Hans pages have their own checks."""
    with translation.override("en"):
        yield


@pytest.fixture
def campaign(team, users):
    return CampaignFactory(
        team=team, owner=users["marketer"], name="Spring launch", status=CampaignStatus.RUNNING,
        start_date=DAY - datetime.timedelta(days=30), end_date=DAY + datetime.timedelta(days=60),
    )


@pytest.fixture
def douyin(team):
    return PlatformAccountFactory(team=team, platform=platform("douyin"), handle="brand-douyin")


@pytest.fixture
def weibo(team):
    return PlatformAccountFactory(team=team, platform=platform("weibo"), handle="brand-weibo")


@pytest.fixture
def wechat(team):
    return PlatformAccountFactory(team=team, platform=platform("wechat_oa"), handle="brand-wechat")


@pytest.fixture
def other_campaign(other_team, outsider):
    return CampaignFactory(team=other_team, owner=outsider, name="Other team launch")


@pytest.fixture
def wechat_server(settings):
    """A local api.weixin.qq.com (tests/platforms/fake_wechat.py) the real connector talks to."""
    from django.core.cache import cache

    from tests.platforms import fake_wechat

    cache.clear()
    server = fake_wechat.start()
    settings.WECHAT_API_BASE = server.url
    yield server
    server.shutdown()
    server.server_close()
    cache.clear()


@pytest.fixture
def eager_retries():
    """Eager tasks run their retries at once, as a worker would run them later."""
    from config.celery import app

    propagates = app.conf.task_eager_propagates
    app.conf.task_eager_propagates = False
    yield
    app.conf.task_eager_propagates = propagates

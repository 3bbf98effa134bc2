"""Fixtures of the evaluation tests: a running campaign with KPIs, accounts, a way to add data.

Metrics go in through the store (``points_upsert``), as every way in does.
"""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone, translation

from analytics.services.store import PointIn, points_upsert
from campaigns.planning.models import CampaignStatus
from tests.campaigns.planning.factories import CampaignFactory, GoalFactory, KPIFactory
from tests.platforms.factories import PlatformAccountFactory, platform

START = datetime.date(2030, 3, 1)  # a Friday
DAY = datetime.timedelta(days=1)


@pytest.fixture(autouse=True)
def english_messages(client, api_client):
    """Assertions read English messages; pages and the API are asked for English too."""
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    api_client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    with translation.override("en"):
        yield


def put(campaign, account, day: datetime.date, content_item=None, **metrics) -> None:
    """Store one day's metrics of one account (and content item) through the store."""
    points_upsert(
        points=[
            PointIn(
                campaign_id=campaign.pk, account_id=account.pk, date=day, metric=metric,
                value=Decimal(str(value)),
                content_item_id=content_item.pk if content_item is not None else None,
            )
            for metric, value in metrics.items()
        ],
        source="import",
    )


@pytest.fixture
def campaign(team, users):
    """30 days from START, running; budget ¥30,000."""
    return CampaignFactory(
        team=team, owner=users["marketer"], name="Spring launch", status=CampaignStatus.RUNNING,
        start_date=START, end_date=START + 29 * DAY, budget=Decimal("30000"),
    )


@pytest.fixture
def goal(campaign):
    return GoalFactory(campaign=campaign)


@pytest.fixture
def reads_kpi(goal):
    """30,000 reads by the campaign's end: 1,000 a day on the straight line."""
    return KPIFactory(goal=goal, metric="reads", baseline=Decimal("10000"),
                      target=Decimal("30000"), deadline=goal.campaign.end_date)


@pytest.fixture
def conversion_kpi(goal):
    return KPIFactory(goal=goal, metric="conversion_rate", baseline=Decimal("0.02"),
                      target=Decimal("0.05"), deadline=goal.campaign.end_date)


@pytest.fixture
def wechat(team):
    return PlatformAccountFactory(team=team, platform=platform("wechat_oa"), handle="brand-wechat")


@pytest.fixture
def douyin(team):
    return PlatformAccountFactory(team=team, platform=platform("douyin"), handle="brand-douyin")


@pytest.fixture
def other_campaign(other_team, outsider):
    return CampaignFactory(team=other_team, owner=outsider, name="Other team launch",
                           status=CampaignStatus.RUNNING, start_date=START,
                           end_date=START + 29 * DAY)


@pytest.fixture
def today():
    return timezone.localdate()


@pytest.fixture
def live(team, users, today, wechat, douyin):
    """A running campaign of the last 10 days with data on two platforms."""
    campaign = CampaignFactory(
        team=team, owner=users["marketer"], name="Live launch", status=CampaignStatus.RUNNING,
        start_date=today - 10 * DAY, end_date=today + 19 * DAY,
    )
    goal = GoalFactory(campaign=campaign)
    KPIFactory(goal=goal, metric="reads", target=Decimal("30000"))
    KPIFactory(goal=goal, metric="conversion_rate", target=Decimal("0.05"))
    for offset in range(10):
        day = campaign.start_date + offset * DAY
        put(campaign, wechat, day, reads=1000, clicks=100, conversions=5, orders=4)
        put(campaign, douyin, day, plays=2000, clicks=40, conversions=1)
    return campaign

"""The activity lists (lotteries, polls, Q&A, segments), pages and endpoints, make as many
queries for 20 rows as for 1: no query per row."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from campaigns.engagement import services
from tests.campaigns.content.factories import item_for

pytestmark = pytest.mark.django_db


def _lottery(campaign, users, n):
    now = timezone.now()
    services.lottery_create(
        actor=users["marketer"], campaign=campaign, title=f"Draw {n}",
        rules="在活动帖下留言即可参与，每人限一次。", prizes=[{"name": "Mug", "count": 1}],
        entries_open_at=now + datetime.timedelta(days=1),
        entries_close_at=now + datetime.timedelta(days=2),
        draw_at=now + datetime.timedelta(days=3),
    )


def _poll(campaign, users, n):
    services.poll_create(
        actor=users["marketer"], campaign=campaign, title=f"Flavour {n}?",
        options=["green", "black"], opens_at=timezone.now(),
        closes_at=timezone.now() + datetime.timedelta(days=7),
    )


def _question(campaign, users, n):
    item = item_for(campaign, title=f"Post {n}")
    services.question_create(actor=users["marketer"], item=item, question=f"When {n}?")


def _segment(campaign, users, n):
    services.segment_create(
        actor=users["marketer"], team=campaign.team, name=f"Loyal {n}",
        rule="returning_buyers", min_orders=2, strategy="exclusive_offer",
    )


LISTS = [
    (reverse("engagement:lotteries"), _lottery),
    ("/api/v1/lotteries/", _lottery),
    (reverse("engagement:polls"), _poll),
    ("/api/v1/polls/", _poll),
    (reverse("engagement:questions"), _question),
    ("/api/v1/questions/", _question),
    (reverse("engagement:segments"), _segment),
    ("/api/v1/segments/", _segment),
]


def _queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


@pytest.mark.parametrize(("url", "make"), LISTS, ids=[url for url, _ in LISTS])
def test_the_list_makes_as_many_queries_for_20_rows_as_for_1(
    client_as, users, campaign, url, make
):
    client = client_as(users["marketer"])
    make(campaign, users, 0)
    client.get(url)  # warm the session
    one = _queries(client, url)
    for n in range(1, 20):
        make(campaign, users, n)

    twenty = _queries(client, url)

    assert twenty == one

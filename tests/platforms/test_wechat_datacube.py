"""WeChat datacube pulls: per-call spans and the data window."""

import datetime

import pytest

from platforms.connectors.wechat_official_account import (
    WECHAT_ZONE,
    WeChatOfficialAccountConnector,
)
from platforms.metrics import Metric

from . import fake_wechat

ARTICLES = "/datacube/getarticlesummary"
USERS = "/datacube/getusersummary"


@pytest.fixture
def client(server):
    return WeChatOfficialAccountConnector(
        app_id=fake_wechat.APP_ID, app_secret=fake_wechat.APP_SECRET, base_url=server.url,
        now=server.now,
    )


def spans(server, path):
    return [
        (datetime.date.fromisoformat(c[2]["begin_date"]), datetime.date.fromisoformat(c[2]["end_date"]))
        for c in server.calls if c[0] == path
    ]


def at(server, hour: int) -> None:
    server.clock = server.clock.replace(hour=hour, minute=30)


def test_yesterday_is_served_from_eight_in_the_morning_beijing_time(server, client):
    today = server.clock.date()
    at(server, 7)
    assert client.latest_data_day() == today - datetime.timedelta(days=2)
    at(server, 8)
    assert client.latest_data_day() == today - datetime.timedelta(days=1)


def test_the_clock_is_beijings_whatever_the_servers_zone(server, client):
    server.clock = datetime.datetime(2025, 3, 10, 23, 30, tzinfo=datetime.UTC)  # 07:30 in Beijing
    assert server.clock.astimezone(WECHAT_ZONE).hour == 7
    assert client.latest_data_day() == datetime.date(2025, 3, 9)


def test_before_eight_yesterday_is_not_asked(server, client):
    at(server, 6)
    latest = server.clock.date() - datetime.timedelta(days=2)
    client.fetch_metrics(None, latest - datetime.timedelta(days=1))
    assert spans(server, ARTICLES)[-1] == (latest, latest)
    assert max(end for _begin, end in spans(server, USERS)) == latest


def test_article_summaries_one_day_a_call_only_within_the_seven_day_window(server, client):
    latest = client.latest_data_day()
    points = client.fetch_metrics(None, latest - datetime.timedelta(days=40))
    article_spans = spans(server, ARTICLES)
    assert article_spans == [
        (latest - datetime.timedelta(days=n), latest - datetime.timedelta(days=n))
        for n in range(6, -1, -1)
    ]
    reads = [p for p in points if p.metric == Metric.READS]
    assert len(reads) == 7
    assert {p.post_id for p in reads} == {"2247483695_1"}


def test_user_summaries_at_most_seven_days_a_call_over_thirty_days(server, client):
    latest = client.latest_data_day()
    points = client.fetch_metrics(None, latest - datetime.timedelta(days=40))
    user_spans = spans(server, USERS)
    assert all((end - begin).days + 1 <= 7 for begin, end in user_spans)
    assert user_spans[0][0] == latest - datetime.timedelta(days=29)
    assert user_spans[-1][1] == latest
    covered = sum((end - begin).days + 1 for begin, end in user_spans)
    assert covered == 30
    followers = [p for p in points if p.metric == Metric.FOLLOWERS_GAINED]
    assert len(followers) == 30
    assert {p.value for p in followers} == {10.0}
    assert all(p.post_id == "" for p in followers)


def test_an_incremental_pull_asks_only_the_days_since(server, client):
    latest = client.latest_data_day()
    client.fetch_metrics(None, latest)
    assert spans(server, ARTICLES) == [(latest, latest)]
    assert spans(server, USERS) == [(latest, latest)]


def test_a_pull_since_today_asks_nothing(server, client):
    assert client.fetch_metrics(None, server.clock.date()) == []
    assert server.calls == []

import datetime
import statistics
import time

import pytest
from django.utils import timezone

from platforms.connectors import (
    AuthConnectorError,
    Interaction,
    OutcomeUnknownError,
    PermanentConnectorError,
    PublishContent,
    ReplyWindowClosedError,
    TransientConnectorError,
    connector_for,
)
from platforms.connectors.sandbox import SandboxConnector
from platforms.crypto import encrypt_credentials
from platforms.metrics import METRICS, VISIT_METRICS, Metric, MetricKind
from platforms.models import SandboxPost

from .factories import qualified_account

pytestmark = pytest.mark.django_db

KEY = "0b7c1f0e-8a53-4e0c-9f55-2c7d7c3b1a10"
CONTENT = PublishContent(title="新品发布", body="正文", client_key=KEY)


def steered(team, code: str = "douyin", **credentials):
    account = qualified_account(team, code)
    account.credentials_ciphertext = encrypt_credentials(credentials)
    account.save()
    return account, connector_for(account)


def test_every_publish_makes_a_post_so_a_double_publish_shows_two_rows(team):
    account, connector = steered(team)
    first = connector.publish(CONTENT)
    second = connector.publish(CONTENT)
    assert first.external_id != second.external_id
    posts = list(SandboxPost.objects.filter(account=account))
    assert [p.external_id for p in posts] == [first.external_id, second.external_id]
    assert {p.client_key for p in posts} == {KEY}
    assert posts[0].title == "新品发布"
    assert first.url == f"https://sandbox.campaignops.invalid/douyin/{first.external_id}"
    assert posts[0].url == first.url


def test_lookup_finds_the_first_post_by_client_key_and_writes_nothing(team):
    account, connector = steered(team)
    first = connector.publish(CONTENT)
    connector.publish(CONTENT)
    found = connector.lookup_publication(client_key=KEY)
    assert (found.state, found.external_id, found.url) == ("published", first.external_id, first.url)
    assert connector.lookup_publication(client_key="another-key").state == "not_found"
    assert SandboxPost.objects.count() == 2


def test_lookup_is_scoped_to_the_account(team):
    _account, connector = steered(team)
    _other, other_connector = steered(team, "weibo")
    connector.publish(CONTENT)
    assert other_connector.lookup_publication(client_key=KEY).state == "not_found"


def test_lookup_without_a_key_matches_title_since(team):
    _account, connector = steered(team)
    made = connector.publish(PublishContent(title="周末特惠", body="b"))
    found = connector.lookup_publication(
        client_key="", title="周末特惠", since=timezone.now() - datetime.timedelta(minutes=5)
    )
    assert (found.state, found.external_id) == ("published", made.external_id)
    later = connector.lookup_publication(
        client_key="", title="周末特惠", since=timezone.now() + datetime.timedelta(minutes=5)
    )
    assert later.state == "not_found"
    assert connector.lookup_publication(client_key="").state == "not_found"


def test_timeout_after_post_makes_the_post_then_loses_the_answer(team):
    account, connector = steered(team, fail="timeout_after_post")
    with pytest.raises(OutcomeUnknownError) as info:
        connector.publish(CONTENT)
    assert info.value.kind == "unknown"
    assert SandboxPost.objects.filter(account=account, client_key=KEY).count() == 1
    found = connector.lookup_publication(client_key=KEY)
    assert found.state == "published"


def test_timeout_before_post_posts_nothing(team):
    account, connector = steered(team, fail="timeout_before_post")
    with pytest.raises(OutcomeUnknownError):
        connector.publish(CONTENT)
    assert SandboxPost.objects.filter(account=account).count() == 0
    assert connector.lookup_publication(client_key=KEY).state == "not_found"


@pytest.mark.parametrize(
    ("mode", "error"),
    [("rate_limited", TransientConnectorError), ("auth", AuthConnectorError),
     ("permanent", PermanentConnectorError)],
)
def test_steered_failures_hit_every_call_and_post_nothing(team, mode, error):
    account, connector = steered(team, fail=mode)
    comment = Interaction(external_id="c", kind="comment", text="t", author="a",
                          created_at=timezone.now())
    calls = (
        lambda: connector.publish(CONTENT),
        lambda: connector.lookup_publication(client_key=KEY),
        lambda: connector.fetch_metrics(account, timezone.localdate()),
        lambda: connector.fetch_interactions(account, timezone.now()),
        lambda: connector.reply(comment, "谢谢"),
        connector.health_check,
    )
    for call in calls:
        with pytest.raises(error):
            call()
    assert SandboxPost.objects.count() == 0


def test_reply_window_closed_is_a_permanent_error_with_wechats_code(team):
    _account, connector = steered(team, fail="reply_window_closed")
    message = Interaction(external_id="m", kind="message", text="在吗", author="a",
                          author_id="u", created_at=timezone.now())
    with pytest.raises(ReplyWindowClosedError) as info:
        connector.reply(message, "在的")
    assert isinstance(info.value, PermanentConnectorError)
    assert info.value.code == "45015"
    assert connector.publish(CONTENT).external_id  # publishing is not affected


def test_latency_is_spent_on_every_publish(team):
    _account, connector = steered(team, latency_ms=60)
    started = time.monotonic()
    connector.publish(CONTENT)
    assert time.monotonic() - started >= 0.06


def test_empty_post_is_refused_and_not_made(team):
    _account, connector = steered(team)
    with pytest.raises(PermanentConnectorError):
        connector.publish(PublishContent(title=" ", body=""))
    assert SandboxPost.objects.count() == 0


def test_metrics_cover_every_summable_catalogue_metric_with_a_weekly_rhythm(team):
    account = qualified_account(team, "jd")
    since = timezone.localdate() - datetime.timedelta(days=56)
    points = SandboxConnector(account).fetch_metrics(account, since)
    summable = {
        code for code, info in METRICS.items()
        if info.kind != MetricKind.RATIO and info.numerator is None
    }
    # Visits, sessions and buyers come from analytics tools' exports, not from platforms.
    assert {
        "page_views", "visitors", "sessions", "bounced_sessions", "session_seconds", "buyers",
    } == VISIT_METRICS
    assert {p.metric for p in points} == summable - {str(Metric.PLAYS)} - VISIT_METRICS
    reads = [p for p in points if p.metric == Metric.READS]
    assert len(reads) == 56
    by_weekday = {
        day: statistics.mean(p.value for p in reads if p.date.weekday() == day) for day in range(7)
    }
    # Thursdays (the rhythm's peak) read more than Sundays (its trough).
    assert by_weekday[3] > by_weekday[6]
    revenue = [p.value for p in points if p.metric == Metric.REVENUE]
    assert all(round(value, 2) == value for value in revenue)
    orders = {p.date: p.value for p in points if p.metric == Metric.ORDERS}
    units = {p.date: p.value for p in points if p.metric == Metric.UNITS_SOLD}
    assert all(units[day] >= orders[day] for day in orders)
    interactions = {p.date: p.value for p in points if p.metric == Metric.INTERACTIONS}
    parts = {}
    for p in points:
        if p.metric in (Metric.LIKES, Metric.COMMENTS, Metric.SHARES):
            parts[p.date] = parts.get(p.date, 0) + p.value
    assert interactions == parts
    assert all(p.post_id == "" and p.hour is None for p in points)


def test_each_sandbox_post_gets_its_own_fading_series(team):
    account, connector = steered(team)
    post = connector.publish(CONTENT)
    SandboxPost.objects.filter(external_id=post.external_id).update(
        created_at=timezone.now() - datetime.timedelta(days=5)
    )
    points = connector.fetch_metrics(account, timezone.localdate() - datetime.timedelta(days=10))
    plays = sorted(
        (p for p in points if p.post_id == post.external_id and p.metric == Metric.PLAYS),
        key=lambda p: p.date,
    )
    assert len(plays) == 5
    assert plays[0].value > plays[-1].value
    assert {p.metric for p in points if p.post_id} == {
        str(Metric.PLAYS), str(Metric.LIKES), str(Metric.SHARES), str(Metric.COMMENTS)
    }


def test_interactions_include_private_messages_and_comments_on_the_accounts_posts(team):
    account, connector = steered(team)
    post = connector.publish(CONTENT)
    found = connector.fetch_interactions(account, timezone.now() - datetime.timedelta(days=30))
    messages = [i for i in found if i.kind == "message"]
    assert messages
    assert all(m.post_id == "" and m.author_id for m in messages)
    on_post = [i for i in found if i.post_id == post.external_id]
    assert on_post
    assert on_post[0].created_at == SandboxPost.objects.get().created_at
    assert all(i.author_id.startswith(f"sbx-user-{account.pk}-") for i in found)
    assert len({i.external_id for i in found}) == len(found)
    again = connector.fetch_interactions(account, timezone.now() - datetime.timedelta(days=30))
    assert [i.external_id for i in again] == [i.external_id for i in found]


def test_sandbox_keeps_its_name(team):
    _account, connector = steered(team)
    assert connector.label == "Sandbox (simulated)"
    assert connector.is_sandbox is True

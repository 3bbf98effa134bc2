import datetime

import pytest
from django.core.cache import cache
from django.utils import timezone

from platforms.connectors import (
    AuthConnectorError,
    Interaction,
    OutcomeUnknownError,
    PermanentConnectorError,
    PublishContent,
    TransientConnectorError,
    connector_for,
)
from platforms.connectors.weibo import WeiboConnector, parse_created_at
from platforms.metrics import Metric
from platforms.models import ConnectorKind
from platforms.services import account_create, account_publish

from . import fake_weibo
from .factories import DocumentFactory, platform

LINK = "https://brand.example.cn/summer"
CONTENT = PublishContent(title="夏季新品", body="夏季新品上市，限时八折", source_url=LINK,
                         client_key="7d0e6a52-2f7c-4b5e-9d2e-0c1f3e4a5b6c")


def make(server, **kwargs) -> WeiboConnector:
    options = {
        "access_token": fake_weibo.ACCESS_TOKEN, "app_key": fake_weibo.APP_KEY,
        "app_secret": fake_weibo.APP_SECRET, "refresh_token": fake_weibo.REFRESH_TOKEN,
        "base_url": server.api_url, "timeout": 2,
    }
    options.update(kwargs)
    return WeiboConnector(**options)


@pytest.fixture
def client(weibo_server):
    return make(weibo_server)


def shares(server) -> int:
    return server.paths().count("/2/statuses/share.json")


# -- tokens and health -------------------------------------------------------------


def test_token_travels_in_the_authorization_header_never_in_a_url(weibo_server, client):
    client.health_check()
    client.fetch_interactions(None, timezone.now() - datetime.timedelta(days=1))
    api_calls = [c for c in weibo_server.calls if c[1].startswith("/2/")]
    assert api_calls
    assert all(c[3] == f"OAuth2 {fake_weibo.ACCESS_TOKEN}" for c in api_calls)
    assert all("access_token" not in c[2] for c in api_calls)


def test_health_check_reads_the_uid_and_the_token_expiry(weibo_server, client):
    result = client.health_check()
    assert result.ok is True
    assert client.uid == fake_weibo.UID
    assert fake_weibo.UID in result.detail
    assert result.token_expires_at > timezone.now() + datetime.timedelta(days=1000)
    assert weibo_server.paths() == ["/2/account/get_uid.json", "/oauth2/get_token_info"]
    # The token info is asked with the token in the body, not in the URL.
    assert weibo_server.calls[1][0] == "POST"


def test_expired_token_is_renewed_once_and_a_read_repeated(weibo_server, client):
    weibo_server.state["token_expired"] = True
    found = client.fetch_interactions(None, timezone.now() - datetime.timedelta(days=1))
    assert [i.text for i in found] == ["什么时候发货？", "已下单，期待"]
    assert weibo_server.paths().count("/oauth2/access_token") == 1
    refresh = next(c for c in weibo_server.calls if c[1] == "/oauth2/access_token")
    assert refresh[2] == {
        "client_id": fake_weibo.APP_KEY, "client_secret": fake_weibo.APP_SECRET,
        "grant_type": "refresh_token", "refresh_token": fake_weibo.REFRESH_TOKEN,
    }
    assert refresh[3] == ""  # no Authorization header on the token exchange


def test_expired_token_on_a_post_renews_it_and_says_try_again_without_posting_twice(
    weibo_server, client
):
    weibo_server.state["token_expired"] = True
    before = len(weibo_server.statuses)
    with pytest.raises(TransientConnectorError) as info:
        client.publish(CONTENT)
    assert info.value.code == 21327
    assert shares(weibo_server) == 1
    assert len(weibo_server.statuses) == before
    # The next attempt goes out with the renewed token and posts once.
    result = client.publish(CONTENT)
    assert result.external_id == weibo_server.statuses[0]["idstr"]
    assert shares(weibo_server) == 2
    assert weibo_server.calls[-1][3] == f"OAuth2 {fake_weibo.ACCESS_TOKEN}-renewed"


def test_renewed_token_is_cached_encrypted_and_used_by_the_next_connector(weibo_server, client):
    weibo_server.state["token_expired"] = True
    client.health_check()
    cached = cache.get(client._cache_key)
    assert isinstance(cached, str)
    assert "renewed" not in cached
    other = make(weibo_server)
    other.health_check()
    assert weibo_server.paths().count("/oauth2/access_token") == 1
    assert weibo_server.calls[-2][3] == f"OAuth2 {fake_weibo.ACCESS_TOKEN}-renewed"


def test_expired_token_without_refresh_credentials_is_an_auth_error(weibo_server):
    weibo_server.state["token_expired"] = True
    client = make(weibo_server, app_key="", app_secret="", refresh_token="")
    with pytest.raises(AuthConnectorError) as info:
        client.health_check()
    assert info.value.code == 21327
    assert "/oauth2/access_token" not in weibo_server.paths()


def test_refresh_refused_is_an_auth_error(weibo_server, client):
    weibo_server.state["token_expired"] = True
    weibo_server.state["refresh_error"] = 21325
    with pytest.raises(AuthConnectorError) as info:
        client.health_check()
    assert info.value.code == 21325


@pytest.mark.parametrize("code", [21301, 21314, 21315, 21316, 21317, 21319, 21327, 21332, 10006])
def test_token_family_codes_are_auth_errors(weibo_server, code):
    client = make(weibo_server, refresh_token="")
    weibo_server.state["fail_next"] = [code]
    with pytest.raises(AuthConnectorError) as info:
        client.health_check()
    assert info.value.code == code


@pytest.mark.parametrize("code", [10022, 10023, 10024, 20016, 10002, 10009])
def test_rate_limits_and_busy_are_transient(weibo_server, client, code):
    weibo_server.state["fail_next"] = [code]
    with pytest.raises(TransientConnectorError) as info:
        client.health_check()
    assert info.value.code == code


@pytest.mark.parametrize("code", [10014, 20012, 10017, 21321])
def test_other_codes_are_permanent(weibo_server, client, code):
    weibo_server.state["fail_next"] = [code]
    with pytest.raises(PermanentConnectorError) as info:
        client.health_check()
    assert not isinstance(info.value, AuthConnectorError)
    assert info.value.code == code


def test_unreachable_api_is_transient():
    client = WeiboConnector(access_token="t", base_url="http://127.0.0.1:9/2", timeout=1)
    with pytest.raises(TransientConnectorError):
        client.health_check()


def test_http_5xx_on_a_read_is_transient(weibo_server, client):
    weibo_server.state["http_error"] = 503
    with pytest.raises(TransientConnectorError) as info:
        client.fetch_metrics(None, timezone.localdate())
    assert info.value.code == 503


# -- publishing: once per call ----------------------------------------------------------


def test_publish_shares_the_text_with_its_link_once(weibo_server, client):
    result = client.publish(CONTENT)
    status = weibo_server.statuses[0]
    assert result.external_id == status["idstr"]
    assert result.url == f"https://m.weibo.cn/status/{status['idstr']}"
    assert result.pending is False
    assert status["text"] == f"夏季新品上市，限时八折 {LINK}"
    assert shares(weibo_server) == 1
    share = next(c for c in weibo_server.calls if c[1] == "/2/statuses/share.json")
    assert share[0] == "POST"
    assert share[2] == {"status": f"夏季新品上市，限时八折 {LINK}"}


def test_publish_twice_posts_twice_the_platform_does_not_deduplicate_different_calls(
    weibo_server, client
):
    client.publish(CONTENT)
    with pytest.raises(PermanentConnectorError) as info:
        client.publish(CONTENT)
    # Weibo refuses the same text again within a short time: never silently "published".
    assert info.value.code == 20019
    assert shares(weibo_server) == 2


@pytest.mark.parametrize(
    "steer",
    [
        {"slow": {"/2/statuses/share.json": 3}},
        {"drop_after": {"/2/statuses/share.json"}},
        {"http_error_after": {"/2/statuses/share.json": 502}},
    ],
    ids=["timeout", "connection-dropped", "bad-gateway"],
)
def test_lost_answer_after_posting_is_outcome_unknown_and_never_posted_again(
    weibo_server, client, steer
):
    weibo_server.state.update(steer)
    before = len(weibo_server.statuses)
    with pytest.raises(OutcomeUnknownError):
        client.publish(CONTENT)
    assert shares(weibo_server) == 1
    assert len(weibo_server.statuses) == before + 1  # it did go out


@pytest.mark.parametrize("code", [10001, 10003, 10010, 10011])
def test_system_failure_on_a_post_is_unknown_but_on_a_read_transient(weibo_server, client, code):
    weibo_server.state["fail_next"] = [code]
    with pytest.raises(OutcomeUnknownError):
        client.publish(CONTENT)
    weibo_server.state["fail_next"] = [code]
    with pytest.raises(TransientConnectorError):
        client.health_check()
    assert shares(weibo_server) == 1


def test_rate_limited_post_is_transient_and_nothing_is_posted(weibo_server, client):
    weibo_server.state["fail_next"] = [10023]
    before = len(weibo_server.statuses)
    with pytest.raises(TransientConnectorError):
        client.publish(CONTENT)
    assert len(weibo_server.statuses) == before
    assert shares(weibo_server) == 1


def test_connection_refused_on_a_post_is_transient_nothing_was_sent():
    client = WeiboConnector(access_token="t", base_url="http://127.0.0.1:9/2", timeout=1)
    with pytest.raises(TransientConnectorError):
        client.publish(CONTENT)


def test_empty_post_is_refused_before_any_call(weibo_server, client):
    with pytest.raises(PermanentConnectorError):
        client.publish(PublishContent(title="", body=" "))
    assert weibo_server.calls == []


# -- lookups: read-only -----------------------------------------------------------------


def test_lookup_after_a_lost_answer_finds_the_post_by_the_text_sent(weibo_server, client):
    weibo_server.state["drop_after"] = {"/2/statuses/share.json"}
    with pytest.raises(OutcomeUnknownError):
        client.publish(CONTENT)
    posted = weibo_server.statuses[0]
    weibo_server.state["drop_after"] = set()
    found = make(weibo_server).lookup_publication(
        client_key=CONTENT.client_key, title=CONTENT.title,
        since=timezone.now() - datetime.timedelta(hours=1),
    )
    assert (found.state, found.external_id) == ("published", posted["idstr"])
    assert found.url == f"https://m.weibo.cn/status/{posted['idstr']}"
    assert shares(weibo_server) == 1
    assert {c[0] for c in weibo_server.calls if c[1] != "/2/statuses/share.json"} == {"GET"}


def test_lookup_matches_text_whose_link_weibo_shortened(weibo_server, client):
    cache.set(client._memo_key("key-1"), {"text": "夏季新品今日上线，点击了解 https://brand.example.cn/x"})
    found = client.lookup_publication(client_key="key-1")
    assert (found.state, found.external_id) == ("published", "4980000000000002")


def test_lookup_by_title_when_the_sent_text_is_not_remembered(weibo_server, client):
    found = client.lookup_publication(client_key="unknown-key", title="品牌周年庆")
    assert (found.state, found.external_id) == ("published", "4980000000000001")


def test_lookup_ignores_statuses_before_since(weibo_server, client):
    found = client.lookup_publication(
        client_key="", title="很久以前", since=timezone.now() - datetime.timedelta(days=7)
    )
    assert found.state == "not_found"
    assert shares(weibo_server) == 0


def test_lookup_of_a_post_never_made_is_not_found(weibo_server, client):
    found = client.lookup_publication(client_key="k", title="从未发布的标题")
    assert found.state == "not_found"
    assert weibo_server.paths() == ["/2/statuses/user_timeline.json"]


# -- metrics, comments, replies ------------------------------------------------------------


def test_post_metrics_are_the_totals_of_recent_statuses_dated_on_their_day(weibo_server, client):
    points = client.fetch_metrics(None, timezone.localdate() - datetime.timedelta(days=1))
    by_post = {(p.post_id, p.metric): p for p in points}
    assert set(by_post) == {
        (post, str(metric))
        for post in ("4980000000000002", "4980000000000001")
        for metric in (Metric.SHARES, Metric.COMMENTS, Metric.LIKES)
    }
    latest = by_post[("4980000000000002", str(Metric.LIKES))]
    assert latest.value == 88.0
    assert by_post[("4980000000000002", str(Metric.SHARES))].value == 12.0
    assert by_post[("4980000000000001", str(Metric.COMMENTS))].value == 1.0
    created = parse_created_at(weibo_server.statuses[0]["created_at"])
    assert latest.date == timezone.localdate(created)
    assert latest.hour is None


def test_fetch_interactions_reads_comments_of_recent_statuses_with_comments(weibo_server, client):
    found = client.fetch_interactions(None, timezone.now() - datetime.timedelta(days=1))
    assert [i.text for i in found] == ["什么时候发货？", "已下单，期待"]
    first = found[0]
    assert first.external_id == "4981000000000003"
    assert (first.author, first.author_id, first.post_id) == ("小鱼", "1001", "4980000000000002")
    assert first.kind == "comment"
    shown = [c[2]["id"] for c in weibo_server.calls if c[1] == "/2/comments/show.json"]
    # The 30-day-old status (no comments) is not asked.
    assert shown == ["4980000000000002", "4980000000000001"]
    older = client.fetch_interactions(None, timezone.now() - datetime.timedelta(days=3))
    assert [i.text for i in older][-1] == "质量太差了"


def test_reply_answers_the_comment_once(weibo_server, client):
    comment = Interaction(
        external_id="4981000000000003", kind="comment", text="什么时候发货？", author="小鱼",
        created_at=timezone.now(), post_id="4980000000000002", author_id="1001",
    )
    result = client.reply(comment, "明天发货")
    assert weibo_server.state["replies"] == [{
        "cid": "4981000000000003", "id": "4980000000000002", "comment": "明天发货",
        "comment_ori": "0", "without_mention": "0",
    }]
    assert result.external_id.isdigit()


def test_reply_to_a_comment_weibo_does_not_know_is_permanent(weibo_server, client):
    comment = Interaction(
        external_id="1", kind="comment", text="?", author="x", created_at=timezone.now(),
        post_id="4980000000000002",
    )
    with pytest.raises(PermanentConnectorError) as info:
        client.reply(comment, "谢谢")
    assert info.value.code == 20101


def test_reply_with_a_lost_answer_is_outcome_unknown(weibo_server, client):
    weibo_server.state["drop_after"] = {"/2/comments/reply.json"}
    comment = Interaction(
        external_id="4981000000000003", kind="comment", text="?", author="x",
        created_at=timezone.now(), post_id="4980000000000002",
    )
    with pytest.raises(OutcomeUnknownError):
        client.reply(comment, "谢谢")
    assert weibo_server.paths().count("/2/comments/reply.json") == 1


def test_private_messages_are_not_answered_here(weibo_server, client):
    message = Interaction(
        external_id="m1", kind="message", text="在吗", author="x", created_at=timezone.now(),
        author_id="1001",
    )
    with pytest.raises(PermanentConnectorError) as info:
        client.reply(message, "在的")
    assert info.value.code == "unsupported"
    assert weibo_server.calls == []


# -- secrets never leak into messages ---------------------------------------------------------


def test_platform_error_text_is_scrubbed_of_tokens_and_query_strings(weibo_server, client):
    weibo_server.state["error_text"] = (
        f"bad request https://api.weibo.com/2/x.json?access_token={fake_weibo.ACCESS_TOKEN}&a=1 "
        f"secret {fake_weibo.APP_SECRET} token={fake_weibo.REFRESH_TOKEN}"
    )
    weibo_server.state["fail_next"] = [10017]
    with pytest.raises(PermanentConnectorError) as info:
        client.health_check()
    message = str(info.value)
    assert fake_weibo.ACCESS_TOKEN not in message
    assert fake_weibo.APP_SECRET not in message
    assert fake_weibo.REFRESH_TOKEN not in message
    assert "a=1" not in message
    assert message.startswith("Weibo error 10017: bad request https://api.weibo.com/2/x.json?")
    assert info.value.__context__ is None or "access_token" not in str(info.value.__context__)


def test_repr_shows_no_token(client):
    assert fake_weibo.ACCESS_TOKEN not in repr(client)
    assert fake_weibo.APP_SECRET not in repr(client)


# -- through the account ----------------------------------------------------------------------


WEIBO_CREDENTIALS = {
    "access_token": fake_weibo.ACCESS_TOKEN, "app_key": fake_weibo.APP_KEY,
    "app_secret": fake_weibo.APP_SECRET, "refresh_token": fake_weibo.REFRESH_TOKEN,
}


@pytest.fixture
def weibo_account(db, team, users, settings, weibo_server):
    settings.WEIBO_API_BASE = weibo_server.api_url
    account = account_create(
        actor=users["marketer"], team=team, platform=platform("weibo"), handle="品牌官方微博",
        connector=ConnectorKind.WEIBO, enterprise_certificate_number="91310000MA1TEST001",
        credentials=WEIBO_CREDENTIALS,
    )
    account.verification_status = "verified"
    account.save()
    for kind in account.platform.required_documents:
        DocumentFactory(account=account, kind=kind)
    return account


def test_connector_for_builds_the_weibo_client_from_encrypted_credentials(weibo_account):
    connector = connector_for(weibo_account)
    assert isinstance(connector, WeiboConnector)
    assert connector.label == "Weibo Open API"
    assert connector.is_sandbox is False
    assert connector.oauth_url.endswith("/oauth2")
    assert connector.health_check().ok


def test_publish_through_the_service_posts_once(weibo_account, users, weibo_server):
    result = account_publish(actor=users["marketer"], account=weibo_account, content=CONTENT)
    assert result.external_id == weibo_server.statuses[0]["idstr"]
    assert shares(weibo_server) == 1


def test_auth_failure_through_the_service_flags_the_account_without_the_token(
    weibo_account, users, weibo_server
):
    weibo_server.state["fail_next"] = [21316]  # the user revoked the app's token
    with pytest.raises(AuthConnectorError):
        account_publish(actor=users["marketer"], account=weibo_account, content=CONTENT)
    weibo_account.refresh_from_db()
    assert weibo_account.needs_reconnection is True
    assert weibo_account.last_error_kind == "auth"
    assert weibo_account.last_error_code == "21316"
    assert len(weibo_server.statuses) == 3
    assert fake_weibo.ACCESS_TOKEN not in weibo_account.last_error

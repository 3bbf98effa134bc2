import datetime

import pytest
import requests
from cryptography.fernet import Fernet
from django.core.cache import cache
from django.utils import timezone, translation

from platforms.connectors import (
    AuthConnectorError,
    Interaction,
    PermanentConnectorError,
    PublishContent,
    TransientConnectorError,
    connector_for,
)
from platforms.connectors.wechat_official_account import WeChatOfficialAccountConnector
from platforms.metrics import Metric
from platforms.models import ConnectorKind
from platforms.services import account_create, account_health_check, account_publish

from . import fake_wechat
from .factories import DocumentFactory, platform

CONTENT = PublishContent(
    title="新品发布", body="<p>正文</p>", author="品牌", extra={"thumb_media_id": "THUMB_1"}
)


@pytest.fixture
def client(server):
    return WeChatOfficialAccountConnector(
        app_id=fake_wechat.APP_ID, app_secret=fake_wechat.APP_SECRET, base_url=server.url,
        now=server.now,
    )


def paths(server):
    return [call[0] for call in server.calls]


def test_access_token_is_fetched_once_and_cached(server, client):
    client.health_check()
    client.health_check()
    assert paths(server).count("/cgi-bin/stable_token") == 1
    path, query, body = server.calls[0]
    assert query == {}  # the secret never travels in a URL
    assert body == {
        "grant_type": "client_credential", "appid": fake_wechat.APP_ID,
        "secret": fake_wechat.APP_SECRET, "force_refresh": False,
    }
    assert client.token_expires_at > timezone.now() + datetime.timedelta(minutes=100)


def test_token_cache_is_shared_between_connector_instances(server, client):
    client.health_check()
    other = WeChatOfficialAccountConnector(
        app_id=fake_wechat.APP_ID, app_secret=fake_wechat.APP_SECRET, base_url=server.url
    )
    other.health_check()
    assert paths(server).count("/cgi-bin/stable_token") == 1


def test_publish_adds_draft_then_submits_and_returns_article_url(server, client):
    result = client.publish(CONTENT)
    assert result.external_id == "ARTICLE_ID_1"
    assert result.url == "https://mp.weixin.qq.com/s/ARTICLE_1"
    assert result.pending is False
    assert paths(server) == [
        "/cgi-bin/stable_token", "/cgi-bin/draft/add", "/cgi-bin/freepublish/submit",
        "/cgi-bin/freepublish/get",
    ]
    article = server.calls[1][2]["articles"][0]
    assert article["title"] == "新品发布"
    assert article["thumb_media_id"] == "THUMB_1"


def test_publish_still_in_progress_returns_pending_job(server, client):
    server.state["publish_status"] = 1
    result = client.publish(CONTENT)
    assert result.pending is True
    assert result.external_id == "100000001"
    assert result.url == ""


def test_publish_rejected_by_review_is_permanent(server, client):
    server.state["publish_status"] = 3
    with pytest.raises(PermanentConnectorError):
        client.publish(CONTENT)


def test_publish_without_cover_is_permanent_and_sends_nothing(server, client):
    with pytest.raises(PermanentConnectorError):
        client.publish(PublishContent(title="t", body="b"))
    assert server.calls == []


@pytest.mark.parametrize("errcode", [40001, 40014, 42001])
def test_invalid_token_is_refreshed_once_and_retried(server, client, errcode):
    client.health_check()
    server.state["fail_next"] = [errcode]
    result = client.health_check()
    assert result.ok
    assert paths(server).count("/cgi-bin/stable_token") == 2
    refresh = [c for c in server.calls if c[0] == "/cgi-bin/stable_token"][1]
    assert refresh[2]["force_refresh"] is True
    assert paths(server).count("/cgi-bin/getcallbackip") == 3


def test_token_invalid_twice_is_an_auth_error(server, client):
    server.state["fail_next"] = [40001, 40001]
    with pytest.raises(AuthConnectorError):
        client.health_check()
    assert paths(server).count("/cgi-bin/stable_token") == 2


@pytest.mark.parametrize("errcode", [45009, 45011, -1])
def test_rate_limits_and_busy_are_transient(server, client, errcode):
    server.state["fail_next"] = [errcode]
    with pytest.raises(TransientConnectorError) as info:
        client.health_check()
    assert info.value.code == errcode


@pytest.mark.parametrize("errcode", [40007, 53503, 88000])
def test_other_errcodes_are_permanent(server, client, errcode):
    server.state["fail_next"] = [errcode]
    with pytest.raises(PermanentConnectorError):
        client.health_check()


def test_bad_secret_is_an_auth_error(server):
    connector = WeChatOfficialAccountConnector(
        app_id=fake_wechat.APP_ID, app_secret="wrong", base_url=server.url
    )
    with pytest.raises(AuthConnectorError) as info:
        connector.health_check()
    assert info.value.code == 40125
    assert "wrong" not in str(info.value)


def test_http_5xx_is_transient(server, client):
    server.state["http_error"] = 503
    with pytest.raises(TransientConnectorError):
        client.health_check()


def test_unreachable_server_is_transient():
    connector = WeChatOfficialAccountConnector(
        app_id=fake_wechat.APP_ID, app_secret=fake_wechat.APP_SECRET,
        base_url="http://127.0.0.1:9", timeout=1,
    )
    with pytest.raises(TransientConnectorError):
        connector.health_check()


def test_fetch_metrics_reads_article_and_user_summaries(server, client):
    since = timezone.localdate() - datetime.timedelta(days=3)
    points = client.fetch_metrics(None, since)
    days = [since + datetime.timedelta(days=n) for n in range(3)]
    reads = [p for p in points if p.metric == Metric.READS]
    assert [p.date for p in reads] == days
    assert {p.value for p in reads} == {1000.0}
    assert {p.post_id for p in reads} == {"2247483695_1"}
    shares = [p for p in points if p.metric == Metric.SHARES]
    assert {p.value for p in shares} == {40.0}
    followers = [p for p in points if p.metric == Metric.FOLLOWERS_GAINED]
    assert followers
    assert {p.value for p in followers} == {10.0}
    article_calls = [c for c in server.calls if c[0] == "/datacube/getarticlesummary"]
    assert [c[2]["begin_date"] for c in article_calls] == [d.isoformat() for d in days]
    assert all(c[2]["begin_date"] == c[2]["end_date"] for c in article_calls)


def test_fetch_interactions_lists_comments_of_recent_articles(server, client):
    found = client.fetch_interactions(None, timezone.now() - datetime.timedelta(days=2))
    assert [i.text for i in found] == ["写得真好", "什么时候发货？"]
    assert found[0].external_id == "2247483695_1:1"
    assert found[1].replied is True
    comment_call = next(c for c in server.calls if c[0] == "/cgi-bin/comment/list")
    assert comment_call[2]["msg_data_id"] == 2247483695
    assert comment_call[2]["index"] == 0
    recent = client.fetch_interactions(None, timezone.now() - datetime.timedelta(hours=1))
    assert [i.text for i in recent] == ["什么时候发货？"]


def test_reply_posts_to_the_comment(server, client):
    interaction = Interaction(
        external_id="2247483695_1:2", kind="comment", text="?", author="o",
        created_at=timezone.now(), post_id="2247483695_1",
    )
    result = client.reply(interaction, "明天发货，谢谢关注")
    assert result.external_id.startswith("2247483695_1:2")
    call = server.calls[-1]
    assert call[0] == "/cgi-bin/comment/reply/add"
    assert call[2] == {"msg_data_id": 2247483695, "index": 0, "user_comment_id": 2,
                       "content": "明天发货，谢谢关注"}


def test_base_url_comes_from_settings(settings, server):
    settings.WECHAT_API_BASE = server.url
    connector = WeChatOfficialAccountConnector(
        app_id=fake_wechat.APP_ID, app_secret=fake_wechat.APP_SECRET
    )
    assert connector.base_url == server.url
    assert connector.health_check().ok
    assert fake_wechat.APP_SECRET not in repr(connector)


# -- through the services: flags, never reported as published --------------------


@pytest.fixture
def wechat_account(db, team, users, settings, server):
    settings.WECHAT_API_BASE = server.url
    account = account_create(
        actor=users["marketer"], team=team, platform=platform("wechat_oa"), handle="服务号",
        connector=ConnectorKind.WECHAT_OFFICIAL_ACCOUNT,
        enterprise_certificate_number="91310000MA1TEST001",
        credentials={"app_id": fake_wechat.APP_ID, "app_secret": fake_wechat.APP_SECRET},
    )
    account.verification_status = "verified"
    account.save()
    for kind in account.platform.required_documents:
        DocumentFactory(account=account, kind=kind)
    return account


def test_connector_for_builds_the_wechat_client_from_encrypted_credentials(wechat_account):
    connector = connector_for(wechat_account)
    assert isinstance(connector, WeChatOfficialAccountConnector)
    assert connector.app_id == fake_wechat.APP_ID


def test_health_check_records_token_expiry(wechat_account, users):
    result = account_health_check(account=wechat_account)
    assert result is not None
    wechat_account.refresh_from_db()
    assert wechat_account.token_expires_at is not None
    assert wechat_account.last_sync_at is not None


def test_auth_failure_on_publish_flags_account_and_reports_nothing(wechat_account, users, server):
    server.state["token_error"] = 40125
    with pytest.raises(AuthConnectorError):
        account_publish(actor=users["marketer"], account=wechat_account, content=CONTENT)
    wechat_account.refresh_from_db()
    assert wechat_account.needs_reconnection is True
    assert "40125" in wechat_account.last_error
    assert fake_wechat.APP_SECRET not in wechat_account.last_error
    assert "/cgi-bin/draft/add" not in paths(server)
    assert wechat_account.last_sync_at is None


def test_publish_through_service_returns_article(wechat_account, users):
    result = account_publish(actor=users["marketer"], account=wechat_account, content=CONTENT)
    assert result.url == "https://mp.weixin.qq.com/s/ARTICLE_1"


# -- a publication is submitted once, whatever fails after the submit -------------


def submits(server):
    return paths(server).count("/cgi-bin/freepublish/submit")


@pytest.mark.parametrize("errcode", [-1, 45009, 40007, 48001])
def test_status_check_failing_after_submit_is_pending_and_a_retry_never_submits_again(
    server, client, errcode
):
    server.state["fail_paths"] = {"/cgi-bin/freepublish/get": errcode}
    first = client.publish(CONTENT)
    assert first.pending is True
    assert first.external_id == "100000001"  # the publish_id: the job is known
    second = client.publish(CONTENT)
    assert second == first
    assert submits(server) == 1
    assert paths(server).count("/cgi-bin/draft/add") == 1
    # Once WeChat answers, the same call reports the article, still without a new submit.
    server.state["fail_paths"] = {}
    done = client.publish(CONTENT)
    assert (done.external_id, done.pending) == ("ARTICLE_ID_1", False)
    assert submits(server) == 1


class DropStatusSession(requests.Session):
    """The network fails exactly on the status check, after the submit went through."""

    def request(self, method, url, **kwargs):
        if url.split("?")[0].endswith("/cgi-bin/freepublish/get"):
            raise requests.ConnectionError("connection reset")
        return super().request(method, url, **kwargs)


def test_network_failure_on_status_check_never_leads_to_a_second_submit(server):
    connector = WeChatOfficialAccountConnector(
        app_id=fake_wechat.APP_ID, app_secret=fake_wechat.APP_SECRET, base_url=server.url,
        session=DropStatusSession(),
    )
    results = [connector.publish(CONTENT), connector.publish(CONTENT)]
    assert all(r.pending and r.external_id == "100000001" for r in results)
    assert submits(server) == 1


def test_failed_submit_is_retried_with_the_same_draft(server, client):
    server.state["fail_paths"] = {"/cgi-bin/freepublish/submit": 45009}
    with pytest.raises(TransientConnectorError):
        client.publish(CONTENT)
    server.state["fail_paths"] = {}
    assert client.publish(CONTENT).external_id == "ARTICLE_ID_1"
    assert paths(server).count("/cgi-bin/draft/add") == 1


def test_different_content_is_a_different_publication(server, client):
    client.publish(CONTENT)
    client.publish(PublishContent(title="另一篇", body="<p>b</p>", extra=CONTENT.extra))
    assert submits(server) == 2


def test_publish_retry_through_the_service_submits_once(wechat_account, users, server):
    server.state["fail_paths"] = {"/cgi-bin/freepublish/get": -1}
    for _attempt in (1, 2):
        result = account_publish(actor=users["marketer"], account=wechat_account, content=CONTENT)
        assert result.pending is True
    assert submits(server) == 1
    wechat_account.refresh_from_db()
    assert wechat_account.needs_reconnection is False


def test_api_unauthorised_48001_is_permanent_not_auth(server, client):
    server.state["fail_next"] = [48001]
    with pytest.raises(PermanentConnectorError) as info:
        client.health_check()
    assert not isinstance(info.value, AuthConnectorError)
    assert info.value.code == 48001


def test_errcode_sent_as_a_string_is_understood(server, client):
    client.health_check()
    server.state["fail_next"] = ["40001"]
    assert client.health_check().ok
    assert paths(server).count("/cgi-bin/stable_token") == 2


def test_rate_limited_token_request_is_transient(server, client):
    server.state["token_error"] = 45009
    with pytest.raises(TransientConnectorError):
        client.health_check()


@pytest.mark.parametrize(
    "base_url", ["ftp://127.0.0.1:1", "http://", "http://127.0.0.1:1:2"]
)
def test_every_requests_failure_is_transient(base_url):
    connector = WeChatOfficialAccountConnector(
        app_id=fake_wechat.APP_ID, app_secret=fake_wechat.APP_SECRET, base_url=base_url, timeout=1
    )
    with pytest.raises(TransientConnectorError):
        connector.health_check()


def test_access_token_is_cached_encrypted(server, client):
    client.health_check()
    cached = cache.get(client._cache_key)
    assert isinstance(cached, str)
    assert server.valid_token() not in cached
    assert "TOKEN" not in cached
    # Another worker reads it back: no second token request.
    other = WeChatOfficialAccountConnector(
        app_id=fake_wechat.APP_ID, app_secret=fake_wechat.APP_SECRET, base_url=server.url
    )
    other.health_check()
    assert paths(server).count("/cgi-bin/stable_token") == 1


def test_cached_token_no_key_reads_is_fetched_again(server, client, settings):
    client.health_check()
    settings.CREDENTIALS_KEYS = [Fernet.generate_key().decode()]
    settings.SECRET_KEY = "a-rotated-secret-key-" * 3
    assert client.health_check().ok
    assert paths(server).count("/cgi-bin/stable_token") == 2


def test_plaintext_token_left_in_the_cache_is_ignored(server, client):
    cache.set(client._cache_key, {"token": "LEAKED", "expires_at": timezone.now().isoformat()})
    assert client.health_check().ok
    assert paths(server).count("/cgi-bin/stable_token") == 1


def test_health_detail_is_translated(server, client):
    with translation.override("zh-hans"):
        detail = client.health_check().detail
    assert "callback" not in detail
    assert "2" in detail


def test_status_answer_without_a_status_is_pending_not_an_error(server, client):
    server.state["publish_status"] = None
    result = client.publish(CONTENT)
    assert (result.pending, result.external_id) == (True, "100000001")
    assert submits(server) == 1

"""``lookup_publication`` settles a publication read-only: it never posts anything."""

import datetime
import time

import pytest
from django.utils import timezone

from platforms.connectors import (
    Connector,
    OutcomeUnknownError,
    PublicationLookup,
    PublishContent,
    TransientConnectorError,
)
from platforms.connectors.sandbox import SandboxConnector
from platforms.connectors.wechat_official_account import WeChatOfficialAccountConnector
from platforms.connectors.weibo import WeiboConnector
from platforms.models import SandboxPost

from . import fake_wechat, fake_weibo
from .factories import qualified_account

SUBMIT = "/cgi-bin/freepublish/submit"
WRITES = {SUBMIT, "/cgi-bin/draft/add", "/cgi-bin/comment/reply/add",
          "/cgi-bin/message/custom/send"}
KEY = "3c9b8f3e-1d2a-4e5f-8a9b-0c1d2e3f4a5b"
CONTENT = PublishContent(
    title="双十一预告", body="<p>正文</p>", extra={"thumb_media_id": "THUMB_1"}, client_key=KEY
)


@pytest.fixture
def wechat(server):
    return WeChatOfficialAccountConnector(
        app_id=fake_wechat.APP_ID, app_secret=fake_wechat.APP_SECRET, base_url=server.url,
        timeout=1, now=server.now,
    )


def writes(server) -> list[str]:
    return [path for path in server.paths() if path in WRITES]


def test_every_connector_offers_a_lookup():
    for connector in (SandboxConnector, WeChatOfficialAccountConnector, WeiboConnector):
        assert issubclass(connector, Connector)
        assert "lookup_publication" not in getattr(connector, "__abstractmethods__", set())


# -- WeChat ------------------------------------------------------------------------------


def test_job_id_published_reads_article_id_and_url(server, wechat):
    found = wechat.lookup_publication(client_key="", pending_ref="100000007")
    assert found == PublicationLookup(
        state="published", external_id="ARTICLE_ID_7",
        url="https://mp.weixin.qq.com/s/ARTICLE_7",
    )
    assert server.paths() == ["/cgi-bin/stable_token", "/cgi-bin/freepublish/get"]


def test_job_still_publishing_is_pending(server, wechat):
    server.state["publish_status"] = 1
    found = wechat.lookup_publication(client_key="", pending_ref="100000007", title="双十一预告")
    assert (found.state, found.external_id) == ("pending", "100000007")
    assert "/cgi-bin/freepublish/batchget" not in server.paths()


@pytest.mark.parametrize("status", [2, 3, 4, 5, 6])
def test_job_wechat_refused_is_failed_with_its_status(server, wechat, status):
    server.state["publish_status"] = status
    found = wechat.lookup_publication(client_key="", pending_ref="100000007")
    assert (found.state, found.error_code) == ("failed", str(status))


def test_after_a_lost_submit_answer_the_remembered_job_settles_it(server, wechat):
    server.state["drop_after"] = {SUBMIT}
    with pytest.raises(OutcomeUnknownError):
        wechat.publish(CONTENT)
    server.state["drop_after"] = set()
    found = wechat.lookup_publication(client_key=KEY, title=CONTENT.title)
    assert (found.state, found.external_id) == ("published", "ARTICLE_ID_1")
    assert writes(server) == ["/cgi-bin/draft/add", SUBMIT]


def test_without_a_job_id_the_article_list_is_matched_by_title(server, wechat):
    server.state["articles"] = [
        {"article_id": f"ART_{n}", "update_time": int(time.time()) - n * 3600,
         "content": {"news_item": [{"title": f"旧文章{n}", "url": f"https://mp/{n}"}]}}
        for n in range(1, 30)
    ]
    server.state["articles"].insert(25, {
        "article_id": "ART_TARGET", "update_time": int(time.time()) - 25 * 3600,
        "content": {"news_item": [
            {"title": "另一篇", "url": "https://mp/x"},
            {"title": "双十一预告", "url": "https://mp/target"},
        ]},
    })
    found = wechat.lookup_publication(
        client_key="not-remembered", title="双十一预告",
        since=timezone.now() - datetime.timedelta(days=3),
    )
    assert found == PublicationLookup(state="published", external_id="ART_TARGET",
                                      url="https://mp/target")
    pages = [c[2] for c in server.calls if c[0] == "/cgi-bin/freepublish/batchget"]
    assert pages == [{"offset": 0, "count": 20, "no_content": 1},
                     {"offset": 20, "count": 20, "no_content": 1}]
    assert writes(server) == []


def test_articles_older_than_since_are_not_matched_and_paging_stops(server, wechat):
    old = int(time.time()) - 10 * 24 * 3600
    server.state["articles"] = [
        {"article_id": f"ART_{n}", "update_time": old - n,
         "content": {"news_item": [{"title": "双十一预告", "url": "https://mp/old"}]}}
        for n in range(40)
    ]
    found = wechat.lookup_publication(
        client_key="", title="双十一预告", since=timezone.now() - datetime.timedelta(days=1)
    )
    assert found.state == "not_found"
    assert server.paths().count("/cgi-bin/freepublish/batchget") == 1


def test_deleted_articles_do_not_count(server, wechat):
    server.state["articles"] = [{
        "article_id": "ART_1", "update_time": int(time.time()),
        "content": {"news_item": [{"title": "双十一预告", "url": "u", "is_deleted": True}]},
    }]
    assert wechat.lookup_publication(client_key="", title="双十一预告").state == "not_found"


def test_nothing_to_go_by_is_not_found_without_a_call(server, wechat):
    assert wechat.lookup_publication(client_key="unknown").state == "not_found"
    assert server.calls == []


def test_a_busy_platform_during_lookup_is_transient(server, wechat):
    server.state["fail_paths"] = {"/cgi-bin/freepublish/get": -1}
    with pytest.raises(TransientConnectorError):
        wechat.lookup_publication(client_key="", pending_ref="100000001")


def test_a_refused_job_found_by_lookup_lets_a_retry_submit_anew(server, wechat):
    server.state["publish_status"] = 1
    assert wechat.publish(CONTENT).pending is True
    server.state["publish_status"] = 4
    assert wechat.lookup_publication(client_key=KEY).state == "failed"
    server.state["publish_status"] = 0
    assert wechat.publish(CONTENT).external_id == "ARTICLE_ID_2"
    assert server.paths().count(SUBMIT) == 2


# -- all three: read-only ------------------------------------------------------------------


@pytest.mark.django_db
def test_sandbox_lookup_never_adds_a_post(team):
    account = qualified_account(team)
    connector = SandboxConnector(account)
    connector.publish(CONTENT)
    for _ in range(3):
        assert connector.lookup_publication(client_key=KEY).state == "published"
        assert connector.lookup_publication(client_key="x", title="nothing").state == "not_found"
    assert SandboxPost.objects.count() == 1


def test_weibo_lookup_only_reads_the_timeline(weibo_server):
    client = WeiboConnector(access_token=fake_weibo.ACCESS_TOKEN, base_url=weibo_server.api_url)
    client.lookup_publication(client_key=KEY, title="品牌周年庆")
    client.lookup_publication(client_key=KEY, title="没有这条")
    assert {(c[0], c[1]) for c in weibo_server.calls} == {
        ("GET", "/2/statuses/user_timeline.json")
    }

"""WeChat's publish endpoint (freepublish/submit) is asked at most once per publish call."""

import pytest

from platforms.connectors import (
    OutcomeUnknownError,
    PermanentConnectorError,
    PublishContent,
    TransientConnectorError,
)
from platforms.connectors.wechat_official_account import WeChatOfficialAccountConnector

from . import fake_wechat

SUBMIT = "/cgi-bin/freepublish/submit"
KEY = "5f0c3f1e-9d4b-4c55-8b1a-1f2e3d4c5b6a"
CONTENT = PublishContent(
    title="新品发布", body="<p>正文</p>", extra={"thumb_media_id": "THUMB_1"}, client_key=KEY
)


@pytest.fixture
def client(server):
    return WeChatOfficialAccountConnector(
        app_id=fake_wechat.APP_ID, app_secret=fake_wechat.APP_SECRET, base_url=server.url,
        timeout=1, now=server.now,
    )


def submits(server) -> int:
    return server.paths().count(SUBMIT)


@pytest.mark.parametrize(
    "steer",
    [
        {"slow": {SUBMIT: 2}},
        {"drop_after": {SUBMIT}},
        {"http_error_after": {SUBMIT: 502}},
        {"garbled_after": {SUBMIT: b"<html>gateway</html>"}},
    ],
    ids=["timeout", "connection-dropped", "bad-gateway", "unreadable"],
)
def test_lost_answer_to_the_submit_is_outcome_unknown_and_submitted_once(server, client, steer):
    server.state.update(steer)
    with pytest.raises(OutcomeUnknownError) as info:
        client.publish(CONTENT)
    assert info.value.kind == "unknown"
    assert submits(server) == 1
    assert len(server.jobs) == 1  # WeChat did take the job


@pytest.mark.parametrize("errcode", [45009, 45011, -1])
def test_busy_before_accepting_is_transient_and_no_job_exists(server, client, errcode):
    server.state["fail_paths"] = {SUBMIT: errcode}
    with pytest.raises(TransientConnectorError) as info:
        client.publish(CONTENT)
    assert info.value.code == errcode
    assert submits(server) == 1
    assert server.jobs == {}


def test_rate_limited_http_429_on_submit_is_transient(server, client):
    server.state["http_error"] = 429
    with pytest.raises(TransientConnectorError):
        client.publish(CONTENT)


def test_expired_token_on_submit_renews_it_and_asks_to_try_again_without_repeating(server, client):
    server.state["fail_once"] = {SUBMIT: 42001}
    with pytest.raises(TransientConnectorError) as info:
        client.publish(CONTENT)
    assert info.value.code == 42001
    assert submits(server) == 1
    assert server.jobs == {}
    # Renewed at once, ready for the caller's next attempt.
    assert server.paths().count("/cgi-bin/stable_token") == 2
    result = client.publish(CONTENT)
    assert result.external_id == "ARTICLE_ID_1"
    assert submits(server) == 2
    assert server.paths().count("/cgi-bin/draft/add") == 1
    assert server.paths().count("/cgi-bin/stable_token") == 2


def test_draft_add_failing_in_transit_is_transient_nothing_is_published(server, client):
    server.state["drop_after"] = {"/cgi-bin/draft/add"}
    with pytest.raises(TransientConnectorError):
        client.publish(CONTENT)
    assert submits(server) == 0


def test_connection_refused_is_transient_the_request_never_left():
    connector = WeChatOfficialAccountConnector(
        app_id=fake_wechat.APP_ID, app_secret=fake_wechat.APP_SECRET,
        base_url="http://127.0.0.1:9", timeout=1,
    )
    with pytest.raises(TransientConnectorError):
        connector.publish(CONTENT)


def test_the_same_client_key_never_submits_a_second_job(server, client):
    server.state["publish_status"] = 1
    first = client.publish(CONTENT)
    edited = PublishContent(title="改过的标题", body="<p>b</p>", extra=CONTENT.extra,
                            client_key=KEY)
    second = client.publish(edited)
    assert (first.pending, second.pending) == (True, True)
    assert first.external_id == second.external_id == "100000001"
    assert submits(server) == 1


def test_a_job_wechat_refused_is_forgotten_so_a_retry_submits_anew(server, client):
    server.state["publish_status"] = 3
    with pytest.raises(PermanentConnectorError) as info:
        client.publish(CONTENT)
    assert info.value.code == "3"
    server.state["publish_status"] = 0
    result = client.publish(CONTENT)
    assert result.external_id == "ARTICLE_ID_2"
    assert submits(server) == 2
    assert server.paths().count("/cgi-bin/draft/add") == 2


def test_errmsg_is_scrubbed_of_the_secret_and_the_token(server, client):
    client.health_check()
    token = server.valid_token()
    server.state["error_text"] = (
        f"invalid args https://api.weixin.qq.com/cgi-bin/x?access_token={token} "
        f"secret={fake_wechat.APP_SECRET} hint: [abc]"
    )
    server.state["fail_next"] = [40097]
    with pytest.raises(PermanentConnectorError) as info:
        client.health_check()
    message = str(info.value)
    assert token not in message
    assert fake_wechat.APP_SECRET not in message
    assert message.startswith("WeChat error 40097: invalid args https://api.weixin.qq.com/cgi-bin/x?")
    assert "hint: [abc]" in message


def test_a_transport_failure_carries_no_url_with_the_token(server, client):
    server.state["drop_after"] = {SUBMIT}
    with pytest.raises(OutcomeUnknownError) as info:
        client.publish(CONTENT)
    assert "access_token" not in str(info.value)
    assert info.value.__context__ is None
    assert info.value.__cause__ is None

"""WeChat comments (comment API) and customer-service replies (48-hour window)."""

import datetime
import time

import pytest
from django.utils import timezone

from platforms.connectors import (
    Interaction,
    OutcomeUnknownError,
    PermanentConnectorError,
    ReplyWindowClosedError,
)
from platforms.connectors.wechat_official_account import WeChatOfficialAccountConnector

from . import fake_wechat

LIST = "/cgi-bin/comment/list"


@pytest.fixture
def client(server):
    return WeChatOfficialAccountConnector(
        app_id=fake_wechat.APP_ID, app_secret=fake_wechat.APP_SECRET, base_url=server.url,
        timeout=1, now=server.now,
    )


def comment(n: int, seconds_ago: int = 600) -> dict:
    return {"user_comment_id": n, "openid": f"o_{n}", "create_time": int(time.time()) - seconds_ago,
            "content": f"评论{n}", "comment_type": 0}


def test_comments_are_paged_fifty_at_a_time_through_begin_and_count(server, client):
    server.state["comments"] = [comment(n) for n in range(1, 121)]
    found = client.fetch_interactions(None, timezone.now() - datetime.timedelta(days=1))
    assert [i.text for i in found] == [f"评论{n}" for n in range(1, 121)]
    pages = [(c[2]["begin"], c[2]["count"]) for c in server.calls if c[0] == LIST]
    assert pages == [(0, 50), (50, 50), (100, 50)]
    assert all(c[2]["type"] == 0 for c in server.calls if c[0] == LIST)


def test_each_article_of_a_message_is_asked_by_msg_data_id_and_its_index(server, client):
    server.state["article_rows"] = [
        {"msgid": "2247483700_1", "int_page_read_count": 10, "share_count": 1},
        {"msgid": "2247483700_2", "int_page_read_count": 5, "share_count": 0},
    ]
    server.state["comments_by_article"] = {
        "2247483700_0": [comment(1)],
        "2247483700_1": [comment(2)],
    }
    found = client.fetch_interactions(None, timezone.now() - datetime.timedelta(days=1))
    assert [(i.external_id, i.post_id, i.post_index, i.author_id) for i in found] == [
        ("2247483700_1:1", "2247483700", 0, "o_1"),
        ("2247483700_2:2", "2247483700", 1, "o_2"),
    ]
    asked = {(c[2]["msg_data_id"], c[2]["index"]) for c in server.calls if c[0] == LIST}
    assert asked == {(2247483700, 0), (2247483700, 1)}


def test_an_article_with_comments_closed_is_skipped_not_a_failure(server, client):
    server.state["article_rows"] = [
        {"msgid": "2247483700_1", "int_page_read_count": 10},
        {"msgid": "2247483800_1", "int_page_read_count": 10},
    ]
    server.state["comments_closed"] = {"2247483700_0"}
    server.state["comments_by_article"] = {"2247483800_0": [comment(9)]}
    found = client.fetch_interactions(None, timezone.now() - datetime.timedelta(days=1))
    assert [i.external_id for i in found] == ["2247483800_1:9"]


def test_comments_before_since_are_left_out(server, client):
    server.state["comments"] = [comment(1, seconds_ago=3 * 86400), comment(2, seconds_ago=60)]
    found = client.fetch_interactions(None, timezone.now() - datetime.timedelta(days=1))
    assert [i.external_id for i in found] == ["2247483695_1:2"]


def test_reply_to_a_comment_uses_the_stored_post_and_index(server, client):
    stored = Interaction(
        external_id="2247483700_2:2", kind="comment", text="?", author="o_2",
        created_at=timezone.now(), post_id="2247483700", post_index=1, author_id="o_2",
    )
    client.reply(stored, "谢谢支持")
    assert server.state["comment_replies"] == [
        {"msg_data_id": 2247483700, "index": 1, "user_comment_id": 2, "content": "谢谢支持"}
    ]


def test_reply_to_a_comment_with_a_lost_answer_is_unknown_and_sent_once(server, client):
    server.state["drop_after"] = {"/cgi-bin/comment/reply/add"}
    stored = Interaction(
        external_id="2247483700_1:1", kind="comment", text="?", author="o",
        created_at=timezone.now(), post_id="2247483700", post_index=0,
    )
    with pytest.raises(OutcomeUnknownError):
        client.reply(stored, "谢谢")
    assert server.paths().count("/cgi-bin/comment/reply/add") == 1


def message(openid: str) -> Interaction:
    return Interaction(
        external_id=f"msg-{openid}", kind="message", text="请问有货吗", author="用户",
        created_at=timezone.now(), author_id=openid,
    )


def test_message_inside_the_48_hour_window_is_answered_by_customer_service(server, client):
    result = client.reply(message("o_user_1"), "有的，欢迎选购")
    assert server.state["sent_messages"] == [
        {"touser": "o_user_1", "msgtype": "text", "text": {"content": "有的，欢迎选购"}}
    ]
    assert result.external_id == "msg-o_user_1:reply"


def test_message_after_the_window_closed_raises_reply_window_closed(server, client):
    with pytest.raises(ReplyWindowClosedError) as info:
        client.reply(message("o_user_old"), "有的")
    assert info.value.code == 45015
    assert info.value.kind == "permanent"
    assert server.state["sent_messages"] == []
    assert server.paths().count("/cgi-bin/message/custom/send") == 1


def test_reply_quota_used_up_is_also_a_closed_window(server, client):
    server.state["fail_next"] = [45047]
    with pytest.raises(ReplyWindowClosedError):
        client.reply(message("o_user_1"), "有的")


def test_message_reply_with_a_lost_answer_is_unknown_and_sent_once(server, client):
    server.state["slow"] = {"/cgi-bin/message/custom/send": 2}
    with pytest.raises(OutcomeUnknownError):
        client.reply(message("o_user_1"), "有的")
    assert server.paths().count("/cgi-bin/message/custom/send") == 1


def test_message_without_an_openid_or_text_is_refused_before_any_call(server, client):
    with pytest.raises(PermanentConnectorError):
        client.reply(message(""), "有的")
    with pytest.raises(PermanentConnectorError):
        client.reply(message("o_user_1"), "  ")
    assert server.calls == []

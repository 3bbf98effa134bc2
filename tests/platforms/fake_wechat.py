"""A local stand-in for api.weixin.qq.com answering with the documented shapes.

Tests set ``server.state`` to steer it (expired tokens, rate limits, lost
answers...) and read ``server.calls`` to see what the connector sent. Like the
real API it checks what it is asked: datacube spans (one day for article
summaries, at most seven for user summaries, nothing newer than WeChat's data
day), at most 50 comments a page, the 48-hour window of customer-service
messages, at most 20 records a page of ``freepublish/batchget``, image material
(``material/add_material?type=image``: a multipart ``media`` part holding a
BMP, PNG, JPEG or GIF of at most 10 MB) and a draft's ``thumb_media_id`` naming
stored material.
"""

import contextlib
import datetime
import email.parser
import email.policy
import json
import threading
import time
import zoneinfo
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse

APP_ID = "wx0123456789abcdef"
APP_SECRET = "0123456789abcdef0123456789abcdef"  # noqa: S105 - test fixture
BEIJING = zoneinfo.ZoneInfo("Asia/Shanghai")
WINDOW_SECONDS = 48 * 3600
MATERIAL_MAX_BYTES = 10 * 1024 * 1024
# What WeChat recognises an image by: its first bytes.
IMAGE_MAGIC = {
    b"\x89PNG\r\n\x1a\n": "png", b"\xff\xd8\xff": "jpeg", b"GIF87a": "gif", b"GIF89a": "gif",
    b"BM": "bmp",
}


class FakeWeChat(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self):
        super().__init__(("127.0.0.1", 0), Handler)
        self.calls: list[tuple[str, dict, dict | None]] = []
        self.tokens_issued = 0
        self.drafts: dict[str, dict] = {}
        # Permanent material, media_id -> {"filename", "content_type", "data"}. The
        # account holds two covers already: tests that pass their own
        # thumb_media_id name one of them.
        self.materials: dict[str, dict] = {
            media_id: {"filename": "cover.png", "content_type": "image/png", "data": b""}
            for media_id in ("THUMB_1", "THUMB")
        }
        self.uploads = 0
        # publish_id -> the draft's media_id
        self.jobs: dict[str, str] = {}
        # The datacube's clock; connectors under test share it (``now=server.now``).
        self.clock = datetime.datetime.combine(
            datetime.datetime.now(BEIJING).date(), datetime.time(12), tzinfo=BEIJING
        )
        now = int(time.time())
        self.state = {
            # errcode to answer once on the next authenticated call (e.g. 40001)
            "fail_next": [],
            # path -> errcode answered every time on that path (e.g. {"/cgi-bin/freepublish/get": -1})
            "fail_paths": {},
            # path -> errcode answered once, the next time that path is asked
            "fail_once": {},
            # errcode the token endpoint answers (e.g. 40125 bad secret)
            "token_error": None,
            # HTTP status answered to every authenticated call, before doing anything
            "http_error": None,
            # path -> HTTP status answered AFTER the request was carried out
            "http_error_after": {},
            # paths whose request is carried out, then the connection dropped unanswered
            "drop_after": set(),
            # path -> seconds to wait before answering (after carrying the request out)
            "slow": {},
            # path -> raw body answered after carrying the request out
            "garbled_after": {},
            "publish_status": 0,
            # freepublish/batchget records, newest first
            "articles": [],
            "article_rows": [{
                "msgid": "2247483695_1", "title": "新品发布",
                "int_page_read_user": 800, "int_page_read_count": 1000,
                "ori_page_read_user": 10, "ori_page_read_count": 12,
                "share_user": 30, "share_count": 40, "add_to_fav_user": 5, "add_to_fav_count": 5,
            }],
            "comments": [
                {"user_comment_id": 1, "openid": "o_user_1", "create_time": now - 7200,
                 "content": "写得真好", "comment_type": 0},
                {"user_comment_id": 2, "openid": "o_user_2", "create_time": now - 1800,
                 "content": "什么时候发货？", "comment_type": 0,
                 "reply": {"content": "明天", "create_time": now - 60}},
            ],
            # "msg_data_id_index" (0-based index) -> comments of that article only
            "comments_by_article": {},
            # articles whose comments are closed (88000), as "msg_data_id_index"
            "comments_closed": set(),
            # openid -> when the user last wrote to the account
            "last_message_at": {"o_user_1": now - 3600, "o_user_old": now - WINDOW_SECONDS - 60},
            "sent_messages": [],
            "comment_replies": [],
            # the errmsg of every error answer, when a test wants a particular one
            "error_text": "",
            # error answers quote the whole request (path, query, body), as some
            # gateways do in their error pages: secrets included
            "echo_request": False,
        }

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"

    def valid_token(self) -> str:
        return f"TOKEN-{self.tokens_issued}"

    def paths(self) -> list[str]:
        return [call[0] for call in self.calls]

    def now(self) -> datetime.datetime:
        """WeChat's clock: ``clock`` (noon in Beijing today unless a test moves it)."""
        return self.clock

    def latest_data_day(self) -> datetime.date:
        here = self.clock.astimezone(BEIJING)
        return here.date() - datetime.timedelta(days=1 if here.hour >= 8 else 2)


class Dropped(Exception):
    """The handler closes the connection without an answer."""


class Handler(BaseHTTPRequestHandler):
    server: FakeWeChat

    def log_message(self, *args):  # keep test output quiet
        pass

    def _send(self, payload: dict, status: int = 200) -> None:
        path = urlparse(self.path).path
        state = self.server.state
        if path in state["slow"]:
            time.sleep(state["slow"][path])
        if path in state["drop_after"]:
            self.close_connection = True
            raise Dropped
        if path in state["http_error_after"]:
            payload, status = {"errmsg": "gateway timeout"}, state["http_error_after"][path]
        body = json.dumps(payload, ensure_ascii=False).encode()
        if path in state["garbled_after"]:
            body = state["garbled_after"][path]
        self.send_response(status)
        self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self):
        self._guarded("GET")

    def do_POST(self):
        self._guarded("POST")

    def _guarded(self, method: str) -> None:
        # A dropped answer writes nothing: the client sees the connection closed.
        with contextlib.suppress(Dropped):
            self._handle(method)

    def _error(self, code: int, message: str = "") -> None:
        message = self.server.state["error_text"] or message or f"error {code} rid: 6523a1b2"
        self._send({"errcode": code, "errmsg": message})

    def _handle(self, method: str) -> None:
        url = urlparse(self.path)
        query = {k: v[0] for k, v in parse_qs(url.query).items()}
        body = None
        if method == "POST":
            length = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(length)
            content_type = self.headers.get("Content-Type") or ""
            if content_type.startswith("multipart/form-data"):
                body = _multipart(content_type, raw)
            else:
                body = json.loads(raw or b"{}")
        server = self.server
        server.calls.append((url.path, query, body))
        state = server.state

        if state["echo_request"]:
            echoed = json.dumps({"path": url.path, "query": query, "body": body}, default=str)
            state["error_text"] = f"invalid request, request echoed: {echoed} {self.path}"
        if url.path == "/cgi-bin/stable_token":
            assert body["grant_type"] == "client_credential"
            if state["token_error"]:
                return self._send({
                    "errcode": state["token_error"],
                    "errmsg": state["error_text"] or "invalid credential",
                })
            if body.get("appid") != APP_ID or body.get("secret") != APP_SECRET:
                return self._send({"errcode": 40125, "errmsg": "invalid appsecret"})
            server.tokens_issued += 1
            return self._send({"access_token": server.valid_token(), "expires_in": 7200})
        if state.get("http_error"):
            return self._send({"errmsg": "busy"}, status=state["http_error"])
        if query.get("access_token") != server.valid_token():
            return self._error(40001, "invalid credential, access_token is invalid or not latest")
        if url.path in state["fail_paths"]:
            return self._error(state["fail_paths"][url.path])
        if url.path in state["fail_once"]:
            return self._error(state["fail_once"].pop(url.path))
        if state["fail_next"]:
            return self._error(state["fail_next"].pop(0))

        handler = ROUTES.get(url.path)
        if handler is None:
            return self._error(40066, "invalid url")
        return handler(self, body or {})

    # -- publishing ------------------------------------------------------------
    def add_material(self, body: dict) -> None:
        """Permanent material; only images here, as the connector uploads covers."""
        query = {k: v[0] for k, v in parse_qs(urlparse(self.path).query).items()}
        if query.get("type") not in ("image", "voice", "video", "thumb"):
            return self._error(40004, "invalid media type")
        media = body.get("media")
        if not media or not media["data"]:
            return self._error(41005, "media data missing")
        found = next((kind for magic, kind in IMAGE_MAGIC.items()
                      if media["data"].startswith(magic)), None)
        if query["type"] != "image" or found is None:
            return self._error(40005, "invalid file type")
        if len(media["data"]) > MATERIAL_MAX_BYTES:
            return self._error(40009, "invalid image size")
        self.server.uploads += 1
        media_id = f"MATERIAL_ID_{self.server.uploads}"
        self.server.materials[media_id] = media
        return self._send({
            "media_id": media_id,
            "url": f"http://mmbiz.qpic.cn/mmbiz_{found}/{media_id}/0?wx_fmt={found}",
        })

    def draft_add(self, body: dict) -> None:
        if body["articles"][0].get("thumb_media_id") not in self.server.materials:
            return self._error(40007, "invalid media_id")
        media_id = f"MEDIA_ID_{len(self.server.drafts) + 1}"
        self.server.drafts[media_id] = body["articles"][0]
        return self._send({"media_id": media_id})

    def freepublish_submit(self, body: dict) -> None:
        server = self.server
        if body.get("media_id") not in server.drafts:
            return self._error(40007, "invalid media_id")
        number = len(server.jobs) + 1
        publish_id = str(100000000 + number)
        server.jobs[publish_id] = body["media_id"]
        if server.state["publish_status"] == 0:
            self._add_article(publish_id)
        return self._send({"errcode": 0, "errmsg": "ok", "publish_id": publish_id})

    def _add_article(self, publish_id: str) -> None:
        server = self.server
        number = int(publish_id) - 100000000
        draft = server.drafts[server.jobs[publish_id]]
        now = int(time.time())
        server.state["articles"].insert(0, {
            "article_id": f"ARTICLE_ID_{number}",
            "content": {"news_item": [{
                "title": draft["title"], "author": draft.get("author", ""),
                "url": f"https://mp.weixin.qq.com/s/ARTICLE_{number}", "is_deleted": False,
            }], "create_time": now, "update_time": now},
            "update_time": now,
        })

    def freepublish_get(self, body: dict) -> None:
        status = self.server.state["publish_status"]
        publish_id = str(body["publish_id"])
        payload = {"publish_id": publish_id, "publish_status": status}
        if status == 0:
            number = int(publish_id) - 100000000 if publish_id.isdigit() else 1
            payload.update({
                "article_id": f"ARTICLE_ID_{number}",
                "article_detail": {"count": 1, "item": [
                    {"idx": 1, "article_url": f"https://mp.weixin.qq.com/s/ARTICLE_{number}"}]},
            })
        return self._send(payload)

    def freepublish_batchget(self, body: dict) -> None:
        count = int(body.get("count", 0))
        if not 1 <= count <= 20:
            return self._error(40097, "invalid args")
        offset = int(body.get("offset", 0))
        articles = self.server.state["articles"]
        page = articles[offset: offset + count]
        return self._send({
            "total_count": len(articles), "item_count": len(page), "item": page,
        })

    # -- datacube ----------------------------------------------------------------
    def _span(self, body: dict, most: int) -> tuple[datetime.date, datetime.date] | None:
        begin = datetime.date.fromisoformat(body["begin_date"])
        end = datetime.date.fromisoformat(body["end_date"])
        if end < begin or (end - begin).days + 1 > most:
            self._error(61501, "date range error")
            return None
        if end > self.server.latest_data_day():
            # WeChat has no data for that day yet.
            self._error(61501, "date range error")
            return None
        return begin, end

    def article_summary(self, body: dict) -> None:
        span = self._span(body, 1)
        if span is None:
            return None
        if span[0] < self.server.latest_data_day() - datetime.timedelta(days=6):
            # Per-article data is kept about a week.
            return self._send({"list": []})
        rows = [dict(row, ref_date=body["begin_date"]) for row in self.server.state["article_rows"]]
        return self._send({"list": rows})

    def user_summary(self, body: dict) -> None:
        span = self._span(body, 7)
        if span is None:
            return None
        rows = []
        day = span[0]
        while day <= span[1]:
            rows.append({"ref_date": day.isoformat(), "user_source": 0, "new_user": 7,
                         "cancel_user": 1})
            rows.append({"ref_date": day.isoformat(), "user_source": 30, "new_user": 3,
                         "cancel_user": 0})
            day += datetime.timedelta(days=1)
        return self._send({"list": rows})

    # -- comments and messages ---------------------------------------------------
    def comment_list(self, body: dict) -> None:
        if int(body.get("count", 0)) > 50:
            return self._error(40097, "invalid args")
        key = f"{body['msg_data_id']}_{body['index']}"
        state = self.server.state
        if key in state["comments_closed"]:
            return self._error(88000, "without comment privilege")
        comments = state["comments_by_article"].get(key, state["comments"])
        page = comments[body["begin"]: body["begin"] + body["count"]]
        return self._send({"errcode": 0, "errmsg": "ok", "total": len(comments), "comment": page})

    def comment_reply(self, body: dict) -> None:
        self.server.state["comment_replies"].append(body)
        return self._send({"errcode": 0, "errmsg": "ok"})

    def custom_send(self, body: dict) -> None:
        state = self.server.state
        last = state["last_message_at"].get(body.get("touser"))
        if last is None or time.time() - last > WINDOW_SECONDS:
            return self._error(45015, "response out of time limit or subscription is canceled")
        state["sent_messages"].append(body)
        return self._send({"errcode": 0, "errmsg": "ok"})

    def callback_ip(self, body: dict) -> None:
        return self._send({"ip_list": ["101.226.103.0/25", "101.226.62.0/26"]})


def _multipart(content_type: str, raw: bytes) -> dict:
    """A multipart/form-data body as {field name: {"filename", "content_type", "data"}}."""
    message = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(
        f"Content-Type: {content_type}\r\n\r\n".encode() + raw
    )
    fields = {}
    for part in message.iter_parts():
        name = part.get_param("name", header="content-disposition")
        fields[name] = {
            "filename": part.get_filename() or "",
            "content_type": part.get_content_type(),
            "data": part.get_payload(decode=True) or b"",
        }
    return fields


ROUTES = {
    "/cgi-bin/material/add_material": Handler.add_material,
    "/cgi-bin/getcallbackip": Handler.callback_ip,
    "/cgi-bin/draft/add": Handler.draft_add,
    "/cgi-bin/freepublish/submit": Handler.freepublish_submit,
    "/cgi-bin/freepublish/get": Handler.freepublish_get,
    "/cgi-bin/freepublish/batchget": Handler.freepublish_batchget,
    "/datacube/getarticlesummary": Handler.article_summary,
    "/datacube/getusersummary": Handler.user_summary,
    "/cgi-bin/comment/list": Handler.comment_list,
    "/cgi-bin/comment/reply/add": Handler.comment_reply,
    "/cgi-bin/message/custom/send": Handler.custom_send,
}


def start() -> FakeWeChat:
    server = FakeWeChat()
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server

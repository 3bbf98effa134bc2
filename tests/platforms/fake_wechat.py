"""A local stand-in for api.weixin.qq.com answering with the documented shapes.

Tests set ``server.state`` to steer it (expired tokens, rate limits, ...) and
read ``server.calls`` to see what the connector sent.
"""

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse

APP_ID = "wx0123456789abcdef"
APP_SECRET = "0123456789abcdef0123456789abcdef"  # noqa: S105 - test fixture


class FakeWeChat(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self):
        super().__init__(("127.0.0.1", 0), Handler)
        self.calls: list[tuple[str, dict, dict | None]] = []
        self.tokens_issued = 0
        self.state = {
            # errcode to answer once on the next authenticated call (e.g. 40001)
            "fail_next": [],
            # path -> errcode answered every time on that path (e.g. {"/cgi-bin/freepublish/get": -1})
            "fail_paths": {},
            # errcode the token endpoint answers (e.g. 40125 bad secret)
            "token_error": None,
            "publish_status": 0,
            "comments": [
                {"user_comment_id": 1, "openid": "o_user_1", "create_time": int(time.time()) - 7200,
                 "content": "写得真好", "comment_type": 0},
                {"user_comment_id": 2, "openid": "o_user_2", "create_time": int(time.time()) - 1800,
                 "content": "什么时候发货？", "comment_type": 0,
                 "reply": {"content": "明天", "create_time": int(time.time()) - 60}},
            ],
        }

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"

    def valid_token(self) -> str:
        return f"TOKEN-{self.tokens_issued}"


class Handler(BaseHTTPRequestHandler):
    server: FakeWeChat

    def log_message(self, *args):  # keep test output quiet
        pass

    def _send(self, payload: dict, status: int = 200) -> None:
        body = json.dumps(payload, ensure_ascii=False).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self):
        self._handle("GET")

    def do_POST(self):
        self._handle("POST")

    def _handle(self, method: str) -> None:
        url = urlparse(self.path)
        query = {k: v[0] for k, v in parse_qs(url.query).items()}
        body = None
        if method == "POST":
            length = int(self.headers.get("Content-Length") or 0)
            body = json.loads(self.rfile.read(length) or b"{}")
        server = self.server
        server.calls.append((url.path, query, body))
        state = server.state

        if url.path == "/cgi-bin/stable_token":
            assert body["grant_type"] == "client_credential"
            if state["token_error"]:
                return self._send({"errcode": state["token_error"], "errmsg": "invalid credential"})
            if body.get("appid") != APP_ID or body.get("secret") != APP_SECRET:
                return self._send({"errcode": 40125, "errmsg": "invalid appsecret"})
            server.tokens_issued += 1
            return self._send({"access_token": server.valid_token(), "expires_in": 7200})
        if state.get("http_error"):
            return self._send({"errmsg": "busy"}, status=state["http_error"])
        if query.get("access_token") != server.valid_token():
            return self._send({"errcode": 40001, "errmsg": "invalid credential, access_token is invalid"})
        if url.path in state["fail_paths"]:
            code = state["fail_paths"][url.path]
            return self._send({"errcode": code, "errmsg": f"error {code}"})
        if state["fail_next"]:
            code = state["fail_next"].pop(0)
            return self._send({"errcode": code, "errmsg": f"error {code}"})

        if url.path == "/cgi-bin/getcallbackip":
            return self._send({"ip_list": ["101.226.103.0/25", "101.226.62.0/26"]})
        if url.path == "/cgi-bin/draft/add":
            assert body["articles"][0]["thumb_media_id"]
            return self._send({"media_id": "MEDIA_ID_1"})
        if url.path == "/cgi-bin/freepublish/submit":
            assert body == {"media_id": "MEDIA_ID_1"}
            return self._send({"errcode": 0, "errmsg": "ok", "publish_id": "100000001"})
        if url.path == "/cgi-bin/freepublish/get":
            status = state["publish_status"]
            payload = {"publish_id": body["publish_id"], "publish_status": status}
            if status == 0:
                payload.update({
                    "article_id": "ARTICLE_ID_1",
                    "article_detail": {"count": 1, "item": [
                        {"idx": 1, "article_url": "https://mp.weixin.qq.com/s/ARTICLE_1"}]},
                })
            return self._send(payload)
        if url.path == "/datacube/getarticlesummary":
            day = body["begin_date"]
            return self._send({"list": [{
                "ref_date": day, "msgid": "2247483695_1", "title": "新品发布",
                "int_page_read_user": 800, "int_page_read_count": 1000,
                "ori_page_read_user": 10, "ori_page_read_count": 12,
                "share_user": 30, "share_count": 40, "add_to_fav_user": 5, "add_to_fav_count": 5,
            }]})
        if url.path == "/datacube/getusersummary":
            return self._send({"list": [
                {"ref_date": body["begin_date"], "user_source": 0, "new_user": 7, "cancel_user": 1},
                {"ref_date": body["begin_date"], "user_source": 30, "new_user": 3, "cancel_user": 0},
            ]})
        if url.path == "/cgi-bin/comment/list":
            comments = state["comments"][body["begin"]: body["begin"] + body["count"]]
            return self._send({"errcode": 0, "errmsg": "ok", "total": len(state["comments"]),
                               "comment": comments})
        if url.path == "/cgi-bin/comment/reply/add":
            return self._send({"errcode": 0, "errmsg": "ok"})
        return self._send({"errcode": 40066, "errmsg": "invalid url"})


def start() -> FakeWeChat:
    server = FakeWeChat()
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server

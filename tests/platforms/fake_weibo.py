"""A local stand-in for api.weibo.com answering with the documented shapes.

Serves ``/2/...`` (the API, token in the ``Authorization: OAuth2`` header) and
``/oauth2/...`` (token renewal and token info). Errors come as Weibo sends
them: ``{"error", "error_code", "request"}`` with HTTP 400 or 403. Like the
real API it posts every ``statuses/share`` it is sent — repeating the same
text within a short time is refused with 20019. Tests set ``server.state`` to
steer it and read ``server.calls`` to see what the connector sent.
"""

import contextlib
import datetime
import json
import threading
import time
import zoneinfo
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse

ACCESS_TOKEN = "2.00WEIBO-TOKEN-abcdef"  # noqa: S105 - test fixture
REFRESH_TOKEN = "2.00WEIBO-REFRESH-123456"  # noqa: S105 - test fixture
APP_KEY = "1234567890"
APP_SECRET = "weibo-app-secret-0123456789"  # noqa: S105 - test fixture
UID = "5678901234"
BEIJING = zoneinfo.ZoneInfo("Asia/Shanghai")
MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
# HTTP status Weibo sends with an error code.
ERROR_STATUS = {10022: 403, 10023: 403, 10024: 403, 21327: 401, 21332: 401, 21315: 401,
                21316: 401, 21317: 401, 21314: 401, 21319: 401, 21301: 401}


def created_at(moment: datetime.datetime) -> str:
    """``moment`` the way Weibo writes it: "Tue May 31 17:46:55 +0800 2011"."""
    here = moment.astimezone(BEIJING)
    return (
        f"{DAYS[here.weekday()]} {MONTHS[here.month - 1]} {here.day:02d} "
        f"{here:%H:%M:%S} +0800 {here.year}"
    )


def ago(**delta) -> str:
    return created_at(datetime.datetime.now(BEIJING) - datetime.timedelta(**delta))


class FakeWeibo(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self):
        super().__init__(("127.0.0.1", 0), Handler)
        self.calls: list[tuple[str, str, dict, str]] = []  # (method, path, params, auth header)
        self.valid_token = ACCESS_TOKEN
        self.next_id = 4990000000000001
        self.statuses: list[dict] = [
            self._status("4980000000000002", "夏季新品今日上线，点击了解 http://t.cn/A6abcd", ago(days=1),
                         reposts=12, comments=2, attitudes=88),
            self._status("4980000000000001", "品牌周年庆活动预告", ago(days=3),
                         reposts=5, comments=1, attitudes=40),
            self._status("4970000000000009", "很久以前的一条微博", ago(days=30),
                         reposts=1, comments=0, attitudes=3),
        ]
        self.comments: dict[str, list[dict]] = {
            "4980000000000002": [
                self._comment("4981000000000003", "什么时候发货？", ago(minutes=30), "1001", "小鱼"),
                self._comment("4981000000000002", "已下单，期待", ago(hours=5), "1002", "阿杰"),
            ],
            "4980000000000001": [
                self._comment("4981000000000001", "质量太差了", ago(days=2), "1003", "老王"),
            ],
        }
        self.state = {
            # error_code answered once on the next API call
            "fail_next": [],
            # path -> error_code answered every time on that path
            "fail_paths": {},
            # path -> error_code answered once, the next time that path is asked
            "fail_once": {},
            # the stored token is expired: answer 21327 until a refresh
            "token_expired": False,
            # error_code the refresh endpoint answers
            "refresh_error": None,
            # HTTP status answered to every API call, before doing anything
            "http_error": None,
            # path -> HTTP status answered AFTER the request was carried out
            "http_error_after": {},
            # paths whose request is carried out, then the connection dropped unanswered
            "drop_after": set(),
            # path -> seconds to wait after carrying the request out
            "slow": {},
            "replies": [],
            # the text of every error answer, when a test wants a particular one
            "error_text": "",
        }

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"

    @property
    def api_url(self) -> str:
        return f"{self.url}/2"

    def paths(self) -> list[str]:
        return [call[1] for call in self.calls]

    @staticmethod
    def _status(status_id, text, when, *, reposts=0, comments=0, attitudes=0) -> dict:
        return {
            "created_at": when, "id": int(status_id), "idstr": status_id, "mid": status_id,
            "text": text, "source": "<a href=\"https://weibo.com\">微博 weibo.com</a>",
            "reposts_count": reposts, "comments_count": comments, "attitudes_count": attitudes,
            "user": {"id": int(UID), "idstr": UID, "screen_name": "品牌官方微博"},
        }

    @staticmethod
    def _comment(comment_id, text, when, user_id, nickname) -> dict:
        return {
            "created_at": when, "id": int(comment_id), "idstr": comment_id, "mid": comment_id,
            "text": text, "source": "微博 weibo.com",
            "user": {"id": int(user_id), "idstr": user_id, "screen_name": nickname},
        }


class Dropped(Exception):
    """The handler closes the connection without an answer."""


class Handler(BaseHTTPRequestHandler):
    server: FakeWeibo

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
            payload, status = {"error": "gateway timeout"}, state["http_error_after"][path]
        body = json.dumps(payload, ensure_ascii=False).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json;charset=UTF-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def _error(self, code: int, message: str, path: str) -> None:
        status = ERROR_STATUS.get(code, 400)
        message = self.server.state["error_text"] or message
        self._send({"error": message, "error_code": code, "request": path}, status=status)

    def do_GET(self):
        self._guarded("GET")

    def do_POST(self):
        self._guarded("POST")

    def _guarded(self, method: str) -> None:
        # A dropped answer writes nothing: the client sees the connection closed.
        with contextlib.suppress(Dropped):
            self._handle(method)

    def _handle(self, method: str) -> None:
        url = urlparse(self.path)
        params = {k: v[0] for k, v in parse_qs(url.query).items()}
        if method == "POST":
            length = int(self.headers.get("Content-Length") or 0)
            params.update(
                {k: v[0] for k, v in parse_qs(self.rfile.read(length).decode()).items()}
            )
        server = self.server
        auth = self.headers.get("Authorization", "")
        server.calls.append((method, url.path, params, auth))
        state = server.state

        if url.path == "/oauth2/access_token":
            return self._refresh(params)
        if url.path == "/oauth2/get_token_info":
            if params.get("access_token") != server.valid_token:
                return self._error(21332, "invalid_access_token", url.path)
            return self._send({"uid": int(UID), "appkey": APP_KEY, "scope": "",
                               "create_at": int(time.time()) - 3600, "expire_in": 157679999})
        if not url.path.startswith("/2/"):
            return self._error(10021, "HTTP method is not suported for this request", url.path)
        if state["http_error"]:
            return self._send({"error": "busy"}, status=state["http_error"])
        if "access_token" in params:
            # The connector must never put the token in a URL or a body.
            return self._error(10008, "access_token belongs in the header", url.path)
        if not auth.startswith("OAuth2 ") or auth[7:] != server.valid_token:
            return self._error(21332, "invalid_access_token", url.path)
        if state["token_expired"]:
            return self._error(21327, "expired_token", url.path)
        if url.path in state["fail_paths"]:
            code = state["fail_paths"][url.path]
            return self._error(code, f"error {code}", url.path)
        if url.path in state["fail_once"]:
            code = state["fail_once"].pop(url.path)
            return self._error(code, f"error {code}", url.path)
        if state["fail_next"]:
            code = state["fail_next"].pop(0)
            return self._error(code, f"error {code}", url.path)
        handler = ROUTES.get((method, url.path))
        if handler is None:
            return self._error(10014, "Insufficient app permissions", url.path)
        return handler(self, params)

    def _refresh(self, params: dict) -> None:
        server = self.server
        if server.state["refresh_error"]:
            code = server.state["refresh_error"]
            return self._error(code, "invalid_grant", "/oauth2/access_token")
        if (
            params.get("grant_type") != "refresh_token"
            or params.get("client_id") != APP_KEY
            or params.get("client_secret") != APP_SECRET
            or params.get("refresh_token") != REFRESH_TOKEN
        ):
            return self._error(21325, "invalid_grant", "/oauth2/access_token")
        server.valid_token = f"{ACCESS_TOKEN}-renewed"
        server.state["token_expired"] = False
        return self._send({"access_token": server.valid_token, "expires_in": 157679999,
                           "remind_in": "157679999", "uid": UID})

    # -- API ---------------------------------------------------------------------
    def get_uid(self, params: dict) -> None:
        return self._send({"uid": int(UID)})

    def share(self, params: dict) -> None:
        server = self.server
        text = params.get("status", "")
        if not text:
            return self._error(10016, "Miss required parameter (status)", "/2/statuses/share.json")
        if any(s["text"] == text for s in server.statuses[:5]):
            return self._error(20019, "Repeat content!", "/2/statuses/share.json")
        status_id = str(server.next_id)
        server.next_id += 1
        status = server._status(status_id, text, ago(seconds=0))
        server.statuses.insert(0, status)
        return self._send(status)

    def user_timeline(self, params: dict) -> None:
        count = int(params.get("count", 20))
        if count > 100:
            return self._error(10017, "Parameter (count)'s value invalid", "/2/statuses/user_timeline.json")
        page = int(params.get("page", 1))
        statuses = self.server.statuses[(page - 1) * count: page * count]
        return self._send({"statuses": statuses, "previous_cursor": 0, "next_cursor": 0,
                           "total_number": len(self.server.statuses)})

    def comments_show(self, params: dict) -> None:
        count = int(params.get("count", 50))
        if count > 200:
            return self._error(10017, "Parameter (count)'s value invalid", "/2/comments/show.json")
        comments = self.server.comments.get(params.get("id", ""), [])
        page = int(params.get("page", 1))
        return self._send({"comments": comments[(page - 1) * count: page * count],
                           "previous_cursor": 0, "next_cursor": 0,
                           "total_number": len(comments)})

    def comments_reply(self, params: dict) -> None:
        server = self.server
        comments = server.comments.get(params.get("id", ""), [])
        if not any(c["idstr"] == params.get("cid") for c in comments):
            return self._error(20101, "Target weibo does not exist!", "/2/comments/reply.json")
        server.state["replies"].append(params)
        reply_id = str(server.next_id)
        server.next_id += 1
        return self._send(server._comment(reply_id, params["comment"], ago(seconds=0), UID,
                                          "品牌官方微博"))


ROUTES = {
    ("GET", "/2/account/get_uid.json"): Handler.get_uid,
    ("POST", "/2/statuses/share.json"): Handler.share,
    ("GET", "/2/statuses/user_timeline.json"): Handler.user_timeline,
    ("GET", "/2/comments/show.json"): Handler.comments_show,
    ("POST", "/2/comments/reply.json"): Handler.comments_reply,
}


def start() -> FakeWeibo:
    server = FakeWeibo()
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server

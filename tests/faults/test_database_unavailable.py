"""The database goes away: pages answer a translated 503 page, the API a JSON 503.

A separate process runs the production request path (DEBUG off, the real
middleware) against a database that cannot be reached, and sends requests that
must read it: a page with a session cookie (the session is loaded from the
database) and an API call with a token (looked up in the database).
"""

import json
import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest
from django.utils import translation

ROOT = Path(__file__).resolve().parents[2]

CLIENT = """
import json, sys
import django
django.setup()
from django.test import Client
client = Client(raise_request_exception=False, HTTP_ACCEPT_LANGUAGE=sys.argv[1])
client.cookies["sessionid"] = "a" * 32
page = client.get("/campaigns/")
api = client.get("/api/v1/campaigns/", HTTP_AUTHORIZATION="Token " + "b" * 40)
print(json.dumps({
    "page": [page.status_code, page.get("Retry-After"), page.content.decode()],
    "api": [api.status_code, api.get("Retry-After"), api["Content-Type"], api.content.decode()],
}))
"""


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _unreachable_databases(tmp_path: Path) -> list:
    urls = [pytest.param(f"sqlite:///{tmp_path}/missing-folder/db.sqlite3", id="sqlite")]
    try:
        import psycopg2  # noqa: F401
    except ImportError:
        return urls
    return [*urls, pytest.param(
        f"postgres://campaignops@127.0.0.1:{_closed_port()}/campaignops", id="postgresql"
    )]


def _answers(database_url: str, language: str, tmp_path: Path) -> dict:
    env = {
        **os.environ, "DJANGO_SETTINGS_MODULE": "config.settings", "EMBEDDED": "true",
        "DEBUG": "false", "VAR_DIR": str(tmp_path / "var"), "DATABASE_URL": database_url,
        "ALLOWED_HOSTS": "testserver", "LOG_LEVEL": "CRITICAL",
    }
    env.pop("REDIS_URL", None)
    done = subprocess.run(
        [sys.executable, "-c", CLIENT, language], cwd=ROOT, env=env,
        capture_output=True, text=True, timeout=120,
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


@pytest.mark.parametrize("kind", ["sqlite", "postgresql"])
def test_a_lost_database_answers_503_not_a_stack_trace(kind, tmp_path):
    urls = {param.id: param.values[0] for param in _unreachable_databases(tmp_path)}
    if kind not in urls:
        pytest.skip("psycopg2 is not installed")

    answers = _answers(urls[kind], "en", tmp_path)

    status, retry_after, body = answers["page"]
    assert (status, retry_after) == (503, "30")
    assert "<h1>The service is briefly unavailable</h1>" in body
    assert "The database cannot be reached right now. Please try again in a moment." in body
    assert "Traceback" not in body
    assert "OperationalError" not in body
    status, retry_after, content_type, body = answers["api"]
    assert (status, retry_after, content_type) == (503, "30", "application/json")
    assert json.loads(body) == {
        "detail": "The service is briefly unavailable. Please try again in a moment."
    }


def test_the_503_page_speaks_the_readers_language(tmp_path):
    answers = _answers(f"sqlite:///{tmp_path}/missing-folder/db.sqlite3", "zh-hans", tmp_path)

    with translation.override("zh-hans"):
        heading = translation.gettext("The service is briefly unavailable")
        detail = translation.gettext(
            "The service is briefly unavailable. Please try again in a moment."
        )
    status, _retry, body = answers["page"]
    assert status == 503
    assert '<html lang="zh-hans">' in body
    assert f"<h1>{heading}</h1>" in body
    assert json.loads(answers["api"][3]) == {"detail": detail}

import json

import pytest

from config import health

pytestmark = pytest.mark.django_db


def test_healthz_answers_without_login(client):
    response = client.get("/healthz")

    assert response.status_code == 200
    assert response.content == b"ok"


def test_readyz_reports_each_dependency(client):
    response = client.get("/readyz")

    body = json.loads(response.content)
    assert response.status_code == 200
    assert body["ready"] is True
    assert set(body["checks"]) == {"database", "broker", "cache"}
    assert all(check["ok"] for check in body["checks"].values())


def test_readyz_is_503_when_a_dependency_is_down(client, monkeypatch):
    def broken_broker():
        raise ConnectionRefusedError("broker refused the connection")

    monkeypatch.setitem(health.CHECKS, "broker", broken_broker)

    response = client.get("/readyz")

    body = json.loads(response.content)
    assert response.status_code == 503
    assert body["ready"] is False
    assert body["checks"]["broker"] == {"ok": False, "error": "broker refused the connection"}
    assert body["checks"]["database"]["ok"] is True

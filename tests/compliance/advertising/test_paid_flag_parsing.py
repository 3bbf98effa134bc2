"""The ``is_paid_promotion`` flag is parsed by one function for the command line and the API:
"false" is false and an unclear value is a field error, never a truthy guess (S3.1.1)."""

import io
import json

import pytest
from django.core.management import call_command

pytestmark = pytest.mark.django_db


URL = "/api/v1/compliance/check/"


def _run(tmp_path, data: bytes):
    source = tmp_path / "posts.jsonl"
    source.write_bytes(data)
    out, err = io.StringIO(), io.StringIO()
    call_command("check_content", "--jsonl", str(source), stdout=out, stderr=err)
    return [json.loads(line) for line in out.getvalue().splitlines()], err.getvalue()


def _line(obj) -> bytes:
    return json.dumps(obj, ensure_ascii=False).encode("utf-8")


PAID_VALUES = [
    (True, True), (False, False), ("true", True), ("false", False), ("1", True), ("0", False),
    ("TRUE", True), (1, True), (0, False), (None, False),
]


@pytest.mark.parametrize(("value", "paid"), PAID_VALUES)
def test_command_parses_the_paid_flag_like_the_api(tmp_path, value, paid):
    results, _err = _run(tmp_path, _line({"text": "亲测好用", "is_paid_promotion": value}) + b"\n")

    assert ("ID-01" in [f["rule"] for f in results[0]["findings"]]) is paid


@pytest.mark.parametrize("value", ["yes please", "maybe", 2, [1], {"a": 1}])
def test_command_rejects_an_unclear_paid_flag(tmp_path, value):
    results, _err = _run(tmp_path, _line({"text": "亲测好用", "is_paid_promotion": value}) + b"\n")

    assert "is_paid_promotion" in results[0]["error"]


@pytest.mark.parametrize(("value", "paid"), PAID_VALUES)
def test_api_parses_the_paid_flag(users, api_as, value, paid):
    response = api_as(users["marketer"]).post(
        URL, {"text": "亲测好用", "is_paid_promotion": value}, format="json"
    )

    assert response.status_code == 200
    assert ("ID-01" in [f["rule"] for f in response.json()["findings"]]) is paid


@pytest.mark.parametrize("value", ["maybe", 2])
def test_api_rejects_an_unclear_paid_flag(users, api_as, value):
    response = api_as(users["marketer"]).post(
        URL, {"text": "亲测好用", "is_paid_promotion": value}, format="json"
    )

    assert response.status_code == 400
    assert "is_paid_promotion" in response.json()

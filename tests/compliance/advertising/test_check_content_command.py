"""``manage.py check_content --jsonl``: each line is decoded and answered on its own (S3.1.1)."""

import io
import json

import pytest
from django.core.management import call_command

pytestmark = pytest.mark.django_db


def _run(tmp_path, data: bytes):
    source = tmp_path / "posts.jsonl"
    source.write_bytes(data)
    out, err = io.StringIO(), io.StringIO()
    call_command("check_content", "--jsonl", str(source), stdout=out, stderr=err)
    return [json.loads(line) for line in out.getvalue().splitlines()], err.getvalue()


def _line(obj) -> bytes:
    return json.dumps(obj, ensure_ascii=False).encode("utf-8")


def test_each_line_is_decoded_on_its_own(tmp_path):
    data = b"\n".join([
        b"\xef\xbb\xbf" + _line({"text": "最近上新了第一批秋装"}),  # BOM
        _line({"text": "全网最低价"}),
        "{\"text\": \"全网最低价\"}".encode("gbk"),  # not UTF-8
        b"",  # blank
        b"   ",  # blank too
        _line({"text": "顶级面霜"}),
    ]) + b"\n"

    results, err = _run(tmp_path, data)

    assert [r["line"] for r in results] == [1, 2, 3, 4, 5, 6]
    assert results[0]["passed"] is True
    assert results[0]["findings"] == []
    assert [f["rule"] for f in results[1]["findings"]] == ["AB-01"]
    assert "UTF-8" in results[2]["error"]
    assert results[3] == {"line": 4, "error": "blank line"}
    assert results[4] == {"line": 5, "error": "blank line"}
    assert [f["rule"] for f in results[5]["findings"]] == ["AB-02"]
    assert "3 line(s)" in err

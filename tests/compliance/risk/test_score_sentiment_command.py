"""``manage.py score_sentiment --jsonl``: one answer per input line, whatever the line holds."""

import json
from io import StringIO

from django.core.management import call_command


def _run_command(path) -> list[dict]:
    out = StringIO()
    call_command("score_sentiment", "--jsonl", str(path), stdout=out, stderr=StringIO())
    return [json.loads(line) for line in out.getvalue().splitlines()]

def test_score_sentiment_survives_bad_bytes_and_blank_lines(tmp_path):
    src = tmp_path / "in.jsonl"
    src.write_bytes(
        b'\xef\xbb\xbf{"text": "\xe5\xa4\xaa\xe5\xb7\xae\xe4\xba\x86\xef\xbc\x8c\xe4\xb8\x8d'
        b'\xe6\xbb\xa1\xe6\x84\x8f"}\n'                      # BOM + 太差了，不满意
        b'{"text": "bad \xff byte"}\n'                       # not UTF-8
        b"\n"                                                 # blank
        b"   \r\n"                                            # blank with CRLF
        + '{"text": "很好用，推荐"}\r\n'.encode()
        + b"not json\n"
        + '{"text": "请问什么时候发货"}'.encode()                # no final newline
    )
    lines = _run_command(src)
    assert len(lines) == 7  # aligned line-for-line with the input
    assert lines[0]["label"] == "negative"
    assert set(lines[0]) == {"score", "label"}
    assert lines[1]["line"] == 2
    assert "UTF-8" in lines[1]["error"]
    assert lines[2]["line"] == 3
    assert lines[2]["error"]
    assert lines[3]["line"] == 4
    assert lines[3]["error"]
    assert lines[4]["label"] == "positive"
    assert lines[5]["line"] == 6
    assert "JSON" in lines[5]["error"]
    assert lines[6]["label"] != "negative"

def test_score_sentiment_bom_only_at_start_is_tolerated(tmp_path):
    src = tmp_path / "bom.jsonl"
    src.write_text('{"text": "非常满意"}\n', encoding="utf-8-sig")
    assert _run_command(src)[0]["label"] == "positive"

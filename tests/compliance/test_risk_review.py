"""Regression tests for the review of risk and privacy (issue 5, items 5 and 7).

Non-numeric ids are 404s, not 500s; ``score_sentiment --jsonl`` survives bad bytes and
blank lines; subject identifiers are masked whatever their form and cannot be probed;
stored timeline entries, platforms and data categories show in the reader's language.
"""

import datetime
import json
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import translation

from compliance.privacy.selectors import mask_email, mask_identifier, mask_subject_ref
from compliance.risk.models import IncidentUpdate
from compliance.risk.services import incident_open, incident_set_status, opinion_ingest
from tests.compliance.risk.factories import (
    ConsentRecordFactory,
    DataSubjectRequestFactory,
    EmergencyPlanFactory,
)

API = "/api/v1/compliance"
NOW = datetime.datetime(2026, 6, 1, 4, 0, tzinfo=datetime.UTC)
EMAIL = "zhang.san@example.com"


# --- 1. non-numeric ids -----------------------------------------------------------

@pytest.mark.parametrize(("method", "path"), [
    ("get", "/consents/abc/"),
    ("post", "/consents/abc/withdraw/"),
    ("post", "/consents/abc/correct/"),
    ("get", "/subject-requests/abc/"),
    ("post", "/subject-requests/abc/status/"),
    ("get", "/subject-requests/abc/export/"),
    ("get", "/incidents/abc/"),
    ("post", "/incidents/abc/updates/"),
    ("post", "/incidents/abc/status/"),
    ("post", "/incidents/abc/steps/"),
    ("get", "/emergency-plans/abc/"),
    ("get", "/drills/abc/"),
    ("post", "/drills/abc/run/"),
    ("get", "/incidents/1.5/"),
    ("get", "/consents/%20/"),
    ("get", "/consents/99999999999999999999/"),
    ("post", "/consents/99999999999999999999/withdraw/"),
    ("get", "/incidents/99999999999999999999/"),
    ("post", "/incidents/99999999999999999999/updates/"),
    ("get", "/subject-requests/99999999999999999999/export/"),
    ("get", "/drills/99999999999999999999/"),
])
def test_api_non_numeric_id_is_a_json_404(users, api_as, method, path):
    client = api_as(users["reviewer"])
    response = getattr(client, method)(API + path, {}, format="json")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("application/json")
    assert "detail" in response.json()


@pytest.mark.parametrize("getter", ["incident_get", "drill_get", "plan_get"])
def test_view_helper_turns_bad_ids_into_404(users, getter):
    from django.http import Http404

    from compliance.risk import selectors as selectors_risk
    from teams.doors import get_or_404

    with pytest.raises(Http404):
        get_or_404(getattr(selectors_risk, getter), users["reviewer"], "abc")


def test_ui_non_numeric_id_is_a_404_page(users, client_as):
    client = client_as(users["reviewer"])
    assert client.get("/compliance/incidents/abc/").status_code == 404
    assert client.post("/compliance/privacy/consents/abc/withdraw/").status_code == 404
    assert client.get("/compliance/privacy/requests/abc/export/").status_code == 404
    huge = 99999999999999999999
    assert client.get(f"/compliance/incidents/{huge}/").status_code == 404
    assert client.post(f"/compliance/incidents/{huge}/steps/{huge}/").status_code == 404
    assert client.post(f"/compliance/privacy/consents/{huge}/withdraw/").status_code == 404
    assert client.get(f"/compliance/privacy/requests/{huge}/export/").status_code == 404
    assert client.get(f"/compliance/plans/{huge}/").status_code == 404


def test_api_numeric_ids_still_work(team, users, api_as):
    record = ConsentRecordFactory(team=team)
    dsr = DataSubjectRequestFactory(team=team)
    client = api_as(users["reviewer"])
    assert client.get(f"{API}/consents/{record.pk}/").json()["id"] == record.pk
    assert client.get(f"{API}/subject-requests/{dsr.pk}/").json()["id"] == dsr.pk
    assert client.get(f"{API}/consents/{record.pk + 1000}/").status_code == 404


# --- 2. score_sentiment --jsonl -------------------------------------------------

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


# --- 3. masking and probing -------------------------------------------------------

def test_mask_subject_ref_forms():
    assert mask_subject_ref(EMAIL) == "z***@example.com"
    assert mask_email("a@b.cn") == "a***@b.cn"
    assert mask_subject_ref("13812345678") == "138****5678"
    assert mask_subject_ref("138-1234-5678") == "138****5678"
    assert mask_subject_ref("11010519491231002X") == "110105********002X"
    assert mask_subject_ref("member-1002") == "me*******02"
    assert mask_subject_ref("u-77") == "u**7"
    assert mask_subject_ref("m1") == "**"
    assert mask_identifier("") == ""
    assert mask_subject_ref("wxid_9f8e7d6c5b") == "wx***********5b"


@pytest.mark.parametrize(("role", "masked"), [
    ("admin", False), ("manager", False), ("reviewer", False),
    ("marketer", True), ("analyst", True),
])
def test_api_masks_email_subject_refs(team, users, api_as, role, masked):
    ConsentRecordFactory(team=team, subject_ref=EMAIL)
    DataSubjectRequestFactory(team=team, subject_ref=EMAIL)
    client = api_as(users[role])
    consent = client.get(f"{API}/consents/").json()["results"][0]
    dsr = client.get(f"{API}/subject-requests/").json()["results"][0]
    expected = "z***@example.com" if masked else EMAIL
    assert consent["subject_ref"] == expected
    assert dsr["subject_ref"] == expected


@pytest.mark.parametrize(("role", "masked"), [("reviewer", False), ("marketer", True),
                                              ("analyst", True)])
def test_ui_masks_email_subject_refs(team, users, client_as, role, masked):
    ConsentRecordFactory(team=team, subject_ref=EMAIL)
    DataSubjectRequestFactory(team=team, subject_ref="wang.wu@example.com")
    html = client_as(users[role]).get("/compliance/privacy/").content.decode()
    assert (EMAIL in html) is not masked
    assert ("wang.wu@example.com" in html) is not masked
    assert ("z***@example.com" in html) is masked
    assert ("w***@example.com" in html) is masked


@pytest.mark.parametrize("role", ["marketer", "analyst"])
def test_api_subject_filter_needs_privacy_capability(team, users, api_as, role):
    ConsentRecordFactory(team=team, subject_ref="13812345678")
    client = api_as(users[role])
    on_file = client.get(f"{API}/consents/", {"subject_ref": "13812345678"})
    not_on_file = client.get(f"{API}/consents/", {"subject_ref": "13900000000"})
    assert on_file.status_code == not_on_file.status_code == 403
    assert on_file.json() == not_on_file.json()


def test_api_subject_filter_works_with_privacy_capability(team, users, api_as):
    ConsentRecordFactory(team=team, subject_ref="13812345678")
    ConsentRecordFactory(team=team, subject_ref="someone-else")
    client = api_as(users["reviewer"])
    found = client.get(f"{API}/consents/", {"subject_ref": "13812345678"}).json()
    assert [r["subject_ref"] for r in found["results"]] == ["13812345678"]
    assert client.get(f"{API}/consents/", {"subject_ref": "139"}).json()["results"] == []


def test_subject_filter_does_not_reach_teams_without_the_capability(
        team, other_team, users, outsider, api_as):
    # The reviewer of ``team`` is not a member of ``other_team``: no lookup there.
    ConsentRecordFactory(team=other_team, subject_ref="13812345678")
    found = api_as(users["reviewer"]).get(f"{API}/consents/", {"subject_ref": "13812345678"})
    assert found.json()["results"] == []


@pytest.mark.parametrize("role", ["marketer", "analyst"])
def test_ui_subject_filter_is_ignored_without_capability(team, users, client_as, role):
    ConsentRecordFactory(team=team, subject_ref="13812345678", purpose="会员营销短信")
    ConsentRecordFactory(team=team, subject_ref="m-other", purpose="抽奖活动")
    client = client_as(users[role])
    on_file = client.get("/compliance/privacy/", {"subject": "13812345678"}).content.decode()
    not_on_file = client.get("/compliance/privacy/", {"subject": "13900000000"}).content.decode()
    # The same page either way: both records listed, masked, and no search box.
    for html in (on_file, not_on_file):
        assert "会员营销短信" in html
        assert "抽奖活动" in html
        assert 'name="subject"' not in html

    def table(html):
        return html.split('data-testid="consent-table"', 1)[1].split("</table>", 1)[0]

    assert table(on_file) == table(not_on_file)
    assert "13812345678" not in table(on_file)


def test_ui_subject_filter_works_for_reviewer(team, users, client_as):
    ConsentRecordFactory(team=team, subject_ref="13812345678", purpose="会员营销短信")
    ConsentRecordFactory(team=team, subject_ref="m-other", purpose="抽奖活动")
    html = client_as(users["reviewer"]).get(
        "/compliance/privacy/", {"subject": "13812345678"}).content.decode()
    assert "会员营销短信" in html
    assert "抽奖活动" not in html
    assert 'name="subject"' in html


# --- 4. reader's language -----------------------------------------------------------

def _spike(team):
    calm = [
        {"occurred_at": NOW - datetime.timedelta(hours=h), "score": 0.8, "label": "positive",
         "source": "weibo", "platform_code": "weibo", "external_id": f"calm-{h}-{i}"}
        for h in range(2, 100, 6) for i in range(5)
    ]
    negatives = [
        {"occurred_at": NOW - datetime.timedelta(minutes=5, seconds=i), "score": 0.05,
         "label": "negative", "source": "weibo", "platform_code": "weibo",
         "external_id": f"neg-{i}"}
        for i in range(8)
    ]
    opinion_ingest(actor=None, team=team, items=calm, now=NOW)
    _signals, incident = opinion_ingest(actor=None, team=team, items=negatives, now=NOW)
    assert incident is not None
    return incident


def test_spike_timeline_entry_is_stored_untranslated_and_shown_in_readers_language(team):
    incident = _spike(team)
    update = IncidentUpdate.objects.get(incident=incident)
    assert update.summary.startswith("Negative spike: %(negative)s of %(total)s")
    assert update.params["negative"] == 8
    with translation.override("en"):
        assert update.text.startswith("Negative spike: 8 of 8 interactions negative")
    with translation.override("zh-hans"):
        text = update.text
    assert "Negative spike" not in text
    assert "8" in text
    assert any("\u4e00" <= ch <= "\u9fff" for ch in text)


def test_spike_title_is_in_the_site_language_whoever_noticed_it(team):
    with translation.override("en"):
        incident = _spike(team)
    assert incident.title.startswith("负面")
    assert "spike" not in incident.title


def test_incident_timeline_page_in_chinese_and_api_in_english(team, users, client_as, api_as):
    incident = _spike(team)
    incident_set_status(actor=users["manager"], incident=incident, status="in_progress",
                        note="已联系平台")
    html = client_as(users["manager"]).get(
        f"/compliance/incidents/{incident.pk}/").content.decode()
    assert "Negative spike" not in html
    assert "Status:" not in html
    assert "已联系平台" in html
    assert "In progress" not in html
    detail = api_as(users["manager"]).get(
        f"{API}/incidents/{incident.pk}/", HTTP_ACCEPT_LANGUAGE="en").json()
    messages = [u["message"] for u in detail["updates"]]
    assert messages[0].startswith("Negative spike: 8 of 8")
    assert messages[1].startswith("Status: Open → In progress")
    assert messages[1].endswith("\n已联系平台")


def test_opened_entry_follows_reader_language(team, users):
    incident = incident_open(actor=users["manager"], team=team, title="账号被封",
                             incident_type="account_banned")
    update = incident.updates.get()
    with translation.override("en"):
        assert update.text == "Incident opened."
    with translation.override("zh-hans"):
        assert update.text != "Incident opened."


def test_incident_list_and_detail_show_platform_names(team, users, client_as):
    incident = _spike(team)
    client = client_as(users["manager"])
    html = client.get("/compliance/incidents/").content.decode()
    assert '<span data-field="source">微博</span>' in html
    assert ">weibo<" not in html
    detail = client.get(f"/compliance/incidents/{incident.pk}/").content.decode()
    assert '<span data-field="source">微博</span>' in detail
    english = client.get("/compliance/incidents/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert '<span data-field="source">Weibo</span>' in english


def test_incident_list_query_count_is_constant(team, users, client_as,
                                               django_assert_max_num_queries):
    EmergencyPlanFactory(team=team, incident_type="account_banned")
    for i in range(5):
        incident_open(actor=users["manager"], team=team, title=f"事件{i}",
                      incident_type="account_banned", source="weibo", platform_code="douyin")
    client = client_as(users["manager"])
    with django_assert_max_num_queries(15):
        html = client.get("/compliance/incidents/").content.decode()
    assert html.count('<span data-field="platform">抖音</span>') == 5


def test_privacy_ledger_shows_category_labels(team, users, client_as):
    ConsentRecordFactory(team=team, data_categories=["contact", "marketing"])
    html = client_as(users["reviewer"]).get("/compliance/privacy/").content.decode()
    cell = html.split('data-field="data_categories">', 1)[1].split("</td>", 1)[0]
    assert "contact" not in cell
    assert "marketing" not in cell
    assert any("\u4e00" <= ch <= "\u9fff" for ch in cell)


def test_filter_button_reads_shaixuan(team, users, client_as):
    client = client_as(users["reviewer"])
    for url in ("/compliance/incidents/", "/compliance/privacy/"):
        html = client.get(url).content.decode()
        assert "筛选" in html
        assert "过滤器" not in html

"""The checker's three doors: API, command line and the highlighted page (S3.1.1)."""

import io
import json

import pytest
from django.core.management import call_command
from django.urls import reverse

from compliance.advertising.models import ContentCheck, RuleSet
from tests.compliance.advertising.factories import PromotionFilingFactory, platform

pytestmark = pytest.mark.django_db

URL = "/api/v1/compliance/check/"
WECHAT_TEXT = "全网最低价，国家级品质，转发集赞送礼"


# --- API --------------------------------------------------------------------------

def test_api_check_returns_passed_and_findings_and_stores_the_run(users, team, api_as):
    response = api_as(users["marketer"]).post(
        URL, {"text": WECHAT_TEXT, "platform": "wechat_oa", "is_paid_promotion": False}, format="json"
    )

    assert response.status_code == 200
    body = response.json()
    assert body["passed"] is False
    assert [(f["rule"], f["start"], f["end"], f["severity"]) for f in body["findings"]] == [
        ("AB-01", 0, 5, "block"), ("AB-02", 6, 9, "block"), ("PL-01", 12, 16, "block"),
    ]
    assert set(body["findings"][0]) == {"rule", "category", "severity", "start", "end", "match", "message", "basis"}
    check = ContentCheck.objects.get(pk=body["id"])
    assert check.team == team
    assert check.ruleset_version == RuleSet.objects.get(name="default").version == body["ruleset_version"]
    assert check.platform.code == "wechat_oa"
    assert check.created_by == users["marketer"]


def test_api_clean_text_passes(users, api_as):
    body = api_as(users["analyst"]).post(URL, {"text": "最近上新了第一批秋装"}, format="json").json()

    assert body["passed"] is True
    assert body["findings"] == []


def test_api_messages_in_english_on_request(users, api_as):
    client = api_as(users["marketer"])
    body = client.post(URL, {"text": "顶级面霜"}, format="json", HTTP_ACCEPT_LANGUAGE="en").json()

    assert body["findings"][0]["message"] == "Absolute term (grade or top-level claim)"


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"text": ""}, "text"),
        ({"text": "   "}, "text"),
        ({}, "text"),
        ({"text": "好" * 50_001}, "text"),
        ({"text": "你好", "platform": "myspace"}, "platform"),
        ({"text": "你好", "is_paid_promotion": "maybe"}, "is_paid_promotion"),
    ],
)
def test_api_bad_input_is_a_400_with_the_field(users, api_as, payload, field):
    response = api_as(users["marketer"]).post(URL, payload, format="json")

    assert response.status_code == 400
    assert field in response.json()
    assert ContentCheck.objects.count() == 0


def test_api_unknown_platform_lists_the_known_codes(users, api_as):
    response = api_as(users["marketer"]).post(URL, {"text": "你好", "platform": "myspace"}, format="json")

    message = response.json()["platform"][0]
    assert "myspace" in message
    for code in ("wechat_oa", "weibo", "douyin", "xiaohongshu"):
        assert code in message


def test_api_text_of_exactly_50000_characters_is_accepted(users, api_as):
    response = api_as(users["marketer"]).post(URL, {"text": "好" * 50_000}, format="json")

    assert response.status_code == 200


def test_api_requires_login(api_client):
    assert api_client.post(URL, {"text": "你好"}, format="json").status_code == 401


def test_api_filing_of_another_team_is_rejected(users, api_as, other_team):
    filing = PromotionFilingFactory(team=other_team)

    response = api_as(users["marketer"]).post(
        URL, {"text": "广告｜合作", "platform": "weibo", "is_paid_promotion": True, "filing": filing.pk},
        format="json",
    )

    assert response.status_code == 400
    assert "filing" in response.json()


def test_api_paid_promotion_with_a_valid_filing_passes_disclosure(users, team, api_as):
    filing = PromotionFilingFactory(team=team, platform=platform("weibo"))

    body = api_as(users["marketer"]).post(
        URL, {"text": "广告｜品牌合作，新品上市", "platform": "weibo", "is_paid_promotion": True,
              "filing": filing.pk}, format="json",
    ).json()

    assert body["passed"] is True
    assert ContentCheck.objects.get(pk=body["id"]).filing == filing


def test_stored_checks_list_is_scoped_and_constant_in_queries(
    users, team, other_team, outsider, api_as, django_assert_max_num_queries
):
    client = api_as(users["marketer"])
    for _ in range(3):
        client.post(URL, {"text": WECHAT_TEXT, "platform": "wechat_oa"}, format="json")
    api_as(outsider).post(URL, {"text": "顶级面霜"}, format="json")

    with django_assert_max_num_queries(8):
        response = api_as(users["marketer"]).get("/api/v1/compliance/checks/")

    assert response.status_code == 200
    assert response.json()["count"] == 3
    foreign = ContentCheck.objects.get(team=other_team)
    assert api_as(users["marketer"]).get(f"/api/v1/compliance/checks/{foreign.pk}/").status_code == 404


def test_rules_endpoint_lists_the_active_rules(users, api_as):
    body = api_as(users["analyst"]).get("/api/v1/compliance/rules/PL-01/").json()

    assert body["code"] == "PL-01"
    assert set(body["platforms"]) == {"wechat_oa", "wechat_channels"}
    assert any(t["text"] == "集赞" for t in body["terms"])


# --- command line -------------------------------------------------------------------

def test_check_content_command_prints_one_result_per_line_in_order(tmp_path):
    lines = [
        json.dumps({"text": WECHAT_TEXT, "platform": "wechat_oa"}, ensure_ascii=False),
        "{not json",
        json.dumps({"text": "最近上新了第一批秋装"}, ensure_ascii=False),
        json.dumps({"text": "你好", "platform": "myspace"}),
        json.dumps({"text": "亲测好用", "is_paid_promotion": True}, ensure_ascii=False),
        json.dumps(["a list"]),
    ]
    source = tmp_path / "posts.jsonl"
    source.write_text("\n".join(lines) + "\n", encoding="utf-8")
    out, err = io.StringIO(), io.StringIO()

    call_command("check_content", "--jsonl", str(source), stdout=out, stderr=err)

    results = [json.loads(line) for line in out.getvalue().splitlines()]
    assert [r["line"] for r in results] == [1, 2, 3, 4, 5, 6]
    assert results[0]["passed"] is False
    assert [f["rule"] for f in results[0]["findings"]] == ["AB-01", "AB-02", "PL-01"]
    assert "invalid JSON" in results[1]["error"]
    assert results[2] == {**results[2], "passed": True, "findings": []}
    assert "platform" in results[3]["error"]
    assert [f["rule"] for f in results[4]["findings"]] == ["ID-01"]
    assert "error" in results[5]
    assert "3 line(s)" in err.getvalue()


# --- page -------------------------------------------------------------------------

def test_checker_page_highlights_each_finding_with_its_basis(users, client_as):
    client = client_as(users["reviewer"])
    assert client.get(reverse("advertising:checker")).status_code == 200

    response = client.post(
        reverse("advertising:checker"),
        {"text": WECHAT_TEXT, "platform": "wechat_oa"},
        HTTP_HX_REQUEST="true",
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert html.count('class="finding-mark') == 3
    assert "全网最低价<sup>1</sup></mark>" in html
    assert "《广告法》第九条第三项" in html
    assert "微信公众平台运营规范" in html
    assert ContentCheck.objects.filter(created_by=users["reviewer"]).count() == 1


def test_checker_page_escapes_pasted_html(users, client_as):
    response = client_as(users["marketer"]).post(
        reverse("advertising:checker"), {"text": "<script>alert(1)</script>顶级"}, HTTP_HX_REQUEST="true"
    )

    html = response.content.decode()
    assert "<script>alert(1)" not in html
    assert "&lt;script&gt;" in html


def test_checker_page_shows_errors_not_a_500(users, client_as):
    client = client_as(users["marketer"])

    empty = client.post(reverse("advertising:checker"), {"text": ""}, HTTP_HX_REQUEST="true")
    unknown = client.post(reverse("advertising:checker"), {"text": "你好", "platform": "myspace"})

    assert empty.status_code == 200
    assert 'data-testid="check-error"' in empty.content.decode()
    assert unknown.status_code == 200
    assert ContentCheck.objects.count() == 0


def test_check_list_page_is_scoped_and_constant_in_queries(
    users, client_as, outsider, api_as, django_assert_max_num_queries
):
    for _ in range(3):
        api_as(users["marketer"]).post(URL, {"text": "顶级面霜"}, format="json")
    api_as(outsider).post(URL, {"text": "开光貔貅"}, format="json")
    client = client_as(users["analyst"])

    with django_assert_max_num_queries(12):
        response = client.get(reverse("advertising:check_list"))

    html = response.content.decode()
    assert html.count("顶级面霜") == 3
    assert "开光貔貅" not in html

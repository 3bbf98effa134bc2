"""Platform names as people write them, through every door of the checker (S3.1.1).

Codes, Chinese and English names and common aliases are accepted; the API, the
command line and the page say which catalogue platform they understood.
"""

import io
import json
import re

import pytest
from django.core.management import call_command
from django.urls import reverse

from compliance.advertising import services
from compliance.advertising.models import ContentCheck

pytestmark = pytest.mark.django_db

URL = "/api/v1/compliance/check/"
ZH = {"HTTP_ACCEPT_LANGUAGE": "zh-hans"}

ALIASES = [
    ("wechat_oa", "wechat_oa"), ("wechat", "wechat_oa"), ("WeChat", "wechat_oa"),
    ("微信", "wechat_oa"), ("公众号", "wechat_oa"), ("微信公众号", "wechat_oa"),
    ("WeChat Official Account", "wechat_oa"), ("ＷｅＣｈａｔ", "wechat_oa"),
    ("视频号", "wechat_channels"), ("抖音", "douyin"), ("Douyin", "douyin"),
    ("小红书", "xiaohongshu"), ("xhs", "xiaohongshu"), ("微博", "weibo"), ("新浪微博", "weibo"),
    ("B站", "bilibili"), ("b站", "bilibili"), ("哔哩哔哩", "bilibili"), ("知乎", "zhihu"),
    ("淘宝", "taobao"), ("天猫", "taobao"), ("京东", "jd"), ("JD.com", "jd"),
    ("领英", "linkedin"), ("LinkedIn", "linkedin"), (" 抖音 ", "douyin"),
]


@pytest.mark.parametrize(("written", "code"), ALIASES)
def test_a_platform_is_found_by_code_name_or_alias(written, code):
    assert services.platform_resolve(written).code == code


@pytest.mark.parametrize("written", ["myspace", "微信支付宝", "", "   "])
def test_an_unknown_name_finds_no_platform(written):
    assert services.platform_resolve(written) is None


def test_api_accepts_an_alias_applies_its_rules_and_says_which_platform(users, api_as):
    response = api_as(users["marketer"]).post(
        URL, {"text": "转发集赞送礼", "platform": "微信"}, format="json", **ZH
    )

    assert response.status_code == 200
    body = response.json()
    assert body["platform"] == {"code": "wechat_oa", "name": "微信公众号"}
    assert [f["rule"] for f in body["findings"]] == ["PL-01"]
    assert ContentCheck.objects.get(pk=body["id"]).platform.code == "wechat_oa"


def test_api_says_no_platform_when_none_is_given(users, api_as):
    body = api_as(users["marketer"]).post(URL, {"text": "你好"}, format="json").json()

    assert body["platform"] is None


def test_api_names_the_platform_in_the_readers_language(users, api_as):
    body = api_as(users["marketer"]).post(
        URL, {"text": "你好", "platform": "B站"}, format="json", HTTP_ACCEPT_LANGUAGE="en"
    ).json()

    assert body["platform"] == {"code": "bilibili", "name": "Bilibili"}


def test_api_unknown_name_is_still_a_400_listing_the_codes(users, api_as):
    response = api_as(users["marketer"]).post(URL, {"text": "你好", "platform": "人人网"}, format="json")

    assert response.status_code == 400
    assert "人人网" in response.json()["platform"][0]
    assert "xiaohongshu" in response.json()["platform"][0]


def test_check_content_accepts_aliases_and_prints_the_platform(tmp_path):
    source = tmp_path / "posts.jsonl"
    source.write_text(
        "\n".join(json.dumps(row, ensure_ascii=False) for row in [
            {"text": "加vx领券", "platform": "小红书"},
            {"text": "加vx领券", "platform": "知乎"},
            {"text": "加vx领券"},
            {"text": "加vx领券", "platform": "人人网"},
        ]) + "\n",
        encoding="utf-8",
    )
    out = io.StringIO()

    call_command("check_content", "--jsonl", str(source), "--language", "zh-hans", stdout=out,
                 stderr=io.StringIO())

    results = [json.loads(line) for line in out.getvalue().splitlines()]
    assert results[0]["platform"] == {"code": "xiaohongshu", "name": "小红书"}
    assert [f["rule"] for f in results[0]["findings"]] == ["ID-03"]
    assert results[1]["platform"]["code"] == "zhihu"
    assert results[1]["findings"] == []
    assert results[2]["platform"] is None
    assert "platform" in results[3]["error"]


def test_checker_page_accepts_an_alias_and_says_which_platform(users, client_as):
    response = client_as(users["reviewer"]).post(
        reverse("advertising:checker"), {"text": "加vx领券", "platform": "小红书"},
        HTTP_HX_REQUEST="true", **ZH,
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert 'data-testid="check-platform"' in html
    assert "小红书 (xiaohongshu)" in html
    assert ContentCheck.objects.get().platform.code == "xiaohongshu"


def test_checker_page_says_when_no_platform_was_given(users, client_as):
    response = client_as(users["reviewer"]).post(
        reverse("advertising:checker"), {"text": "你好", "platform": ""}, HTTP_HX_REQUEST="true", **ZH
    )

    assert "平台专属规则未适用" in response.content.decode()


def test_checker_page_link_may_name_the_platform_as_people_write_it(users, client_as):
    response = client_as(users["reviewer"]).get(reverse("advertising:checker"), {"platform": "B站"})

    assert response.context["form"].initial["platform"] == "bilibili"
    assert re.search(r"<option value=\"bilibili\"[^>]*selected", response.content.decode())

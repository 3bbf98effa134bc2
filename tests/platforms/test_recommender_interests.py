"""The recommender reads interests as people write them (美妆, Makeup), suggests tags as
the user types, is throttled as CPU work, and answers a huge list with a clean page."""

import pytest
from django.core.cache import cache
from django.urls import reverse
from rest_framework.throttling import ScopedRateThrottle

from platforms.interests import interest_code, split_interests
from platforms.recommender import validate_audience

pytestmark = pytest.mark.django_db
ZH = {"HTTP_ACCEPT_LANGUAGE": "zh-hans"}


@pytest.mark.parametrize(("typed", "code"), [
    ("美妆", "beauty"), ("时尚", "fashion"), ("游戏", "gaming"), ("化妆品", "beauty"),
    ("Beauty", "beauty"), ("gaming", "gaming"), ("  电竞 ", "gaming"), ("邮票", "邮票"),
])
def test_a_typed_interest_is_read_as_the_catalogues_tag(typed, code):
    assert interest_code(typed) == code


def test_chinese_lists_split_at_any_comma():
    assert split_interests("美妆，时尚、游戏,music") == ["美妆", "时尚", "游戏", "music"]


def test_chinese_interests_match_the_platforms_tagged_with_them():
    audience, errors = validate_audience({"interests": "美妆，时尚"})

    assert errors == {}
    assert audience.interests == ("beauty", "fashion")


def test_the_page_ranks_with_chinese_interests_and_quotes_the_users_words(client_as, users):
    response = client_as(users["marketer"]).post(
        reverse("platforms:recommend"), {"interests": "美妆、时尚", "gender": "female"}, **ZH)

    assert response.status_code == 200
    first = response.context["ranking"][0]
    assert first.platform == "xiaohongshu"
    assert first.matched_interests == ["beauty", "fashion"]
    assert "美妆、时尚" in first.explanation


def test_the_api_understands_chinese_interests(api_as, users):
    response = api_as(users["analyst"]).post("/api/v1/platforms/recommend/", {
        "interests": ["游戏"], "content_format": "video"}, format="json", **ZH)

    ranking = response.json()["ranking"]
    assert {r["platform"] for r in ranking[:2]} == {"bilibili", "douyin"}
    assert "匹配的兴趣：游戏" in ranking[0]["explanation"]


def test_the_page_suggests_tags_in_the_readers_language(client_as, users):
    page = client_as(users["marketer"]).get(reverse("platforms:recommend"), **ZH)

    suggestions = [label for _code, label in page.context["interest_suggestions"]]
    html = page.content.decode()
    assert {"美妆", "时尚", "游戏"} <= set(suggestions)
    assert 'list="interest-suggestions"' in html
    assert '<option value="美妆">' in html
    assert '<option value="beauty">' not in html


def test_a_link_still_pre_fills_and_ranks(client_as, users):
    response = client_as(users["marketer"]).get(
        reverse("platforms:recommend") + "?interests=gaming&content_format=video")

    assert response.status_code == 200
    assert response.context["ranking"][0].platform in {"bilibili", "douyin"}


def test_20000_interests_give_a_clean_error_page_not_a_414(client_as, users):
    interests = ",".join(f"兴趣{i}" for i in range(20000))

    response = client_as(users["marketer"]).post(
        reverse("platforms:recommend"), {"interests": interests}, **ZH)

    assert response.status_code == 200
    assert response.context["form"].errors["interests"] == [
        "最多填写 30 个兴趣（当前 20000 个）。"
    ]
    assert response.context["ranking"] == []


def test_the_form_posts_so_a_long_list_never_goes_into_the_url(client_as, users):
    html = client_as(users["marketer"]).get(reverse("platforms:recommend")).content.decode()
    form = html.split('data-testid="recommend-form"')[0].rsplit("<form", 1)[1]

    assert 'method="post"' in form


@pytest.fixture
def two_per_minute(monkeypatch):
    monkeypatch.setattr(ScopedRateThrottle, "THROTTLE_RATES", {"cpu": "2/minute"})
    cache.clear()
    yield
    cache.clear()


def test_the_recommender_api_is_throttled_with_a_translated_429(two_per_minute, api_as, users):
    client = api_as(users["analyst"])
    answers = [client.post("/api/v1/platforms/recommend/", {"interests": ["美妆"]},
                           format="json", **ZH) for _ in range(3)]

    assert [a.status_code for a in answers] == [200, 200, 429]
    assert answers[2].json()["detail"].startswith("请求过于频繁，请在 ")
    assert client.get("/api/v1/platforms/", **ZH).status_code == 200  # reads are not throttled

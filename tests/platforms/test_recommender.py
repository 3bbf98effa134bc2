import pytest
from django.urls import reverse

from platforms.recommender import Audience, PlatformProfile, recommend, validate_audience
from platforms.selectors import recommend_platforms

pytestmark = pytest.mark.django_db


def top(data: dict, n: int) -> list[str]:
    ranking, errors = recommend_platforms(data)
    assert errors == {}
    return [r.platform for r in ranking[:n]]


# The spec's own cases (S2.2.1).
@pytest.mark.parametrize(
    "data",
    [
        {"age_bands": ["18-24"], "content_format": "video"},
        {"age_bands": ["18-24", "25-34"], "interests": ["gaming"], "content_format": "video"},
        {"age_bands": ["under-18", "18-24"], "content_format": "video", "paid_promotion": True},
    ],
)
def test_young_video_audience_puts_douyin_and_bilibili_on_top(data):
    assert set(top(data, 2)) == {"douyin", "bilibili"}


@pytest.mark.parametrize(
    "data",
    [
        {"business": "b2b"},
        {"age_bands": ["25-34", "35-44"], "interests": ["business"], "business": "b2b"},
        {"age_bands": ["25-34", "35-44"], "business": "b2b", "content_format": "video"},
        {"age_bands": ["25-34", "35-44"], "business": "b2b", "content_format": "video",
         "paid_promotion": True},
        {"age_bands": ["25-34", "35-44"], "interests": ["business"], "business": "b2b",
         "content_format": "image_text", "paid_promotion": True},
    ],
)
def test_business_audience_puts_linkedin_first(data):
    assert top(data, 1) == ["linkedin"]


@pytest.mark.parametrize(
    "data",
    [
        {"content_format": "image_text"},
        {"age_bands": ["25-34", "35-44"], "content_format": "image_text"},
        {"age_bands": ["18-24", "25-34"], "gender": "female", "interests": ["beauty"],
         "content_format": "image_text"},
    ],
)
def test_image_text_product_puts_wechat_oa_and_xiaohongshu_in_top_three(data):
    assert {"wechat_oa", "xiaohongshu"} <= set(top(data, 3))


def test_paid_promotion_favours_flexible_ad_policies():
    ranking, _ = recommend_platforms({"content_format": "image_text", "paid_promotion": True})
    policy = {r.platform: r.factors["policy"] for r in ranking}
    assert policy["douyin"] == 1.0
    assert policy["linkedin"] == policy["wechat_oa"] < policy["weibo"]
    ranking, _ = recommend_platforms({"content_format": "image_text", "paid_promotion": False})
    assert {r.factors["policy"] for r in ranking} == {1.0}


def _profile(code, video, age_share):
    return PlatformProfile(
        code=code, name=code, audience_age={"18-24": age_share}, female_share=0.5,
        interest_tags=(), business_fit={"b2c": 1.0}, format_fit={"video": video},
        ad_flexibility="high",
    )


def test_weights_are_configurable():
    video_strong = _profile("a", video=1.0, age_share=0.1)
    audience_strong = _profile("b", video=0.1, age_share=0.9)
    audience = Audience(age_bands=("18-24",), content_format="video")
    by_format = recommend([video_strong, audience_strong], audience,
                          {"audience": 0.1, "format": 0.9, "policy": 0})
    by_audience = recommend([video_strong, audience_strong], audience,
                            {"audience": 0.9, "format": 0.1, "policy": 0})
    assert [r.platform for r in by_format] == ["a", "b"]
    assert [r.platform for r in by_audience] == ["b", "a"]


def test_settings_weights_are_used(settings):
    settings.RECOMMENDER_WEIGHTS = {"audience": 0, "format": 1, "policy": 0}
    ranking, _ = recommend_platforms({"content_format": "video"})
    assert ranking[0].score == ranking[0].factors["format"] == 1.0
    assert ranking[0].platform == "douyin"


def test_scores_are_between_zero_and_one_and_sorted():
    ranking, _ = recommend_platforms({"age_bands": ["55+"], "gender": "male"})
    assert len(ranking) == 10
    # The campaign's own website has no audience profile: nothing to rank it by.
    assert "website" not in {r.platform for r in ranking}
    scores = [r.score for r in ranking]
    assert scores == sorted(scores, reverse=True)
    assert all(0 <= s <= 1 for s in scores)
    assert all(0 <= v <= 1 for r in ranking for v in r.factors.values())


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"age_bands": ["18-99"]}, "age_bands"),
        ({"gender": "other"}, "gender"),
        ({"content_format": "podcast"}, "content_format"),
        ({"business": "b2g"}, "business"),
    ],
)
def test_unknown_values_are_field_errors(data, field):
    audience, errors = validate_audience(data)
    assert audience is None
    assert list(errors) == [field]


def test_api_returns_ranking_in_the_documented_shape(api_as, users):
    response = api_as(users["analyst"]).post(
        "/api/v1/platforms/recommend/",
        {"age_bands": ["18-24", "25-34"], "gender": "any", "interests": ["gaming"],
         "content_format": "video", "business": "b2c", "paid_promotion": False},
        format="json",
    )
    assert response.status_code == 200
    ranking = response.json()["ranking"]
    assert [r["platform"] for r in ranking[:2]] == ["douyin", "bilibili"]
    first = ranking[0]
    assert set(first) == {"platform", "score", "factors", "explanation"}
    assert set(first["factors"]) == {"audience", "format", "policy"}
    assert 0 <= first["score"] <= 1
    assert "gaming" in first["explanation"]


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"age_bands": ["teens"]}, "age_bands"),
        ({"gender": "x"}, "gender"),
        ({"content_format": "audio"}, "content_format"),
        ({"business": "gov"}, "business"),
    ],
)
def test_api_rejects_unknown_values_with_field_errors(api_as, users, payload, field):
    response = api_as(users["marketer"]).post(
        "/api/v1/platforms/recommend/", payload, format="json"
    )
    assert response.status_code == 400
    assert field in response.json()


def test_api_requires_login(api_client):
    assert api_client.post("/api/v1/platforms/recommend/", {}, format="json").status_code == 401


def test_form_prefills_from_campaign_link_and_ranks(client_as, users):
    url = reverse("platforms:recommend")
    response = client_as(users["marketer"]).get(
        url + "?age_bands=18-24&age_bands=25-34&gender=any&interests=gaming,anime"
        "&content_format=video&business=b2c&paid_promotion=false"
    )
    assert response.status_code == 200
    form = response.context["form"]
    assert form.cleaned_data["age_bands"] == ["18-24", "25-34"]
    assert form.cleaned_data["interests"] == "gaming, anime"
    assert form.cleaned_data["paid_promotion"] is False
    ranking = response.context["ranking"]
    assert [r.platform for r in ranking[:2]] in (["douyin", "bilibili"], ["bilibili", "douyin"])
    assert 'value="18-24"' in response.content.decode()
    assert ranking[0].explanation in response.content.decode()


def test_form_accepts_repeated_interests(client_as, users):
    response = client_as(users["marketer"]).get(
        reverse("platforms:recommend") + "?interests=gaming&interests=anime&content_format=video"
    )
    assert response.context["form"].to_input()["interests"] == ["gaming", "anime"]


def test_form_link_with_only_age_bands_uses_defaults(client_as, users):
    response = client_as(users["marketer"]).get(reverse("platforms:recommend") + "?age_bands=18-24")
    assert response.context["form"].errors == {}
    assert len(response.context["ranking"]) == 10


def test_form_shows_errors_for_bad_input_not_500(client_as, users):
    response = client_as(users["marketer"]).get(
        reverse("platforms:recommend") + "?age_bands=nope&gender=robot"
    )
    assert response.status_code == 200
    assert response.context["ranking"] == []
    assert set(response.context["form"].errors) == {"age_bands", "gender"}


def test_recommend_query_round_trips_through_the_form(client_as, users):
    from platforms.recommender import recommend_query

    query = recommend_query(age_bands=["18-24"], interests=["gaming", "anime"],
                            content_format="video", business="b2c", paid_promotion=True)
    response = client_as(users["marketer"]).get(reverse("platforms:recommend") + "?" + query)
    data = response.context["form"].to_input()
    assert data["age_bands"] == ["18-24"]
    assert data["interests"] == ["gaming", "anime"]
    assert data["paid_promotion"] is True
    assert data["content_format"] == "video"


# Business buyers → LinkedIn first in the ordinary cases, video included.
B2B_AGES = ([], ["25-34", "35-44"], ["35-44", "45-54"], ["25-34"], ["18-24", "25-34"])


@pytest.mark.parametrize("content_format", ["video", "image_text"])
@pytest.mark.parametrize("paid_promotion", [False, True])
@pytest.mark.parametrize("age_bands", B2B_AGES)
@pytest.mark.parametrize("gender", ["any", "male", "female"])
@pytest.mark.parametrize("interests", [[], ["business"], ["finance"]])
def test_b2b_puts_linkedin_first_whatever_the_format_promotion_and_ages(
    content_format, paid_promotion, age_bands, gender, interests
):
    data = {
        "business": "b2b", "content_format": content_format, "paid_promotion": paid_promotion,
        "age_bands": age_bands, "gender": gender, "interests": interests,
    }
    ranking, errors = recommend_platforms(data)
    assert errors == {}
    assert ranking[0].platform == "linkedin"
    assert ranking[0].score > ranking[1].score


def test_b2b_video_for_older_buyers_beats_channels():
    """B2B video: Channels must not edge out LinkedIn (0.865 vs 0.863)."""
    ranking, _ = recommend_platforms(
        {"age_bands": ["35-44", "45-54"], "content_format": "video", "business": "b2b"}
    )
    scores = {r.platform: r.score for r in ranking}
    assert ranking[0].platform == "linkedin"
    assert scores["linkedin"] - scores["wechat_channels"] >= 0.03


def test_business_fit_weighs_more_for_b2b_than_for_b2c():
    profile = PlatformProfile(
        code="x", name="X", audience_age={"25-34": 1.0}, female_share=0.5, interest_tags=(),
        business_fit={"b2b": 0.0, "b2c": 0.0}, format_fit={}, ad_flexibility="medium",
    )
    b2b = recommend([profile], Audience(age_bands=("25-34",), business="b2b"))[0]
    b2c = recommend([profile], Audience(age_bands=("25-34",), business="b2c"))[0]
    assert b2b.factors["audience"] < b2c.factors["audience"]

"""Regressions found walking the platform pages as a person would, in both languages."""

import pytest

pytestmark = pytest.mark.django_db


def test_recommender_labels_age_bands_not_codes(client_as, users, settings):
    settings.LANGUAGE_CODE = "zh-hans"
    html = client_as(users["analyst"]).get("/platforms/recommend/").content.decode()
    assert "18 岁以下" in html
    assert "55 岁及以上" in html
    assert ">under-18<" not in html
    # The submitted value stays the code the recommender and the API understand.
    assert 'value="under-18"' in html


def test_recommender_age_labels_in_english(client_as, users):
    client = client_as(users["analyst"])
    client.cookies["django_language"] = "en"
    html = client.get("/platforms/recommend/?age_bands=under-18").content.decode()
    assert "Under 18" in html
    assert "55 and over" in html
    assert ">under-18<" not in html


def test_platform_detail_labels_age_bands(client_as, users, settings):
    settings.LANGUAGE_CODE = "zh-hans"
    html = client_as(users["marketer"]).get("/platforms/douyin/").content.decode()
    assert "<td>18 岁以下</td>" in html
    assert "<td>55 岁及以上</td>" in html
    assert "<td>under-18</td>" not in html


def test_platform_detail_keeps_codes_in_context(client_as, users):
    response = client_as(users["marketer"]).get("/platforms/douyin/")
    assert [band for band, _share in response.context["ages"]][0] == "under-18"

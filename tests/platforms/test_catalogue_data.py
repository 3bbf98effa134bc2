"""Catalogue rows edited in admin (or around it) never break a page."""

import json
import logging

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.forms.models import model_to_dict
from django.urls import reverse

from platforms.models import Platform

from .factories import platform

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("audience_age", {"18-24": "lots"}),
        ("audience_age", {"18-24": 1.5}),
        ("audience_age", {"18-24": True}),
        ("audience_age", {"teens": 0.2}),
        ("audience_age", [0.1, 0.2]),
        ("format_fit", ["video"]),
        ("format_fit", {"video": -0.1}),
        ("format_fit", {"podcast": 0.5}),
        ("business_fit", {"b2b": "high"}),
        ("business_fit", {"b2g": 0.5}),
        ("content_formats", ["hologram"]),
        ("content_formats", "article"),
        ("required_documents", ["passport"]),
        ("interest_tags", "gaming"),
        ("interest_tags", [1, 2]),
        ("audience_female_share", 1.5),
    ],
)
def test_clean_refuses_unusable_catalogue_data_with_a_field_error(field, value):
    row = platform("zhihu")
    setattr(row, field, value)
    with pytest.raises(ValidationError) as info:
        row.full_clean()
    assert list(info.value.message_dict) == [field]


def test_clean_accepts_the_shipped_catalogue():
    for row in Platform.objects.all():
        row.full_clean()


def _admin_post_data(row: Platform) -> dict:
    data = {}
    for name, value in model_to_dict(row).items():
        if isinstance(value, dict | list):
            data[name] = json.dumps(value)
        elif isinstance(value, bool):
            if value:
                data[name] = "on"
        else:
            data[name] = "" if value is None else str(value)
    return data


def test_admin_shows_field_errors_and_saves_nothing(client):
    root = get_user_model().objects.create_superuser("root", "root@example.com", "pw")
    client.force_login(root)
    row = platform("zhihu")
    before = (row.audience_age, row.format_fit)
    data = _admin_post_data(row)
    data["audience_age"] = '{"18-24": "lots"}'
    data["format_fit"] = '["video"]'
    url = reverse("admin:platforms_platform_change", args=[row.pk])
    response = client.post(url, data)
    assert response.status_code == 200  # the form again, with errors
    errors = response.context["adminform"].form.errors
    assert set(errors) == {"audience_age", "format_fit"}
    row.refresh_from_db()
    assert (row.audience_age, row.format_fit) == before
    # A valid edit still saves.
    data = _admin_post_data(row)
    data["format_fit"] = json.dumps({"video": 0.9, "image_text": 0.5})
    assert client.post(url, data).status_code == 302
    row.refresh_from_db()
    assert row.format_fit == {"video": 0.9, "image_text": 0.5}


def _corrupt_zhihu():
    Platform.objects.filter(code="zhihu").update(
        audience_age={"18-24": "lots", "25-34": 0.4, "nope": 0.5},
        format_fit=["video"],
        business_fit="b2b",
        interest_tags={"a": 1},
        content_formats={"x": 1},
        required_documents=7,
    )


def test_a_bad_row_saved_around_admin_never_500s(client_as, api_as, users, caplog):
    _corrupt_zhihu()
    marketer = users["marketer"]
    with caplog.at_level(logging.WARNING, logger="campaignops.platforms"):
        page = client_as(marketer).get(
            reverse("platforms:recommend") + "?age_bands=18-24&content_format=video"
        )
    assert page.status_code == 200
    assert "zhihu" in caplog.text
    ranking = {r.platform: r for r in page.context["ranking"]}
    # The unusable values are skipped: the good band still counts, the rest is neutral.
    assert ranking["zhihu"].factors["format"] == 0.5
    api = api_as(marketer).post(
        "/api/v1/platforms/recommend/", {"age_bands": ["18-24", "25-34"]}, format="json"
    )
    assert api.status_code == 200
    # Every platform with an audience is ranked, the bad row too (the own website has none).
    assert len(api.json()["ranking"]) == Platform.objects.filter(is_active=True).exclude(
        code="website"
    ).count() == 10
    detail = client_as(marketer).get(reverse("platforms:detail", args=["zhihu"]))
    assert detail.status_code == 200
    assert dict(detail.context["ages"])["25-34"] == 40
    assert dict(detail.context["ages"])["18-24"] == 0
    assert client_as(marketer).get(reverse("platforms:catalogue")).status_code == 200
    assert api_as(marketer).get("/api/v1/platforms/zhihu/").status_code == 200


def test_tolerant_readers_skip_only_the_bad_values():
    _corrupt_zhihu()
    row = platform("zhihu")
    assert row.shares("audience_age") == {"25-34": 0.4}
    assert row.shares("format_fit") == {}
    assert row.shares("business_fit") == {}
    assert row.interest_tags_clean == ()
    assert row.get_content_formats_display() == []
    assert row.get_required_documents_display() == []

"""The content check is CPU work: callers are throttled with a translated 429. Stored check
texts mask e-mail addresses and ID-shaped numbers whatever their check digit (S3.1.3)."""

import pytest
from django.core.cache import cache
from django.urls import reverse
from rest_framework.throttling import ScopedRateThrottle

from compliance.advertising import services

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_per_minute(monkeypatch):
    monkeypatch.setattr(ScopedRateThrottle, "THROTTLE_RATES", {"cpu": "2/minute"})
    cache.clear()
    yield
    cache.clear()


def test_the_third_check_in_a_minute_is_429_in_the_callers_language(two_per_minute, api_as, users):
    client = api_as(users["marketer"])
    answers = [
        client.post("/api/v1/compliance/check/", {"text": "全网最低价"}, format="json",
                    HTTP_ACCEPT_LANGUAGE="zh-hans")
        for _ in range(3)
    ]

    assert [a.status_code for a in answers] == [200, 200, 429]
    assert answers[2].json()["detail"].startswith("请求过于频繁")
    assert int(answers[2]["Retry-After"]) > 0


# An e-mail address, and an ID-shaped number whose check digit is wrong (…1235, not …1236).
TEXT = "联系 zhang.wei@example.com，身份证330106199003071235"
MASKED = "联系 z********@example.com，身份证330106********1235"


@pytest.fixture
def stored_check(users, team):
    return services.content_check_run(actor=users["reviewer"], team=team, text=TEXT)


def test_the_api_masks_emails_and_mistyped_ids_for_a_marketer(api_as, users, stored_check):
    detail = api_as(users["marketer"]).get(f"/api/v1/compliance/checks/{stored_check.pk}/")

    assert detail.json()["text"] == MASKED


def test_the_page_masks_them_too_and_a_reviewer_sees_the_text(client_as, users, stored_check):
    url = reverse("advertising:check_detail", args=[stored_check.pk])

    marketer = client_as(users["marketer"]).get(url).content.decode()
    reviewer = client_as(users["reviewer"]).get(url).content.decode()

    assert "zhang.wei@" not in marketer
    assert "z********@example.com" in marketer
    assert "330106199003071235" not in marketer
    assert "zhang.wei@example.com" in reviewer
    stored_check.refresh_from_db()
    assert stored_check.text == TEXT

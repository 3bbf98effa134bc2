"""Sentiment scoring is CPU work: callers are throttled, with a translated 429."""

import pytest
from django.core.cache import cache
from rest_framework.throttling import ScopedRateThrottle

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_per_minute(monkeypatch):
    monkeypatch.setattr(ScopedRateThrottle, "THROTTLE_RATES", {"cpu": "2/minute"})
    cache.clear()
    yield
    cache.clear()


def test_the_third_call_in_a_minute_is_429_in_the_callers_language(
    two_per_minute, api_as, users
):
    client = api_as(users["analyst"])
    answers = [
        client.post("/api/v1/compliance/sentiment/", {"texts": ["很好"]}, format="json",
                    HTTP_ACCEPT_LANGUAGE="zh-hans")
        for _ in range(3)
    ]

    assert [a.status_code for a in answers] == [200, 200, 429]
    detail = answers[2].json()["detail"]
    assert detail.startswith("请求过于频繁")
    assert "Expected available" not in detail
    assert int(answers[2]["Retry-After"]) > 0

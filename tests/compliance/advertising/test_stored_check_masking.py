"""Stored checks show phones and ID numbers masked to viewers without ``privacy.view_personal``,
on the API and the pages; the live checker shows the user's own text (S3.1.3)."""

import re

import pytest
from django.urls import reverse

from compliance.advertising import services
from compliance.advertising.checker.masking import mask_personal

pytestmark = pytest.mark.django_db


PERSONAL_TEXT = "联系张经理13812345678，身份证330106199003071236，电话+86-139-1234-5678"
MASKED_TEXT = "联系张经理138****5678，身份证330106********1236，电话+86-139-****-5678"


@pytest.fixture
def stored_check(users, team):
    return services.content_check_run(actor=users["reviewer"], team=team, text=PERSONAL_TEXT)


def test_mask_personal_keeps_length_and_masks_phones_and_ids():
    assert mask_personal(PERSONAL_TEXT) == MASKED_TEXT
    assert mask_personal("订单号：SN13812345678") == "订单号：SN13812345678"
    assert mask_personal("手机１３８１２３４５６７８") == "手机１３８****５６７８"


@pytest.mark.parametrize(("role", "masked"), [
    ("marketer", True), ("analyst", True), ("reviewer", False), ("manager", False), ("admin", False),
])
def test_api_masks_stored_text_without_privacy_permission(users, api_as, stored_check, role, masked):
    client = api_as(users[role])

    detail = client.get(f"/api/v1/compliance/checks/{stored_check.pk}/").json()
    listed = client.get("/api/v1/compliance/checks/").json()

    expected = MASKED_TEXT if masked else PERSONAL_TEXT
    assert detail["text"] == expected
    rows = listed["results"] if isinstance(listed, dict) else listed
    assert [r["text"] for r in rows if r["id"] == stored_check.pk] == [expected]
    stored_check.refresh_from_db()
    assert stored_check.text == PERSONAL_TEXT  # masking is for display only


@pytest.mark.parametrize(("role", "masked"), [("marketer", True), ("reviewer", False)])
def test_pages_mask_stored_text_without_privacy_permission(users, client_as, stored_check, role, masked):
    client = client_as(users[role])
    detail = client.get(reverse("advertising:check_detail", args=[stored_check.pk])).content.decode()
    listing = client.get(reverse("advertising:check_list")).content.decode()

    shown = re.search(r'data-testid="checked-text">(.*?)</div>', detail, re.S).group(1)
    shown = re.sub(r"<sup>.*?</sup>|<[^>]+>", "", shown)
    assert shown == (MASKED_TEXT if masked else PERSONAL_TEXT)
    assert ("13812345678" in detail) is not masked
    assert ("330106199003071236" in detail) is not masked
    assert ("13812345678" in listing) is not masked


def test_live_checker_shows_the_users_own_text(users, client_as):
    response = client_as(users["marketer"]).post(
        reverse("advertising:checker"), {"text": PERSONAL_TEXT, "platform": ""}
    )

    page = response.content.decode()
    assert "13812345678" in page
    assert "PI-01" in page

"""Accounts: verification dates that make sense, texts refused rather than cut, and
activity lines that read as words, never as stored codes."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone, translation

from platforms import services
from platforms.models import PlatformAccount, VerificationStatus

from .factories import PlatformAccountFactory, platform, qualified_account

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english_messages():
    """Service messages below are read in English; pages choose their language per request."""
    with translation.override("en"):
        yield

ZH = {"HTTP_ACCEPT_LANGUAGE": "zh-hans"}
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}
TODAY = timezone.localdate()
VERIFIED_ON = TODAY + datetime.timedelta(days=30)
EARLIER_EXPIRY = TODAY + datetime.timedelta(days=10)
MESSAGE = (
    "The certification cannot expire before the day it was verified "
    f"({VERIFIED_ON.isoformat()})."
)


@pytest.fixture
def pending(team):
    return PlatformAccountFactory(team=team, verification_status=VerificationStatus.PENDING,
                                  verified_on=None, certification_expires_on=None)


# -- an account is not verified with an expiry before its verification date --------------


def test_the_service_refuses_an_expiry_before_the_verification_date(pending, users):
    with pytest.raises(ValidationError) as exc:
        services.account_set_verification(
            actor=users["manager"], account=pending, status=VerificationStatus.VERIFIED,
            verified_on=VERIFIED_ON, certification_expires_on=EARLIER_EXPIRY,
        )

    assert exc.value.message_dict == {"certification_expires_on": [MESSAGE]}
    pending.refresh_from_db()
    assert pending.verification_status == VerificationStatus.PENDING


def test_the_api_and_the_page_refuse_it_too(pending, users, api_as, client_as):
    data = {"verification_status": "verified", "verified_on": VERIFIED_ON.isoformat(),
            "certification_expires_on": EARLIER_EXPIRY.isoformat()}

    api = api_as(users["manager"]).post(
        f"/api/v1/platform-accounts/{pending.pk}/verification/", data, format="json", **EN)
    page = client_as(users["manager"]).post(
        reverse("platforms:account_verify", args=[pending.pk]), data, **EN)

    assert api.status_code == 400
    assert api.json() == {"certification_expires_on": [MESSAGE]}
    assert page.status_code == 400
    assert page.context["verification_form"].errors == {"certification_expires_on": [MESSAGE]}
    assert PlatformAccount.objects.get(pk=pending.pk).verification_status == "pending"


def test_an_expiry_on_or_after_the_verification_date_is_recorded(pending, users):
    services.account_set_verification(
        actor=users["manager"], account=pending, status=VerificationStatus.VERIFIED,
        verified_on=VERIFIED_ON, certification_expires_on=VERIFIED_ON,
    )

    pending.refresh_from_db()
    assert (pending.verified_on, pending.certification_expires_on) == (VERIFIED_ON, VERIFIED_ON)


# -- text longer than a field's limit is refused with the limit --------------------------


def test_a_long_handle_is_refused_on_the_page_with_the_limit_not_cut(client_as, users, team):
    response = client_as(users["marketer"]).post(reverse("platforms:account_create"), {
        "platform": "douyin", "handle": "h" * 5000, "connector": "sandbox"}, **EN)

    assert response.status_code == 200
    assert response.context["form"].errors["handle"] == [
        "Keep this to 120 characters (it has 5000)."
    ]
    assert not PlatformAccount.objects.exists()


def test_the_account_form_carries_no_maxlength_a_browser_would_cut_at(client_as, users, team):
    account = qualified_account(team)
    pages = [
        client_as(users["marketer"]).get(reverse("platforms:account_create")),
        client_as(users["marketer"]).get(reverse("platforms:account_edit", args=[account.pk])),
        client_as(users["marketer"]).get(reverse("platforms:account_detail", args=[account.pk])),
        client_as(users["marketer"]).get(reverse("platforms:recommend")),
    ]

    for page in pages:
        assert "maxlength" not in page.content.decode()


@pytest.mark.parametrize(("field", "limit"), [
    ("external_id", 120), ("enterprise_certificate_number", 80),
])
def test_the_service_refuses_long_account_texts(users, team, field, limit):
    with pytest.raises(ValidationError) as exc:
        services.account_create(actor=users["marketer"], team=team, platform=platform("douyin"),
                                handle="ok", **{field: "x" * (limit + 1)})

    assert exc.value.message_dict == {
        field: [f"Keep this to {limit} characters (it has {limit + 1})."]
    }


def test_a_long_document_number_and_verification_note_are_refused(team, users):
    account = qualified_account(team)
    with pytest.raises(ValidationError) as number:
        services.document_add(actor=None, account=account, kind="business_licence",
                              number="9" * 81, expires_on=TODAY + datetime.timedelta(days=9))
    with pytest.raises(ValidationError) as reason:
        services.account_set_verification(
            actor=users["manager"], account=account, status="verified", reason="r" * 501)

    assert number.value.message_dict == {"number": ["Keep this to 80 characters (it has 81)."]}
    assert reason.value.message_dict == {"reason": ["Keep this to 500 characters (it has 501)."]}


# -- activity lines and pages show names, never codes -----------------------------------


def test_activity_lines_name_the_platform_the_status_and_the_document_kind(
    client_as, users, team
):
    account = services.account_create(
        actor=users["marketer"], team=team, platform=platform("weibo"), handle="官方微博")
    services.account_set_verification(actor=users["manager"], account=account,
                                      status=VerificationStatus.VERIFIED)
    services.document_add(actor=users["marketer"], account=account, kind="business_licence",
                          expires_on=datetime.date(2031, 1, 5))

    page = client_as(users["marketer"]).get(
        reverse("platforms:account_detail", args=[account.pk]), **ZH)
    lines = [line["text"] for line in page.context["events"]]

    assert lines == [
        "已提交文件 营业执照，有效期至 2031-01-05",
        "认证状态 未认证 → 已认证",
        "已添加 微博 账号 官方微博",
    ]
    for code in ("weibo", "unverified", "business_licence"):
        assert code not in page.content.decode().split('data-testid="activity"')[1]


def test_the_platform_page_names_interest_tags_in_the_readers_language(client_as, users):
    page = client_as(users["marketer"]).get(reverse("platforms:detail", args=["xiaohongshu"]),
                                            **ZH)

    tags = page.content.decode().split('data-testid="interest-tags"')[1].split("</p>")[0]
    assert "美妆" in tags
    assert "时尚" in tags
    assert "beauty" not in tags

"""First-party tracking links: UTM redirects, hourly click points, signed idempotent conversions."""

import datetime
import hashlib
import hmac
import json
import time
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.utils import timezone

from analytics.models import Conversion, DailyRollup, MetricPoint, TrackingLink, TrackingSecret
from analytics.services import tracking
from platforms.crypto import decrypt_credentials
from tests.campaigns.content.factories import ContentItemFactory
from tests.platforms.factories import PlatformAccountFactory, platform

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.analytics.ingest.urls")]
TARGET = "https://shop.example.com/p/1?ref=newsletter&utm_source=old"


@pytest.fixture
def item(campaign):
    return ContentItemFactory(campaign=campaign, title="Spring tea")


@pytest.fixture
def link(campaign, douyin, item, users):
    return tracking.tracking_link_create(
        actor=users["marketer"], campaign=campaign, account=douyin, content_item=item,
        target_url=TARGET,
    )


@pytest.fixture
def secret(campaign, users):
    return tracking.tracking_secret_rotate(actor=users["analyst"], campaign=campaign)


def signed(secret: str, payload: dict) -> tuple[bytes, str]:
    body = json.dumps(payload).encode()
    return body, hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def post_conversion(code: str, body: bytes, signature: str | None):
    client = Client(enforce_csrf_checks=True)  # server to server: no session, no CSRF token
    headers = {"Accept-Language": "en"}
    if signature is not None:
        headers["X-Signature"] = signature
    return client.post(f"/t/{code}/conversion", body, content_type="application/json",
                       headers=headers)


def test_a_link_gets_a_short_code_and_utm_defaults(link, item):
    assert len(link.code) == 8
    assert (link.utm_source, link.utm_medium, link.utm_campaign, link.utm_content) == (
        "douyin", "social", "spring-launch", f"content-{item.pk}",
    )


@pytest.mark.parametrize(("change", "field"), [
    ({"target_url": "javascript:alert(1)"}, "target_url"),
    ({"target_url": "ftp://files.example.com/x"}, "target_url"),
    ({"account": "foreign"}, "account"),
    ({"content_item": "foreign"}, "content_item"),
])
def test_a_link_must_point_at_the_web_from_the_campaigns_own_account_and_content(
    campaign, douyin, item, users, other_team, other_campaign, change, field
):
    arguments = {
        "actor": users["marketer"], "campaign": campaign, "account": douyin,
        "content_item": item, "target_url": TARGET,
    }
    if change.get("account") == "foreign":
        change = {"account": PlatformAccountFactory(team=other_team, platform=platform("douyin"))}
    if change.get("content_item") == "foreign":
        change = {"content_item": ContentItemFactory(campaign=other_campaign)}

    with pytest.raises(ValidationError) as caught:
        tracking.tracking_link_create(**{**arguments, **change})

    assert list(caught.value.message_dict) == [field]


@pytest.mark.parametrize("role", ["reviewer"])
def test_setting_up_tracking_takes_the_metrics_import_capability(campaign, douyin, users, role):
    with pytest.raises(PermissionDenied):
        tracking.tracking_link_create(
            actor=users[role], campaign=campaign, account=douyin, target_url=TARGET
        )
    with pytest.raises(PermissionDenied):
        tracking.tracking_secret_rotate(actor=users[role], campaign=campaign)


def test_a_click_redirects_with_the_utm_parameters_and_counts_in_its_hour(link, client, campaign):
    before = timezone.localtime(timezone.now(), campaign.team.zone)
    first = client.get(f"/t/{link.code}", REMOTE_ADDR="203.0.113.9", HTTP_USER_AGENT="Phone/1.0")
    second = client.get(f"/t/{link.code}")
    after = timezone.localtime(timezone.now(), campaign.team.zone)

    assert first.status_code == 302
    assert first["Location"] == (
        "https://shop.example.com/p/1?ref=newsletter&utm_source=douyin&utm_medium=social"
        f"&utm_campaign=spring-launch&utm_content=content-{link.content_item_id}"
    )
    assert second.status_code == 302
    point = MetricPoint.objects.get()
    assert (point.source, point.metric, point.value, point.content_item_id) == (
        "tracking", "clicks", Decimal("2"), link.content_item_id,
    )
    assert point.hour in {before.hour, after.hour}
    assert point.date in {before.date(), after.date()}
    assert DailyRollup.objects.get(metric="clicks").value == Decimal("2")


def test_a_click_keeps_nothing_about_the_visitor(link, client):
    response = client.get(
        f"/t/{link.code}", REMOTE_ADDR="203.0.113.9", HTTP_USER_AGENT="Phone/1.0 (secret-model)"
    )

    assert response.cookies == {}
    assert response["Cache-Control"].startswith("max-age=0")
    stored = json.dumps(list(MetricPoint.objects.values()), default=str)
    assert "203.0.113.9" not in stored
    assert "secret-model" not in stored
    assert "sessionid" not in client.cookies


def test_a_link_preview_asking_with_head_is_not_counted(link, client):
    assert client.head(f"/t/{link.code}").status_code == 302
    assert MetricPoint.objects.count() == 0


def test_an_unknown_code_is_a_404(client, db):
    assert client.get("/t/nosuchcd").status_code == 404


def test_clicks_land_in_the_teams_hour(link, campaign):
    at = datetime.datetime(2026, 3, 10, 17, 30, tzinfo=datetime.UTC)  # 01:30 next day in Shanghai
    campaign.team.time_zone = "Asia/Shanghai"
    campaign.team.save()
    link.refresh_from_db()

    tracking.tracking_click_record(link=link, at=at)

    point = MetricPoint.objects.get()
    assert (point.date, point.hour) == (datetime.date(2026, 3, 11), 1)


def test_the_secret_is_stored_encrypted_and_shown_once(secret, campaign):
    stored = TrackingSecret.objects.get(campaign=campaign).secret_ciphertext
    assert secret not in stored
    assert decrypt_credentials(stored) == {"secret": secret}


def test_a_signed_conversion_is_recorded_as_conversion_revenue_and_order(link, secret):
    body, signature = signed(secret, {
        "order_id": "JD-1001", "revenue": "199.90", "timestamp": int(time.time()),
    })

    response = post_conversion(link.code, body, signature)

    assert response.status_code == 201
    assert response.json() == {"order_id": "JD-1001", "recorded": True}
    conversion = Conversion.objects.get()
    assert (conversion.link_id, conversion.revenue) == (link.pk, Decimal("199.90"))
    assert dict(DailyRollup.objects.values_list("metric", "value")) == {
        "conversions": Decimal("1"), "revenue": Decimal("199.90"), "orders": Decimal("1"),
    }


def test_the_same_order_is_recorded_once(link, secret):
    body, signature = signed(secret, {"order_id": "A-1", "revenue": 10, "timestamp": int(time.time())})
    post_conversion(link.code, body, signature)
    body, signature = signed(secret, {"order_id": "A-1", "revenue": 10, "timestamp": int(time.time())})

    response = post_conversion(link.code, body, signature)

    assert response.status_code == 200
    assert response.json() == {"order_id": "A-1", "recorded": False}
    assert Conversion.objects.count() == 1
    assert DailyRollup.objects.get(metric="conversions").value == Decimal("1")


def test_a_conversion_without_revenue_is_no_order(link, secret):
    body, signature = signed(secret, {"order_id": "lead-7", "timestamp": int(time.time())})

    assert post_conversion(link.code, body, signature).status_code == 201

    assert dict(DailyRollup.objects.values_list("metric", "value")) == {
        "conversions": Decimal("1"),
    }


@pytest.mark.parametrize("signature", [None, "", "0" * 64, "not-hex"])
def test_a_missing_or_wrong_signature_is_refused(link, secret, signature):
    body, _good = signed(secret, {"order_id": "X", "revenue": 1, "timestamp": int(time.time())})

    response = post_conversion(link.code, body, signature)

    assert response.status_code == 403
    assert response.json() == {"detail": "The signature does not match."}
    assert Conversion.objects.count() == 0


def test_a_body_signed_with_the_previous_secret_is_refused(link, secret, campaign, users):
    tracking.tracking_secret_rotate(actor=users["analyst"], campaign=campaign)
    body, signature = signed(secret, {"order_id": "X", "timestamp": int(time.time())})

    assert post_conversion(link.code, body, signature).status_code == 403


@pytest.mark.parametrize("offset", [-6 * 60, 6 * 60])
def test_a_replayed_or_future_dated_call_is_refused(link, secret, offset):
    body, signature = signed(secret, {"order_id": "Y", "timestamp": int(time.time()) + offset})

    response = post_conversion(link.code, body, signature)

    assert response.status_code == 403
    assert response.json() == {"detail": "The timestamp is more than five minutes off."}
    assert Conversion.objects.count() == 0


def test_a_campaign_without_a_secret_accepts_no_conversion(link):
    body, signature = signed("guess", {"order_id": "Z", "timestamp": int(time.time())})

    assert post_conversion(link.code, body, signature).status_code == 403


@pytest.mark.parametrize(("payload", "field"), [
    ({"revenue": 5}, "order_id"),
    ({"order_id": "o", "revenue": -5}, "revenue"),
    ({"order_id": "o", "revenue": "lots"}, "revenue"),
    ({"order_id": "o", "timestamp": "yesterday"}, "timestamp"),
    ({"order_id": "x" * 121}, "order_id"),
])
def test_a_malformed_conversion_is_a_400_naming_the_field(link, secret, payload, field):
    body, signature = signed(secret, {"timestamp": int(time.time()), **payload})

    response = post_conversion(link.code, body, signature)

    assert response.status_code == 400
    assert list(response.json()) == [field]


def test_a_conversion_body_that_is_not_json_is_a_400(link, secret):
    body = b"order=1"
    signature = hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()

    assert post_conversion(link.code, body, signature).status_code == 400


def test_the_conversion_endpoint_takes_only_post(link, client):
    assert client.get(f"/t/{link.code}/conversion").status_code == 405


# --- pages ------------------------------------------------------------------------------------


def test_the_tracking_pages_create_a_link_and_issue_a_secret(client_as, users, campaign, douyin):
    client = client_as(users["marketer"])

    assert client.get("/analytics/tracking/new/").status_code == 200
    response = client.post("/analytics/tracking/new/", {
        "campaign": campaign.pk, "account": douyin.pk, "target_url": "https://example.com/landing",
    })
    assert response.status_code == 302
    link = TrackingLink.objects.get()
    listing = client.get("/analytics/tracking/")
    assert f"/t/{link.code}" in listing.content.decode()

    issued = client.post("/analytics/tracking/secret/", {"campaign": campaign.pk})
    assert issued.status_code == 200
    assert issued["Cache-Control"] == "no-store"
    secret = decrypt_credentials(TrackingSecret.objects.get().secret_ciphertext)["secret"]
    assert secret in issued.content.decode()


def test_a_reviewer_cannot_open_the_new_link_page(client_as, users):
    assert client_as(users["reviewer"]).get("/analytics/tracking/new/").status_code == 403


def test_another_teams_links_are_not_listed(client_as, outsider, link):
    assert link.code not in client_as(outsider).get("/analytics/tracking/").content.decode()

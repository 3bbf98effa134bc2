"""REST API of publishing: /publications/ (+ retry, cancel, check), /publishing-plans/, /slots/."""

import datetime

import pytest
from django.utils import timezone

from campaigns.content.models import ContentStatus as C
from campaigns.publishing.models import Publication, PublishingPlan, Slot
from campaigns.publishing.models import PublicationStatus as P
from platforms.models import VerificationStatus

from .factories import approved_item, attempt, in_minutes, publication, steer_sandbox

pytestmark = pytest.mark.django_db

URL = "/api/v1/publications/"


@pytest.fixture(autouse=True)
def english(settings):
    settings.LANGUAGE_CODE = "en"


def _iso(value: datetime.datetime) -> str:
    return value.isoformat()


def test_schedule_through_the_api_makes_one_publication_per_account(
    api_as, campaign, weibo, douyin, users
):
    item = approved_item(campaign, [weibo, douyin])
    at = in_minutes(90).replace(microsecond=0)

    response = api_as(users["marketer"]).post(URL, {"item": item.pk, "at": _iso(at)},
                                              format="json")

    assert response.status_code == 201, response.json()
    body = response.json()
    assert sorted(row["account"] for row in body) == sorted([weibo.pk, douyin.pk])
    assert {row["status"] for row in body} == {"scheduled"}
    assert {datetime.datetime.fromisoformat(row["scheduled_at"]) for row in body} == {at}


def test_a_time_without_offset_is_the_team_wall_clock(api_as, campaign, weibo, users):
    campaign.team.time_zone = "Asia/Tokyo"
    campaign.team.save()
    item = approved_item(campaign, [weibo])
    day = timezone.localdate() + datetime.timedelta(days=3)

    response = api_as(users["marketer"]).post(
        URL, {"item": item.pk, "at": f"{day.isoformat()}T20:00:00"}, format="json"
    )

    assert response.status_code == 201, response.json()
    [row] = response.json()
    assert row["scheduled_at_local"] == f"{day.isoformat()}T20:00:00+09:00"
    assert row["time_zone"] == "Asia/Tokyo"


def test_schedule_in_the_past_is_a_400_on_at_and_writes_nothing(api_as, campaign, weibo, users):
    item = approved_item(campaign, [weibo])

    response = api_as(users["marketer"]).post(
        URL, {"item": item.pk, "at": _iso(timezone.now() - datetime.timedelta(hours=1))},
        format="json",
    )

    assert response.status_code == 400
    assert response.json() == {"at": ["The time is in the past; choose a later one."]}
    assert not Publication.objects.exists()


def test_schedule_on_an_account_that_cannot_publish_is_a_400_on_accounts(
    api_as, campaign, weibo, users
):
    weibo.verification_status = VerificationStatus.UNVERIFIED
    weibo.save()
    item = approved_item(campaign, [weibo])

    response = api_as(users["marketer"]).post(
        URL, {"item": item.pk, "at": _iso(in_minutes(60))}, format="json"
    )

    assert response.status_code == 400
    assert list(response.json()) == ["accounts"]
    assert not Publication.objects.exists()


def test_malformed_time_is_a_400(api_as, campaign, weibo, users):
    item = approved_item(campaign, [weibo])

    response = api_as(users["marketer"]).post(
        URL, {"item": item.pk, "at": "next friday"}, format="json"
    )

    assert response.status_code == 400
    assert list(response.json()) == ["at"]


def test_another_teams_item_does_not_exist_for_the_api(api_as, campaign, weibo, outsider):
    item = approved_item(campaign, [weibo])

    response = api_as(outsider).post(URL, {"item": item.pk, "at": _iso(in_minutes(60))},
                                     format="json")

    assert response.status_code == 400
    assert list(response.json()) == ["item"]


def test_reviewer_is_forbidden_to_schedule(api_as, campaign, weibo, users):
    item = approved_item(campaign, [weibo])

    response = api_as(users["reviewer"]).post(
        URL, {"item": item.pk, "at": _iso(in_minutes(60))}, format="json"
    )

    assert response.status_code == 403


def test_list_is_scoped_and_detail_of_another_team_is_404(
    api_as, campaign, weibo, other_campaign, other_account, users, outsider
):
    ours = publication(approved_item(campaign, [weibo], status=C.SCHEDULED), weibo)
    theirs = publication(
        approved_item(other_campaign, [other_account], status=C.SCHEDULED), other_account
    )

    listed = api_as(outsider).get(URL).json()

    assert [row["id"] for row in listed["results"]] == [theirs.pk]
    assert api_as(outsider).get(f"{URL}{ours.pk}/").status_code == 404
    assert api_as(users["marketer"]).get(f"{URL}{ours.pk}/").status_code == 200


def test_detail_carries_the_attempt_log_with_translated_reasons(api_as, campaign, weibo, users):
    pub = publication(approved_item(campaign, [weibo], status=C.FAILED), weibo,
                      status=P.FAILED, attempts=1, error_kind="auth", error_code="40001")
    attempt(pub, 1, outcome="failed", error_kind="auth", error_code="40001")

    body = api_as(users["analyst"]).get(f"{URL}{pub.pk}/").json()

    assert body["error_summary"].endswith("(error code 40001)")
    assert [(a["number"], a["outcome"], a["error_kind"]) for a in body["attempt_log"]] == [
        (1, "failed", "auth")
    ]


def test_patch_moves_a_scheduled_publication(api_as, campaign, weibo, users):
    pub = publication(approved_item(campaign, [weibo], status=C.SCHEDULED), weibo,
                      at=in_minutes(60))
    later = in_minutes(600).replace(microsecond=0)

    response = api_as(users["marketer"]).patch(f"{URL}{pub.pk}/", {"at": _iso(later)},
                                               format="json")

    assert response.status_code == 200, response.json()
    pub.refresh_from_db()
    assert pub.scheduled_at == later


def test_retry_and_cancel_actions(
    api_as, campaign, weibo, users, django_capture_on_commit_callbacks
):
    steer_sandbox(weibo, fail="permanent")
    item = approved_item(campaign, [weibo], status=C.SCHEDULED)
    pub = publication(item, weibo)
    from campaigns.publishing import services

    services.publication_publish(publication_id=pub.pk)
    client = api_as(users["marketer"])

    stale = client.post(f"{URL}{pub.pk}/retry/", {"seen_attempt": 0}, format="json")
    assert stale.status_code == 400
    assert list(stale.json()) == ["seen_attempt"]

    later = in_minutes(120)
    retried = client.post(f"{URL}{pub.pk}/retry/", {"seen_attempt": 1, "at": _iso(later)},
                          format="json")
    assert retried.status_code == 200, retried.json()
    assert retried.json()["status"] == "scheduled"

    cancelled = client.post(f"{URL}{pub.pk}/cancel/", {"reason": "Not needed"}, format="json")
    assert cancelled.status_code == 200
    assert cancelled.json()["status"] == "cancelled"

    again = client.post(f"{URL}{pub.pk}/cancel/", {}, format="json")
    assert again.status_code == 400
    assert list(again.json()) == ["status"]


def test_check_action_asks_the_platform(
    api_as, campaign, weibo, users, django_capture_on_commit_callbacks
):
    steer_sandbox(weibo, fail="timeout_after_post")
    item = approved_item(campaign, [weibo], status=C.SCHEDULED)
    pub = publication(item, weibo)
    from campaigns.publishing import services

    services.publication_publish(publication_id=pub.pk)

    with django_capture_on_commit_callbacks(execute=True):
        response = api_as(users["marketer"]).post(f"{URL}{pub.pk}/check/", format="json")

    assert response.status_code == 202
    pub.refresh_from_db()
    assert pub.status == P.PUBLISHED


def test_list_query_count_is_the_same_for_one_and_twenty_rows(
    api_as, campaign, weibo, douyin, users, django_assert_max_num_queries
):
    client = api_as(users["marketer"])
    publication(approved_item(campaign, [weibo], status=C.SCHEDULED), weibo)
    client.get(URL)
    with django_assert_max_num_queries(20) as one:
        client.get(URL)
    for n in range(19):
        account = weibo if n % 2 else douyin
        publication(approved_item(campaign, [account], status=C.SCHEDULED, title=f"P{n}"),
                    account)

    with django_assert_max_num_queries(len(one.captured_queries)):
        body = client.get(URL).json()

    assert body["count"] == 20


# --- plans and slots ---------------------------------------------------------------


def test_plan_from_a_preset_and_its_slots(api_as, campaign, weibo, users):
    client = api_as(users["marketer"])

    response = client.post("/api/v1/publishing-plans/", {
        "campaign": campaign.pk, "account": weibo.pk, "name": "Monthly live",
        "preset": "live_stream_monthly", "starts_on": timezone.localdate().isoformat(),
    }, format="json")

    assert response.status_code == 201, response.json()
    plan = PublishingPlan.objects.get()
    assert response.json()["unfilled"] == Slot.objects.filter(plan=plan).count()
    assert (plan.rrule, plan.content_kind) == ("FREQ=MONTHLY;BYDAY=1SA", "live_stream")
    slots = client.get("/api/v1/slots/", {"plan": plan.pk, "unfilled": "true"}).json()
    assert slots["count"] == Slot.objects.filter(plan=plan).count() >= 1
    listed = client.get("/api/v1/publishing-plans/").json()["results"]
    assert listed[0]["unfilled"] == slots["count"]


def test_plan_with_a_bad_rule_is_a_400_on_rrule(api_as, campaign, weibo, users):
    response = api_as(users["marketer"]).post("/api/v1/publishing-plans/", {
        "campaign": campaign.pk, "account": weibo.pk, "name": "Bad", "content_kind": "article",
        "rrule": "FREQ=SECONDLY", "time_of_day": "09:00",
        "starts_on": timezone.localdate().isoformat(),
    }, format="json")

    assert response.status_code == 400
    assert list(response.json()) == ["rrule"]


def test_slot_on_an_account_that_cannot_publish_is_a_400(api_as, weibo, users):
    weibo.needs_reconnection = True
    weibo.save()

    response = api_as(users["marketer"]).post("/api/v1/slots/", {
        "account": weibo.pk, "starts_at": in_minutes(60).isoformat(),
    }, format="json")

    assert response.status_code == 400
    assert list(response.json()) == ["account"]
    assert not Slot.objects.exists()


def test_fill_a_slot_with_an_approved_item(api_as, campaign, weibo, users):
    item = approved_item(campaign, [weibo])
    client = api_as(users["marketer"])
    slot = client.post("/api/v1/slots/", {
        "account": weibo.pk, "starts_at": in_minutes(60).isoformat(),
    }, format="json").json()

    response = client.post(f"/api/v1/slots/{slot['id']}/fill/", {"item": item.pk}, format="json")

    assert response.status_code == 201, response.json()
    assert client.get(f"/api/v1/slots/{slot['id']}/").json()["filled"] is True


def test_schema_documents_the_publishing_endpoints(api_as, users):
    response = api_as(users["marketer"]).get("/api/schema/", {"format": "json"})

    paths = response.json()["paths"]
    for path in (
        "/api/v1/publications/", "/api/v1/publications/{id}/retry/",
        "/api/v1/publications/{id}/cancel/", "/api/v1/publications/{id}/check/",
        "/api/v1/publishing-plans/", "/api/v1/slots/", "/api/v1/slots/{id}/fill/",
    ):
        assert path in paths, path

"""People's calendar work: schedule, move, cancel, unschedule — and what is refused."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from campaigns.content.models import ContentStatus as C
from campaigns.publishing import services
from campaigns.publishing.models import Publication, Slot
from campaigns.publishing.models import PublicationStatus as P
from platforms.models import VerificationStatus
from teams.models import AuditEvent

from .factories import approved_item, in_minutes, publication

pytestmark = pytest.mark.django_db


def test_schedule_makes_one_publication_per_target_account_and_the_item_scheduled(
    campaign, weibo, douyin, users
):
    item = approved_item(campaign, [weibo, douyin])
    at = in_minutes(90)

    created = services.publication_schedule(actor=users["marketer"], item=item, at=at)

    assert sorted(p.account_id for p in created) == sorted([weibo.pk, douyin.pk])
    assert {(p.status, p.scheduled_at, p.created_by) for p in created} == {
        (P.SCHEDULED, at, users["marketer"])
    }
    item.refresh_from_db()
    assert item.status == C.SCHEDULED
    assert AuditEvent.objects.filter(action="publication.schedule").count() == 1


def test_schedule_on_chosen_accounts_only(campaign, weibo, douyin, users):
    item = approved_item(campaign, [weibo, douyin])

    created = services.publication_schedule(
        actor=users["marketer"], item=item, accounts=[douyin], at=in_minutes(30)
    )

    assert [p.account for p in created] == [douyin]


def test_schedule_in_the_past_is_a_field_error_and_writes_nothing(campaign, weibo, users):
    item = approved_item(campaign, [weibo])

    with pytest.raises(ValidationError) as exc:
        services.publication_schedule(
            actor=users["marketer"], item=item, at=timezone.now() - datetime.timedelta(hours=1)
        )

    assert exc.value.message_dict["at"] == ["The time is in the past; choose a later one."]
    assert not Publication.objects.exists()
    item.refresh_from_db()
    assert item.status == C.APPROVED
    assert not AuditEvent.objects.filter(action__startswith="publication.").exists()


def test_schedule_on_an_account_that_cannot_publish_is_a_field_error_and_writes_nothing(
    campaign, weibo, douyin, users
):
    douyin.verification_status = VerificationStatus.REJECTED
    douyin.save()
    item = approved_item(campaign, [weibo, douyin])

    with pytest.raises(ValidationError) as exc:
        services.publication_schedule(actor=users["marketer"], item=item, at=in_minutes(60))

    assert list(exc.value.message_dict) == ["accounts"]
    assert "cannot publish" in exc.value.message_dict["accounts"][0]
    assert not Publication.objects.exists()


def test_schedule_of_an_unapproved_item_is_refused(campaign, weibo, users):
    item = approved_item(campaign, [weibo], status=C.IN_REVIEW)

    with pytest.raises(ValidationError) as exc:
        services.publication_schedule(actor=users["marketer"], item=item, at=in_minutes(60))

    assert exc.value.message_dict["status"][0] == (
        "Only approved content can be scheduled; this item is “In review”."
    )
    assert not Publication.objects.exists()


def test_schedule_on_an_account_already_on_the_calendar_is_refused(campaign, weibo, users):
    item = approved_item(campaign, [weibo])
    services.publication_schedule(actor=users["marketer"], item=item, at=in_minutes(60))

    with pytest.raises(ValidationError) as exc:
        services.publication_schedule(actor=users["marketer"], item=item, at=in_minutes(90))

    assert exc.value.message_dict["accounts"] == [
        f"The item is already on the calendar for {weibo}."
    ]
    assert Publication.objects.count() == 1


@pytest.mark.parametrize("role", ["reviewer", "analyst"])
def test_schedule_needs_the_publish_capability(campaign, weibo, users, role):
    item = approved_item(campaign, [weibo])

    with pytest.raises(PermissionDenied):
        services.publication_schedule(actor=users[role], item=item, at=in_minutes(60))

    assert not Publication.objects.exists()


def test_schedule_by_another_teams_marketer_is_denied(campaign, weibo, outsider):
    item = approved_item(campaign, [weibo])

    with pytest.raises(PermissionDenied):
        services.publication_schedule(actor=outsider, item=item, at=in_minutes(60))


def test_schedule_into_a_slot_takes_its_time_and_fills_it(campaign, weibo, users):
    item = approved_item(campaign, [weibo])
    slot = Slot.objects.create(team=campaign.team, account=weibo, starts_at=in_minutes(120))

    [pub] = services.publication_schedule(actor=users["marketer"], item=item, slot=slot)

    slot.refresh_from_db()
    assert (pub.scheduled_at, pub.slot, slot.item) == (slot.starts_at, slot, item)


def test_schedule_into_a_filled_slot_is_refused(campaign, weibo, users):
    first = approved_item(campaign, [weibo], title="First")
    second = approved_item(campaign, [weibo], title="Second")
    slot = Slot.objects.create(team=campaign.team, account=weibo, starts_at=in_minutes(120))
    services.publication_schedule(actor=users["marketer"], item=first, slot=slot)

    with pytest.raises(ValidationError) as exc:
        services.publication_schedule(actor=users["marketer"], item=second, slot=slot)

    assert exc.value.message_dict == {"slot": ["This slot is already filled."]}


def test_reschedule_moves_the_time_and_frees_the_slot_it_leaves(campaign, weibo, users):
    item = approved_item(campaign, [weibo])
    slot = Slot.objects.create(team=campaign.team, account=weibo, starts_at=in_minutes(120))
    [pub] = services.publication_schedule(actor=users["marketer"], item=item, slot=slot)
    later = in_minutes(300)

    pub = services.publication_reschedule(actor=users["marketer"], publication=pub, at=later)

    slot.refresh_from_db()
    assert (pub.scheduled_at, pub.slot, slot.item) == (later, None, None)
    event = AuditEvent.objects.get(action="publication.reschedule")
    assert event.data == {"from": slot.starts_at.isoformat(), "to": later.isoformat()}


def test_reschedule_into_the_past_is_refused_and_keeps_the_time(campaign, weibo, users):
    item = approved_item(campaign, [weibo])
    at = in_minutes(60)
    [pub] = services.publication_schedule(actor=users["marketer"], item=item, at=at)

    with pytest.raises(ValidationError) as exc:
        services.publication_reschedule(
            actor=users["marketer"], publication=pub, at=in_minutes(-5)
        )

    assert list(exc.value.message_dict) == ["at"]
    pub.refresh_from_db()
    assert pub.scheduled_at == at


@pytest.mark.parametrize("status", [P.PUBLISHING, P.PUBLISHED, P.FAILED, P.UNKNOWN, P.CANCELLED])
def test_only_a_scheduled_publication_can_be_moved(campaign, weibo, users, status):
    item = approved_item(campaign, [weibo], status=C.SCHEDULED)
    pub = publication(item, weibo, status=status, external_id="x" if status == P.PUBLISHED else "")

    with pytest.raises(ValidationError) as exc:
        services.publication_reschedule(
            actor=users["marketer"], publication=pub, at=in_minutes(60)
        )

    assert list(exc.value.message_dict) == ["at"]


def test_cancel_keeps_the_row_and_the_item_returns_to_approved(campaign, weibo, users):
    item = approved_item(campaign, [weibo])
    [pub] = services.publication_schedule(actor=users["marketer"], item=item, at=in_minutes(60))

    services.publication_cancel(actor=users["marketer"], publication=pub, reason="Wrong day")

    pub.refresh_from_db()
    item.refresh_from_db()
    assert (pub.status, item.status) == (P.CANCELLED, C.APPROVED)
    assert AuditEvent.objects.get(action="publication.cancel").reason == "Wrong day"


def test_a_cancelled_account_can_be_scheduled_again(campaign, weibo, users):
    item = approved_item(campaign, [weibo])
    [first] = services.publication_schedule(actor=users["marketer"], item=item, at=in_minutes(60))
    services.publication_cancel(actor=users["marketer"], publication=first)

    [second] = services.publication_schedule(
        actor=users["marketer"], item=item, at=in_minutes(120)
    )

    assert second.pk != first.pk
    assert second.idempotency_key != first.idempotency_key
    assert Publication.objects.filter(item=item).count() == 2


def test_cancelling_one_of_two_keeps_the_item_scheduled(campaign, weibo, douyin, users):
    item = approved_item(campaign, [weibo, douyin])
    first, _second = services.publication_schedule(
        actor=users["marketer"], item=item, at=in_minutes(60)
    )

    services.publication_cancel(actor=users["marketer"], publication=first)

    item.refresh_from_db()
    assert item.status == C.SCHEDULED


def test_unschedule_cancels_every_waiting_publication(campaign, weibo, douyin, users):
    item = approved_item(campaign, [weibo, douyin])
    services.publication_schedule(actor=users["marketer"], item=item, at=in_minutes(60))

    item = services.publication_unschedule(actor=users["marketer"], item=item)

    assert item.status == C.APPROVED
    assert set(Publication.objects.values_list("status", flat=True)) == {P.CANCELLED}


def test_unschedule_is_refused_once_publishing_started(campaign, weibo, douyin, users):
    item = approved_item(campaign, [weibo, douyin], status=C.PUBLISHING)
    publication(item, weibo, status=P.PUBLISHING)
    publication(item, douyin)

    with pytest.raises(ValidationError) as exc:
        services.publication_unschedule(actor=users["marketer"], item=item)

    assert list(exc.value.message_dict) == ["status"]
    assert set(Publication.objects.values_list("status", flat=True)) == {
        P.PUBLISHING, P.SCHEDULED
    }


def test_withdrawing_a_scheduled_item_cancels_its_publications_and_frees_its_slot(
    campaign, weibo, users
):
    from campaigns.content.services import content_item_move

    item = approved_item(campaign, [weibo])
    slot = Slot.objects.create(team=campaign.team, account=weibo, starts_at=in_minutes(120))
    [pub] = services.publication_schedule(actor=users["marketer"], item=item, slot=slot)

    content_item_move(actor=users["marketer"], item=item, to=C.WITHDRAWN)

    pub.refresh_from_db()
    slot.refresh_from_db()
    assert (pub.status, slot.item) == (P.CANCELLED, None)


def test_slot_on_an_account_that_cannot_publish_is_refused(team, weibo, users):
    weibo.needs_reconnection = True
    weibo.save()

    with pytest.raises(ValidationError) as exc:
        services.slot_create(actor=users["marketer"], account=weibo, at=in_minutes(60))

    assert exc.value.message_dict["account"] == [
        "The platform rejected the credentials: the account needs reconnection."
    ]
    assert not Slot.objects.exists()


def test_slot_in_the_past_is_refused(weibo, users):
    with pytest.raises(ValidationError) as exc:
        services.slot_create(actor=users["marketer"], account=weibo, at=in_minutes(-1))

    assert list(exc.value.message_dict) == ["at"]


def test_a_filled_slot_cannot_be_removed(campaign, weibo, users):
    item = approved_item(campaign, [weibo])
    slot = services.slot_create(actor=users["marketer"], account=weibo, at=in_minutes(60))
    services.publication_schedule(actor=users["marketer"], item=item, slot=slot)

    with pytest.raises(ValidationError):
        services.slot_delete(actor=users["marketer"], slot=slot)

    assert Slot.objects.filter(pk=slot.pk).exists()

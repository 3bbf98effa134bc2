"""People's calendar work: schedule an approved item, move, unschedule, cancel, retry.

Every service checks ``content.publish`` in the item's team, asks content
whether the item may go out there and then (``content_item_check_schedulable``:
approval, target accounts that can publish, media licences, filings, a time not
in the past), changes statuses only through the PUBLICATION machine, lets the
item follow, and writes its audit row in the same transaction.
"""

from __future__ import annotations

import datetime

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from campaigns.content.models import ContentItem, ContentStatus
from campaigns.content.services import content_item_check_schedulable
from platforms.models import PlatformAccount
from platforms.selectors import account_can_publish
from teams.jobs import enqueue_on_commit

from ..models import Publication, PublicationAttempt, PublicationStatus, Slot
from ._common import PUBLISH, audit, item_follow, move, now, require_publish

P = PublicationStatus
C = ContentStatus

# Items whose approval still holds and that may take more accounts.
SCHEDULE_FROM = frozenset({C.APPROVED, C.SCHEDULED})


def _time_errors(at: datetime.datetime | None) -> list[str]:
    if at is None or timezone.is_naive(at):
        return [_("Enter a date and time.")]
    if at <= now():
        return [_("The time is in the past; choose a later one.")]
    return []


def _require_future(at: datetime.datetime | None, field: str = "at") -> None:
    errors = _time_errors(at)
    if errors:
        raise ValidationError({field: errors})


def _check(
    item: ContentItem, accounts: list[PlatformAccount], at: datetime.datetime | None,
    errors: dict[str, list[str]] | None = None,
) -> None:
    """Every reason the item may not go out on ``accounts`` at ``at``, as one field error set.

    Ours (a time strictly in the future) first; content's rules after, without
    repeating a field this service already explained.
    """
    errors = dict(errors or {})
    time_errors = _time_errors(at)
    if time_errors:
        errors["at"] = time_errors
    try:
        content_item_check_schedulable(item=item, accounts=accounts, at=at)
    except ValidationError as exc:
        for field, messages in exc.message_dict.items():
            errors.setdefault(field, list(messages))
    if errors:
        raise ValidationError(errors)


def _iso(value: datetime.datetime) -> str:
    return value.isoformat()


def _free_slot(publication: Publication) -> None:
    """Release the publication's slot, unless another publication of the item still fills it."""
    slot_id = publication.slot_id
    if slot_id is None:
        return
    publication.slot = None
    still = Publication.objects.filter(
        slot_id=slot_id, item_id=publication.item_id,
        status__in=[P.SCHEDULED, P.PUBLISHING, P.PUBLISHED, P.FAILED, P.UNKNOWN],
    ).exclude(pk=publication.pk)
    if not still.exists():
        Slot.objects.filter(pk=slot_id, item_id=publication.item_id).update(item=None)


def publication_schedule(
    *,
    actor: User,
    item: ContentItem,
    accounts: list[PlatformAccount] | None = None,
    at: datetime.datetime | None = None,
    slot: Slot | None = None,
) -> list[Publication]:
    """Put an approved item on the calendar: one publication per account, at ``at`` or a slot.

    Without ``accounts`` every target account of the item is used; with ``slot``
    the time is the slot's and its account is among them. Refused with field
    errors for a time in the past, an account that cannot publish or is not a
    target, an unapproved item, a filled or foreign slot, or an account the item
    is already scheduled on. All publications are created, or none.
    """
    require_publish(actor, item.team_id)
    with transaction.atomic():
        item = (
            ContentItem.objects.select_for_update(of=("self",)).select_related("team")
            .get(pk=item.pk)
        )
        if slot is not None:
            slot = (
                Slot.objects.select_for_update(of=("self",)).select_related("account")
                .get(pk=slot.pk)
            )
            if slot.team_id != item.team_id:
                raise ValidationError({"slot": _("This slot belongs to another team.")})
            if slot.item_id is not None:
                raise ValidationError({"slot": _("This slot is already filled.")})
            at = slot.starts_at
            if accounts is None:
                accounts = [slot.account]
        if accounts is None:
            accounts = [
                v.account for v in item.variants.select_related("account__platform")
            ]
        unique = list({a.pk: a for a in accounts}.values())
        if slot is not None and slot.account_id not in {a.pk for a in unique}:
            raise ValidationError({"slot": _("The slot's account must be one of the accounts.")})
        errors = {}
        if item.status not in SCHEDULE_FROM:
            errors["status"] = [_(
                "Only approved content can be scheduled; this item is “%(status)s”."
            ) % {"status": item.get_status_display()}]
        _check(item, unique, at, errors)
        assert at is not None  # _check refused a missing time
        taken = set(
            Publication.objects.filter(item=item, account__in=unique)
            .exclude(status=P.CANCELLED).values_list("account_id", flat=True)
        )
        if taken:
            raise ValidationError({"accounts": [
                _("The item is already on the calendar for %(account)s.") % {"account": str(a)}
                for a in unique if a.pk in taken
            ]})
        created = [
            Publication.objects.create(
                team=item.team, item=item, account=account, scheduled_at=at,
                slot=slot if slot is not None and slot.account_id == account.pk else None,
                created_by=actor,
            )
            for account in unique
        ]
        if slot is not None:
            slot.item = item
            slot.save(update_fields=["item"])
        audit(
            actor, "publication.schedule", gettext_noop("Scheduled on %(accounts)s for %(at)s"),
            item, accounts=", ".join(str(a) for a in unique), at=_iso(at),
        )
        item_follow(item_id=item.pk, actor=actor, reason=gettext_noop("Put on the calendar"))
    return created


def publication_reschedule(
    *,
    actor: User,
    publication: Publication,
    at: datetime.datetime | None = None,
    slot: Slot | None = None,
) -> Publication:
    """Move a scheduled publication to another time (or into an unfilled slot of its account).

    Only a publication that has not started may move; the item must still be
    publishable there and then (content decides). The slot it leaves is freed.
    """
    require_publish(actor, publication.team_id)
    with transaction.atomic():
        pub = (
            Publication.objects.select_for_update(of=("self",))
            .select_related("item__team", "account__platform").get(pk=publication.pk)
        )
        if pub.status != P.SCHEDULED:
            raise ValidationError({"at": _(
                "Only a scheduled publication can be moved; this one is “%(status)s”."
            ) % {"status": pub.get_status_display()}})
        if slot is not None:
            slot = Slot.objects.select_for_update().get(pk=slot.pk)
            if slot.account_id != pub.account_id:
                raise ValidationError({"slot": _("The slot is on another account.")})
            if slot.item_id is not None and slot.item_id != pub.item_id:
                raise ValidationError({"slot": _("This slot is already filled.")})
            at = slot.starts_at
        _check(pub.item, [pub.account], at)
        assert at is not None  # _check refused a missing time
        before = pub.scheduled_at
        if pub.slot_id is not None and (slot is None or slot.pk != pub.slot_id):
            _free_slot(pub)
        if slot is not None:
            pub.slot = slot
            slot.item = pub.item
            slot.save(update_fields=["item"])
        pub.scheduled_at = at
        pub.queued_at = None  # a message sent for the old time finds it not due
        pub.save(update_fields=["scheduled_at", "queued_at", "slot", "updated_at"])
        audit(
            actor, "publication.reschedule", gettext_noop("Moved from %(from)s to %(to)s"), pub,
            # mypy reads any ** mapping as possibly filling ``team``; these keys are data.
            **{"from": _iso(before), "to": _iso(at)},  # type: ignore[arg-type]
        )
    return pub


def publication_cancel(
    *, actor: User, publication: Publication, reason: str = ""
) -> Publication:
    """Take a publication that has not gone out (scheduled or failed) off the calendar.

    The row stays, cancelled, with its attempt log; the item follows (back to
    approved when nothing else is left on the calendar).
    """
    require_publish(actor, publication.team_id)
    with transaction.atomic():
        pub = Publication.objects.select_for_update().get(pk=publication.pk)
        move(pub, P.CANCELLED, actor=actor)
        _free_slot(pub)
        pub.save(update_fields=["status", "slot", "updated_at"])
        audit(actor, "publication.cancel", gettext_noop("Cancelled"), pub, reason=reason)
        item_follow(item_id=pub.item_id, actor=actor, reason=gettext_noop("Publication cancelled"))
    return pub


def publication_unschedule(
    *, actor: User, item: ContentItem, reason: str = ""
) -> ContentItem:
    """Take an item off the calendar entirely: every publication must still be waiting.

    Refused (``status``) once one has started or finished: cancel the waiting
    ones one by one instead. The item goes back to approved.
    """
    require_publish(actor, item.team_id)
    with transaction.atomic():
        pubs = list(
            Publication.objects.select_for_update().filter(item_id=item.pk)
            .exclude(status=P.CANCELLED).order_by("pk")
        )
        if not pubs:
            raise ValidationError({"status": _("The item is not on the calendar.")})
        if any(p.status != P.SCHEDULED for p in pubs):
            raise ValidationError({"status": _(
                "Publishing has already started for some accounts; cancel the waiting "
                "publications one by one instead."
            )})
        for pub in pubs:
            move(pub, P.CANCELLED, actor=actor)
            _free_slot(pub)
            pub.save(update_fields=["status", "slot", "updated_at"])
        audit(actor, "publication.unschedule", gettext_noop("Taken off the calendar"), item,
              reason=reason)
        item_follow(item_id=item.pk, actor=actor, reason=gettext_noop("Taken off the calendar"))
    item.refresh_from_db()
    return item


def publication_retry(
    *,
    actor: User,
    publication: Publication,
    seen_attempt: int,
    at: datetime.datetime | None = None,
) -> Publication:
    """A person sends a failed or unknown publication again, after reading why it failed.

    ``seen_attempt`` is the attempt whose reason the person read: if another
    attempt or a check changed the outcome since, nothing happens and the
    person reads again. An ``unknown`` one is retried only after the platform
    was asked (read-only) since the attempt — otherwise the post may appear
    twice. Without ``at`` it goes out at once; the retrying person is recorded
    on the attempt they read.
    """
    require_publish(actor, publication.team_id)
    with transaction.atomic():
        pub = (
            Publication.objects.select_for_update(of=("self",))
            .select_related("item__team", "account__platform").get(pk=publication.pk)
        )
        if pub.status not in (P.FAILED, P.UNKNOWN):
            raise ValidationError({"status": _(
                "Only a failed publication or one whose outcome is unknown can be retried."
            )})
        last = pub.attempt_log.order_by("-number").first()
        if seen_attempt != pub.attempts or last is None or last.number != seen_attempt:
            raise ValidationError({"seen_attempt": _(
                "The outcome changed since you read it; read the latest reason and try again."
            )})
        if pub.status == P.UNKNOWN and (
            pub.outcome_checked_at is None
            or pub.outcome_checked_at < (last.finished_at or last.started_at)
        ):
            raise ValidationError({"status": _(
                "Ask the platform first (“Check with the platform”): the post may already "
                "be online, and retrying would publish it twice."
            )})
        if at is None:
            when = now()
            # Going out at once: "now" must pass content's not-in-the-past rule.
            content_item_check_schedulable(item=pub.item, accounts=[pub.account], at=when)
        else:
            when = at
            _check(pub.item, [pub.account], at)
        move(pub, P.SCHEDULED, actor=actor)
        if pub.slot is not None and pub.slot.starts_at != when:
            _free_slot(pub)
        pub.scheduled_at = when
        pub.queued_at = now() if at is None else None  # sent below, or by the beat later
        pub.error_kind = ""
        pub.error_code = ""
        pub.pending_ref = ""
        pub.save(update_fields=[
            "status", "scheduled_at", "queued_at", "slot", "error_kind", "error_code",
            "pending_ref", "updated_at",
        ])
        PublicationAttempt.objects.filter(pk=last.pk).update(retried_by=actor)
        audit(
            actor, "publication.retry",
            gettext_noop("Retried after reading attempt %(number)s (%(kind)s)"), pub,
            number=last.number, kind=last.error_kind or last.outcome,
        )
        item_follow(item_id=pub.item_id, actor=actor, reason=gettext_noop("Retried by a person"))
        if at is None:
            from ..tasks import publication_publish_task  # tasks call these services

            enqueue_on_commit(publication_publish_task, pub.pk)
    return pub


def publication_check_request(*, actor: User, publication: Publication) -> Publication:
    """Ask the platform now (read-only) what became of a publication whose outcome is open."""
    from ..tasks import publication_reconcile_task  # tasks call these services

    require_publish(actor, publication.team_id)
    status = Publication.objects.values_list("status", flat=True).get(pk=publication.pk)
    if status not in (P.UNKNOWN, P.PUBLISHING):
        raise ValidationError({"status": _("Only an open outcome can be checked.")})
    with transaction.atomic():
        audit(actor, "publication.check", gettext_noop("Asked the platform for the outcome"),
              publication)
        enqueue_on_commit(publication_reconcile_task, publication.pk)
    return publication


def slot_create(
    *, actor: User, account: PlatformAccount, at: datetime.datetime | None
) -> Slot:
    """A slot made by hand on one account, to fill later; the account must be able to publish."""
    require_publish(actor, account.team_id)
    _require_future(at)
    assert at is not None  # _require_future refused a missing time
    allowed, reasons = account_can_publish(account)
    if not allowed:
        raise ValidationError({"account": reasons})
    with transaction.atomic():
        slot = Slot.objects.create(team_id=account.team_id, account=account, starts_at=at)
        audit(actor, "slot.create", gettext_noop("Slot added for %(at)s"), slot,
              team=account.team, at=_iso(at))
    return slot


def slot_delete(*, actor: User, slot: Slot) -> None:
    """Remove an unfilled slot (a filled one is freed by moving or cancelling its publication)."""
    require_publish(actor, slot.team_id)
    with transaction.atomic():
        locked = (
            Slot.objects.select_for_update(of=("self",)).select_related("team").get(pk=slot.pk)
        )
        if locked.item_id is not None:
            raise ValidationError({"slot": _("A filled slot cannot be removed.")})
        audit(actor, "slot.delete", gettext_noop("Slot for %(at)s removed"), locked,
              team=locked.team, at=_iso(locked.starts_at))
        locked.delete()


__all__ = [
    "PUBLISH",
    "publication_cancel",
    "publication_check_request",
    "publication_reschedule",
    "publication_retry",
    "publication_schedule",
    "publication_unschedule",
    "slot_create",
    "slot_delete",
]

"""The publishing job: each publication goes out exactly once, or says why not.

``publication_publish`` takes the row under a lock, moves it to ``publishing``
with a new attempt and COMMITS before the platform is called; then it calls the
connector's publish endpoint once, and records the answer under the lock again.
Whatever runs twice (a duplicate delivery, two workers, a beat that enqueued
the id again) finds the row no longer ``scheduled`` and returns.

What the answer says decides the status:

- a post id (and URL) → ``published``; nothing is ever ``published`` without an id;
- accepted but still publishing (WeChat's asynchronous free-publish) → stays
  ``publishing`` with the platform's job id in ``pending_ref``;
- "busy, nothing accepted" (``transient``) → back to ``scheduled`` later, with
  a growing delay, until ``MAX_TRANSIENT`` such answers in a row make it ``failed``;
- credentials rejected (``auth``) → ``failed``, and the account is flagged for
  reconnection (``platforms.services``);
- refused (``permanent``), or the account cannot publish any more → ``failed``;
- anything that does not say what happened (a timeout after sending, a reset
  connection, a worker stopped mid-call) → ``unknown``.

``publication_reconcile`` settles ``unknown`` rows and ``publishing`` rows
older than the task's hard time limit (their worker is gone) by asking the
platform read-only (``lookup_publication``); it never posts.
"""

from __future__ import annotations

import datetime
import logging

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext_noop

from campaigns.content.models import ContentItem, ContentStatus
from campaigns.content.services import content_item_payload
from platforms.connectors import ConnectorError, connector_for
from platforms.services import account_publish, account_record_connector_error

from ..models import (
    AttemptOutcome,
    ErrorKind,
    Publication,
    PublicationAttempt,
    PublicationStatus,
)
from ..selectors import publication_ids_due, stale_after
from ._common import audit, item_follow, move, now

logger = logging.getLogger("campaignops.publishing")

P = PublicationStatus
C = ContentStatus

# Items whose publications may go out: scheduled, or with another account's
# publication under way, failed or unknown. A withdrawn item never goes out.
ITEM_PUBLISHABLE = frozenset({C.SCHEDULED, C.PUBLISHING, C.FAILED, C.UNKNOWN})

# "Busy" answers in a row before a publication fails for a person to look at.
MAX_TRANSIENT = 5
BACKOFF_BASE = datetime.timedelta(minutes=1)
BACKOFF_CAP = datetime.timedelta(minutes=30)
# Looking for a post on the platform starts a little before the call started
# (clocks of platform and worker differ).
LOOKUP_SLACK = datetime.timedelta(minutes=10)
# A platform job (WeChat free-publish) still "pending" after this is shown to a person.
PENDING_GIVE_UP = datetime.timedelta(hours=6)


def backoff(transient_in_a_row: int) -> datetime.timedelta:
    """1, 2, 4, 8 … minutes after the n-th busy answer, at most ``BACKOFF_CAP``."""
    return min(BACKOFF_BASE * (2 ** max(transient_in_a_row - 1, 0)), BACKOFF_CAP)


# --- sending due publications to workers ---------------------------------------------


def publications_take_due() -> list[int]:
    """The due publications to send to workers now, marked as sent (``queued_at``).

    A row sent less than the hard time limit ago is not listed again, so a
    backlog longer than the beat's period does not fill the queue with copies;
    a message lost with a killed worker is sent again after that.
    """
    with transaction.atomic():
        ids = publication_ids_due()
        Publication.objects.filter(pk__in=ids, status=P.SCHEDULED).update(queued_at=now())
    return ids


# --- the claim: under the lock, committed before the platform is called -------------


def _claim(publication_id: int) -> tuple[Publication, int] | None:
    with transaction.atomic():
        pub = (
            Publication.objects.select_for_update(of=("self",))
            .filter(pk=publication_id).select_related("account__platform", "team").first()
        )
        if pub is None:
            logger.info("publication %s is gone; nothing to publish", publication_id)
            return None
        if pub.status != P.SCHEDULED or pub.scheduled_at > now():
            # Already taken (a duplicate delivery, another worker), settled,
            # cancelled, or moved to a later time: nothing to do.
            return None
        item_status = ContentItem.objects.values_list("status", flat=True).get(pk=pub.item_id)
        if item_status not in ITEM_PUBLISHABLE:
            logger.info("publication %s: item is %s; not published", pub.pk, item_status)
            return None
        started = now()
        move(pub, P.PUBLISHING)
        pub.attempts += 1
        pub.publish_started_at = started
        pub.pending_ref = ""
        pub.error_kind = ""
        pub.error_code = ""
        pub.save(update_fields=[
            "status", "attempts", "publish_started_at", "pending_ref", "error_kind",
            "error_code", "updated_at",
        ])
        PublicationAttempt.objects.create(publication=pub, number=pub.attempts, started_at=started)
        item_follow(item_id=pub.item_id, reason=gettext_noop("Publishing started"))
    return pub, pub.attempts


# --- recording the answer -----------------------------------------------------------


def _locked_attempt(
    publication_id: int, number: int
) -> tuple[Publication, PublicationAttempt] | None:
    """The publication and its attempt ``number``, if that attempt is still the open one."""
    pub = Publication.objects.select_for_update().filter(pk=publication_id).first()
    if pub is None or pub.status != P.PUBLISHING or pub.attempts != number:
        logger.warning(
            "publication %s attempt %s: settled meanwhile; the answer is not recorded",
            publication_id, number,
        )
        return None
    attempt = pub.attempt_log.get(number=number)
    return pub, attempt


def _finish(
    pub: Publication, attempt: PublicationAttempt, *, status: str, outcome: str,
    kind: str = "", code: str = "",
) -> None:
    finished = now()
    if status != pub.status:
        move(pub, status)
    pub.error_kind = kind
    pub.error_code = str(code or "")[:40]
    pub.save()
    attempt.outcome = outcome
    attempt.error_kind = kind
    attempt.error_code = pub.error_code
    attempt.finished_at = finished
    attempt.save(update_fields=["outcome", "error_kind", "error_code", "finished_at"])


def _transient_in_a_row(pub: Publication) -> int:
    """Busy answers since the last attempt that ended otherwise or that a person retried."""
    count = 0
    for attempt in pub.attempt_log.order_by("-number")[: MAX_TRANSIENT + 1]:
        if attempt.outcome == AttemptOutcome.RETRY and attempt.retried_by_id is None:
            count += 1
        else:
            break
    return count


def _record_published(pub, attempt, *, external_id: str, url: str) -> str:
    pub.external_id = external_id[:200]
    pub.url = url[:500]
    pub.published_at = now()
    pub.pending_ref = ""
    _finish(pub, attempt, status=P.PUBLISHED, outcome=AttemptOutcome.PUBLISHED)
    audit(None, "publication.published", gettext_noop("Published as %(external_id)s"), pub,
          external_id=pub.external_id)
    return P.PUBLISHED


def _record_error(publication_id: int, number: int, kind: str, code: str) -> str:
    """Record a connector failure of ``kind`` on the open attempt; the status it led to."""
    with transaction.atomic():
        found = _locked_attempt(publication_id, number)
        if found is None:
            return ""
        pub, attempt = found
        if kind == ErrorKind.TRANSIENT:
            attempt.outcome = AttemptOutcome.RETRY
            attempt.save(update_fields=["outcome"])
            in_a_row = _transient_in_a_row(pub)
            if in_a_row < MAX_TRANSIENT:
                pub.scheduled_at = now() + backoff(in_a_row)
                pub.queued_at = None  # the beat sends it again once it is due
                _finish(pub, attempt, status=P.SCHEDULED, outcome=AttemptOutcome.RETRY,
                        kind=kind, code=code)
                return P.SCHEDULED
            _finish(pub, attempt, status=P.FAILED, outcome=AttemptOutcome.RETRY,
                    kind=kind, code=code)
        elif kind in (ErrorKind.UNKNOWN, ErrorKind.INTERRUPTED, ErrorKind.NO_EXTERNAL_ID):
            _finish(pub, attempt, status=P.UNKNOWN, outcome=AttemptOutcome.UNKNOWN,
                    kind=kind, code=code)
        else:
            _finish(pub, attempt, status=P.FAILED, outcome=AttemptOutcome.FAILED,
                    kind=kind, code=code)
        audit(None, f"publication.{pub.status}",
              gettext_noop("Attempt %(number)s: %(status)s (%(kind)s)"), pub,
              number=number, status=pub.status, kind=kind)
        item_follow(item_id=pub.item_id, reason=gettext_noop("Publishing ended"))
        return pub.status


def _record_result(publication_id: int, number: int, result) -> str:
    with transaction.atomic():
        found = _locked_attempt(publication_id, number)
        if found is None:
            return ""
        pub, attempt = found
        external_id = (result.external_id or "").strip()
        if not external_id:
            # Accepted, but without an id there is nothing to show or link:
            # never "published"; reconciliation looks for it.
            _finish(pub, attempt, status=P.UNKNOWN, outcome=AttemptOutcome.UNKNOWN,
                    kind=ErrorKind.NO_EXTERNAL_ID)
            audit(None, "publication.unknown",
                  gettext_noop("Attempt %(number)s: %(status)s (%(kind)s)"), pub,
                  number=number, status=pub.status, kind=ErrorKind.NO_EXTERNAL_ID)
        elif result.pending:
            pub.pending_ref = external_id[:200]
            pub.save(update_fields=["pending_ref", "updated_at"])
            attempt.outcome = AttemptOutcome.PENDING
            attempt.finished_at = now()
            attempt.save(update_fields=["outcome", "finished_at"])
            return P.PUBLISHING
        else:
            _record_published(pub, attempt, external_id=external_id, url=result.url or "")
        item_follow(item_id=pub.item_id, reason=gettext_noop("Publishing ended"))
        return pub.status


def _kind_of(exc: ConnectorError) -> str:
    kind = getattr(exc, "kind", "")
    return kind if kind in (
        ErrorKind.TRANSIENT, ErrorKind.AUTH, ErrorKind.PERMANENT, ErrorKind.UNKNOWN
    ) else ErrorKind.UNKNOWN


def publication_publish(*, publication_id: int) -> str:
    """Publish one due publication at most once; the status it ends in ("" if not taken).

    Safe to call any number of times, concurrently too: only the call that
    moves the row from ``scheduled`` to ``publishing`` (under the row lock,
    committed) calls the platform, exactly once.
    """
    claimed = _claim(publication_id)
    if claimed is None:
        return ""
    pub, number = claimed
    item = ContentItem.objects.get(pk=pub.item_id)
    try:
        content = content_item_payload(
            item=item, account=pub.account, client_key=str(pub.idempotency_key)
        )
    except ValidationError:
        return _record_error(publication_id, number, ErrorKind.CONTENT, "")
    try:
        result = account_publish(actor=None, account=pub.account, content=content)
    except ValidationError:
        # The account lost its qualification or connection since scheduling;
        # platforms refused before any call.
        return _record_error(publication_id, number, ErrorKind.ACCOUNT, "")
    except ConnectorError as exc:
        return _record_error(publication_id, number, _kind_of(exc), str(exc.code or ""))
    except BaseException:
        # The call may have reached the platform (a soft time limit, a bug in a
        # client library): its outcome is unknown and only a read-only check may
        # settle it. Recorded, then raised for the worker's log.
        _record_error(publication_id, number, ErrorKind.INTERRUPTED, "")
        raise
    return _record_result(publication_id, number, result)


# --- reconciliation -------------------------------------------------------------------


def _reconcilable(pub: Publication, at: datetime.datetime) -> bool:
    if pub.status == P.UNKNOWN:
        return True
    if pub.status != P.PUBLISHING:
        return False
    if pub.pending_ref:
        return True
    started = pub.publish_started_at
    return started is not None and started <= at - stale_after()


def publication_reconcile(*, publication_id: int) -> str:
    """Settle an open outcome by asking the platform, read-only; the status afterwards.

    ``unknown`` rows, ``publishing`` rows waiting for an asynchronous platform
    job (``pending_ref``) and ``publishing`` rows older than the hard time limit
    are asked about; others are left alone ("" returned). The answer:

    - published with a post id → ``published``;
    - failed → ``failed``;
    - not found, once the call is older than the hard time limit (it can no
      longer arrive) → ``failed``: nothing went out, a person may retry;
    - anything else (pending, a connector error) → left open; a ``publishing``
      row whose worker is gone becomes ``unknown`` so a person sees it.
    """
    at = now()
    with transaction.atomic():
        pub = (
            Publication.objects.select_for_update(of=("self",))
            .filter(pk=publication_id).select_related("account__platform").first()
        )
        if pub is None or not _reconcilable(pub, at):
            return ""
        number, status = pub.attempts, pub.status
        account, started = pub.account, pub.publish_started_at
        key, pending_ref = str(pub.idempotency_key), pub.pending_ref
    item = ContentItem.objects.get(pk=pub.item_id)
    try:
        title = content_item_payload(item=item, account=account).title
    except ValidationError:
        title = item.title
    since = (started or at) - LOOKUP_SLACK
    try:
        found = connector_for(account).lookup_publication(
            client_key=key, pending_ref=pending_ref, title=title, since=since
        )
    except ConnectorError as exc:
        account_record_connector_error(account=account, error=exc)
        found = None
    with transaction.atomic():
        pub = Publication.objects.select_for_update().get(pk=publication_id)
        if pub.status != status or pub.attempts != number:
            return pub.status  # settled by someone else meanwhile
        pub.outcome_checked_at = now()
        attempt = pub.attempt_log.filter(number=number).first()
        old_enough = started is not None and started <= at - stale_after()
        settled, kind, code = "", "", ""
        if found is not None and found.state == "published" and (found.external_id or "").strip():
            if attempt is not None:
                pub.external_id = found.external_id.strip()[:200]
                pub.url = (found.url or "")[:500]
                pub.published_at = now()
                pub.pending_ref = ""
                _finish(pub, attempt, status=P.PUBLISHED, outcome=AttemptOutcome.PUBLISHED)
                settled = P.PUBLISHED
        elif found is not None and found.state == "failed":
            settled = P.FAILED
            kind, code = ErrorKind.PERMANENT, found.error_code
        elif found is not None and found.state == "not_found" and old_enough:
            settled = P.FAILED
            kind, code = ErrorKind.NOT_FOUND, ""
        if settled == P.FAILED and attempt is not None:
            _finish(pub, attempt, status=P.FAILED, outcome=AttemptOutcome.FAILED,
                    kind=kind, code=code)
        elif not settled and status == P.PUBLISHING and attempt is not None and (
            not pub.pending_ref or (started is not None and started <= at - PENDING_GIVE_UP)
        ):
            # The worker is gone (or the platform's job never finished) and the
            # platform cannot tell yet: a person should know.
            _finish(pub, attempt, status=P.UNKNOWN, outcome=AttemptOutcome.UNKNOWN,
                    kind=ErrorKind.INTERRUPTED if not pub.pending_ref else ErrorKind.UNKNOWN)
            settled = P.UNKNOWN
        pub.save(update_fields=["outcome_checked_at"])
        if settled:
            audit(None, f"publication.reconciled.{settled}",
                  gettext_noop("The platform was asked: %(status)s"), pub, status=settled)
            item_follow(
                item_id=pub.item_id, reason=gettext_noop("Outcome checked with the platform")
            )
        return pub.status


def publication_withdraw_follow(item: ContentItem, source: str, target: str) -> None:
    """A withdrawn item takes its waiting and failed publications off the calendar.

    Registered with content (``register_status_listener``); runs in the
    withdrawal's transaction. Nothing that may have gone out is touched.
    """
    if target != C.WITHDRAWN:
        return
    for pub in Publication.objects.select_for_update().filter(
        item_id=item.pk, status__in=[P.SCHEDULED, P.FAILED]
    ):
        move(pub, P.CANCELLED)
        pub.save(update_fields=["status", "updated_at"])
        if pub.slot_id is not None:
            from ..models import Slot

            Slot.objects.filter(pk=pub.slot_id, item_id=item.pk).update(item=None)
        audit(None, "publication.cancel", gettext_noop("Cancelled: the item was withdrawn"), pub)


__all__ = [
    "ITEM_PUBLISHABLE",
    "publications_take_due",
    "MAX_TRANSIENT",
    "backoff",
    "publication_publish",
    "publication_reconcile",
    "publication_withdraw_follow",
    "stale_after",
]

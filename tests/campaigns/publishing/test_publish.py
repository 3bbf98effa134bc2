"""Exactly-once publishing through the sandbox connector (a non-idempotent simulated platform).

Every sandbox ``publish`` call adds a ``SandboxPost`` row, so a double post is
visible as two rows with one client key. Failures are steered through the
account's credentials, as a real platform would fail; our services are never patched.
"""

import datetime

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from campaigns.content.models import ContentStatus as C
from campaigns.publishing import selectors, services, tasks
from campaigns.publishing.models import AttemptOutcome, ErrorKind, Publication
from campaigns.publishing.models import PublicationStatus as P
from platforms.connectors import PublishContent, connector_for
from platforms.models import SandboxPost, VerificationStatus

from .factories import approved_item, attempt, in_minutes, publication, steer_sandbox

pytestmark = pytest.mark.django_db


def _due(item, account, **fields) -> Publication:
    return publication(item, account, at=timezone.now() - datetime.timedelta(seconds=5), **fields)


def _posts(pub) -> list[SandboxPost]:
    return list(SandboxPost.objects.filter(client_key=str(pub.idempotency_key)))


def _make_due(*pubs) -> None:
    Publication.objects.filter(pk__in=[p.pk for p in pubs]).update(
        scheduled_at=timezone.now() - datetime.timedelta(seconds=1)
    )


def test_the_beat_publishes_a_due_item_with_its_post_id_and_url(campaign, weibo, users):
    item = approved_item(campaign, [weibo])
    [pub] = services.publication_schedule(actor=users["marketer"], item=item, at=in_minutes(5))
    _make_due(pub)

    assert tasks.publications_due_task() == 1

    pub.refresh_from_db()
    [post] = _posts(pub)
    assert (pub.status, pub.external_id, pub.url, pub.attempts) == (
        P.PUBLISHED, post.external_id, post.url, 1
    )
    assert pub.published_at is not None
    [log] = pub.attempt_log.all()
    assert (log.outcome, log.finished_at is not None) == (AttemptOutcome.PUBLISHED, True)
    item.refresh_from_db()
    assert item.status == C.PUBLISHED


def test_an_item_on_two_accounts_is_published_once_on_each(campaign, weibo, douyin, users):
    item = approved_item(campaign, [weibo, douyin])
    pubs = services.publication_schedule(actor=users["marketer"], item=item, at=in_minutes(5))
    _make_due(*pubs)

    tasks.publications_due_task()

    assert [len(_posts(p)) for p in pubs] == [1, 1]
    assert set(Publication.objects.values_list("status", flat=True)) == {P.PUBLISHED}
    item.refresh_from_db()
    assert item.status == C.PUBLISHED


def test_a_publication_not_yet_due_is_left_alone(campaign, weibo, users):
    item = approved_item(campaign, [weibo])
    [pub] = services.publication_schedule(actor=users["marketer"], item=item, at=in_minutes(5))

    assert tasks.publications_due_task() == 0
    assert services.publication_publish(publication_id=pub.pk) == ""

    pub.refresh_from_db()
    assert (pub.status, pub.attempts, _posts(pub)) == (P.SCHEDULED, 0, [])


def test_duplicate_delivery_of_the_same_task_posts_once(campaign, weibo):
    item = approved_item(campaign, [weibo], status=C.SCHEDULED)
    pub = _due(item, weibo)

    first = tasks.publication_publish_task.apply(args=[pub.pk], task_id="delivery-1").get()
    second = tasks.publication_publish_task.apply(args=[pub.pk], task_id="delivery-1").get()

    assert (first, second) == (P.PUBLISHED, "")
    assert len(_posts(pub)) == 1
    pub.refresh_from_db()
    assert pub.attempts == 1


def test_a_beat_that_sends_an_id_twice_posts_once(campaign, weibo):
    item = approved_item(campaign, [weibo], status=C.SCHEDULED)
    pub = _due(item, weibo)
    ids = selectors.publication_ids_due()

    for publication_id in ids + ids:
        tasks.publication_publish_task.delay(publication_id)

    assert len(_posts(pub)) == 1


def test_the_beat_does_not_send_a_queued_row_again_until_its_message_may_be_lost(
    campaign, weibo
):
    item = approved_item(campaign, [weibo], status=C.SCHEDULED)
    pub = _due(item, weibo)

    sent = services.publications_take_due()  # no worker takes it: it waits in the queue
    again = services.publications_take_due()
    Publication.objects.filter(pk=pub.pk).update(
        queued_at=timezone.now() - services.stale_after() - datetime.timedelta(seconds=1)
    )
    lost = services.publications_take_due()

    assert (sent, again, lost) == ([pub.pk], [], [pub.pk])


def test_never_published_without_an_external_id(campaign, weibo):
    item = approved_item(campaign, [weibo], status=C.SCHEDULED)
    pub = _due(item, weibo)

    with pytest.raises(IntegrityError), transaction.atomic():
        Publication.objects.filter(pk=pub.pk).update(status=P.PUBLISHED, external_id="")


# --- failures --------------------------------------------------------------------------


def test_a_busy_platform_puts_it_back_with_growing_delays_then_fails_it(campaign, weibo):
    steer_sandbox(weibo, fail="rate_limited")
    item = approved_item(campaign, [weibo], status=C.SCHEDULED)
    pub = _due(item, weibo)
    delays = []

    for _ in range(services.MAX_TRANSIENT):
        before = timezone.now()
        services.publication_publish(publication_id=pub.pk)
        pub.refresh_from_db()
        if pub.status == P.SCHEDULED:
            delays.append(round((pub.scheduled_at - before).total_seconds() / 60))
            _make_due(pub)

    assert delays == [1, 2, 4, 8]
    assert (pub.status, pub.attempts, pub.error_kind) == (
        P.FAILED, services.MAX_TRANSIENT, ErrorKind.TRANSIENT
    )
    assert list(pub.attempt_log.values_list("outcome", flat=True)) == [AttemptOutcome.RETRY] * 5
    assert _posts(pub) == []
    item.refresh_from_db()
    assert item.status == C.FAILED


def test_backoff_is_capped():
    assert services.backoff(1) == datetime.timedelta(minutes=1)
    assert services.backoff(20) == datetime.timedelta(minutes=30)


def test_rejected_credentials_fail_it_and_flag_the_account(campaign, weibo):
    steer_sandbox(weibo, fail="auth")
    item = approved_item(campaign, [weibo], status=C.SCHEDULED)
    pub = _due(item, weibo)

    assert services.publication_publish(publication_id=pub.pk) == P.FAILED

    pub.refresh_from_db()
    weibo.refresh_from_db()
    item.refresh_from_db()
    assert (pub.status, pub.error_kind, pub.error_code, pub.external_id) == (
        P.FAILED, ErrorKind.AUTH, "sandbox-auth", ""
    )
    assert pub.error_summary.startswith("The platform rejected the account's credentials")
    assert weibo.needs_reconnection is True
    assert item.status == C.FAILED
    assert _posts(pub) == []


def test_a_refusal_fails_it_without_a_post(campaign, weibo):
    steer_sandbox(weibo, fail="permanent")
    item = approved_item(campaign, [weibo], status=C.SCHEDULED)
    pub = _due(item, weibo)

    services.publication_publish(publication_id=pub.pk)

    pub.refresh_from_db()
    assert (pub.status, pub.error_kind, pub.attempt_log.get().outcome) == (
        P.FAILED, ErrorKind.PERMANENT, AttemptOutcome.FAILED
    )


def test_an_account_that_lost_its_qualification_is_not_called(campaign, weibo):
    item = approved_item(campaign, [weibo], status=C.SCHEDULED)
    pub = _due(item, weibo)
    weibo.verification_status = VerificationStatus.EXPIRED
    weibo.save()

    services.publication_publish(publication_id=pub.pk)

    pub.refresh_from_db()
    assert (pub.status, pub.error_kind, _posts(pub)) == (P.FAILED, ErrorKind.ACCOUNT, [])


def test_a_withdrawn_item_is_not_published(campaign, weibo):
    item = approved_item(campaign, [weibo], status=C.WITHDRAWN)
    pub = _due(item, weibo)

    assert tasks.publications_due_task() == 0
    assert services.publication_publish(publication_id=pub.pk) == ""
    assert _posts(pub) == []


# --- outcome unknown and reconciliation --------------------------------------------------


def test_a_timeout_after_the_post_is_unknown_then_reconciliation_finds_the_post(campaign, weibo):
    steer_sandbox(weibo, fail="timeout_after_post")
    item = approved_item(campaign, [weibo], status=C.SCHEDULED)
    pub = _due(item, weibo)

    assert services.publication_publish(publication_id=pub.pk) == P.UNKNOWN
    pub.refresh_from_db()
    item.refresh_from_db()
    assert (pub.status, pub.error_kind, pub.external_id, item.status) == (
        P.UNKNOWN, ErrorKind.UNKNOWN, "", C.UNKNOWN
    )

    assert tasks.publications_reconcile_task() == 1

    pub.refresh_from_db()
    item.refresh_from_db()
    [post] = _posts(pub)
    assert (pub.status, pub.external_id, pub.url) == (P.PUBLISHED, post.external_id, post.url)
    assert pub.outcome_checked_at is not None
    assert pub.attempt_log.get().outcome == AttemptOutcome.PUBLISHED
    assert item.status == C.PUBLISHED


def test_a_timeout_before_the_post_stays_unknown_until_it_cannot_arrive_then_fails(
    campaign, weibo
):
    steer_sandbox(weibo, fail="timeout_before_post")
    item = approved_item(campaign, [weibo], status=C.SCHEDULED)
    pub = _due(item, weibo)
    services.publication_publish(publication_id=pub.pk)

    assert services.publication_reconcile(publication_id=pub.pk) == P.UNKNOWN
    Publication.objects.filter(pk=pub.pk).update(
        publish_started_at=timezone.now() - services.stale_after() - datetime.timedelta(seconds=1)
    )
    assert services.publication_reconcile(publication_id=pub.pk) == P.FAILED

    pub.refresh_from_db()
    assert (pub.error_kind, _posts(pub)) == (ErrorKind.NOT_FOUND, [])
    assert "nothing went out" in pub.error_summary


def _killed_mid_call(item, account, *, posted: bool, age: datetime.timedelta) -> Publication:
    """The row a worker leaves when SIGKILLed after committing ``publishing``.

    With ``posted`` the platform had received the request (the post exists): the
    sandbox is called exactly as the worker called it before it died.
    """
    started = timezone.now() - age
    pub = publication(item, account, status=P.PUBLISHING, attempts=1, publish_started_at=started,
                      at=started)
    attempt(pub, 1, started_at=started)
    if posted:
        connector_for(account).publish(PublishContent(
            title=item.title, body=item.body, client_key=str(pub.idempotency_key)
        ))
    return pub


@pytest.mark.parametrize(("posted", "settled", "kind"), [
    (True, P.PUBLISHED, ""),
    (False, P.FAILED, ErrorKind.NOT_FOUND),
])
def test_a_worker_killed_between_publishing_and_the_answer_is_settled_read_only(
    campaign, weibo, posted, settled, kind
):
    item = approved_item(campaign, [weibo], status=C.PUBLISHING)
    stale = services.stale_after() + datetime.timedelta(seconds=5)
    pub = _killed_mid_call(item, weibo, posted=posted, age=stale)
    posts_before = len(_posts(pub))

    assert tasks.publications_reconcile_task() == 1

    pub.refresh_from_db()
    assert (pub.status, pub.error_kind) == (settled, kind)
    assert len(_posts(pub)) == posts_before  # asked, never posted again
    if posted:
        assert pub.external_id == _posts(pub)[0].external_id
    item.refresh_from_db()
    assert item.status == settled


def test_a_publishing_row_younger_than_the_time_limit_is_left_to_its_worker(campaign, weibo):
    item = approved_item(campaign, [weibo], status=C.PUBLISHING)
    pub = _killed_mid_call(item, weibo, posted=False, age=datetime.timedelta(seconds=10))

    assert tasks.publications_reconcile_task() == 0
    assert services.publication_reconcile(publication_id=pub.pk) == ""

    pub.refresh_from_db()
    assert pub.status == P.PUBLISHING


def test_a_gone_worker_whose_platform_cannot_answer_becomes_unknown_for_a_person(
    campaign, weibo
):
    item = approved_item(campaign, [weibo], status=C.PUBLISHING)
    stale = services.stale_after() + datetime.timedelta(seconds=5)
    pub = _killed_mid_call(item, weibo, posted=False, age=stale)
    steer_sandbox(weibo, fail="rate_limited")  # the lookup fails too

    assert services.publication_reconcile(publication_id=pub.pk) == P.UNKNOWN

    pub.refresh_from_db()
    assert pub.error_kind == ErrorKind.INTERRUPTED


# --- a person retries ---------------------------------------------------------------


def test_a_person_retries_a_failed_publication_after_reading_why(
    campaign, weibo, users, django_capture_on_commit_callbacks
):
    steer_sandbox(weibo, fail="permanent")
    item = approved_item(campaign, [weibo], status=C.SCHEDULED)
    pub = _due(item, weibo)
    services.publication_publish(publication_id=pub.pk)
    steer_sandbox(weibo)  # fixed on the platform

    with django_capture_on_commit_callbacks(execute=True):
        services.publication_retry(actor=users["marketer"], publication=pub, seen_attempt=1)

    pub.refresh_from_db()
    item.refresh_from_db()
    assert (pub.status, pub.attempts, len(_posts(pub)), item.status) == (
        P.PUBLISHED, 2, 1, C.PUBLISHED
    )
    first, second = pub.attempt_log.order_by("number")
    assert (first.outcome, first.error_kind, first.retried_by) == (
        AttemptOutcome.FAILED, ErrorKind.PERMANENT, users["marketer"]
    )
    assert second.outcome == AttemptOutcome.PUBLISHED


def test_a_retry_after_another_outcome_was_recorded_is_refused(campaign, weibo, users):
    steer_sandbox(weibo, fail="permanent")
    item = approved_item(campaign, [weibo], status=C.SCHEDULED)
    pub = _due(item, weibo)
    services.publication_publish(publication_id=pub.pk)

    with pytest.raises(Exception) as exc:
        services.publication_retry(actor=users["marketer"], publication=pub, seen_attempt=0)

    assert exc.value.message_dict == {"seen_attempt": [
        "The outcome changed since you read it; read the latest reason and try again."
    ]}
    pub.refresh_from_db()
    assert pub.status == P.FAILED


def test_an_unknown_one_is_retried_only_after_the_platform_was_asked(
    campaign, weibo, users, django_capture_on_commit_callbacks
):
    steer_sandbox(weibo, fail="timeout_before_post")
    item = approved_item(campaign, [weibo], status=C.SCHEDULED)
    pub = _due(item, weibo)
    services.publication_publish(publication_id=pub.pk)
    steer_sandbox(weibo)

    with pytest.raises(Exception) as exc:
        services.publication_retry(actor=users["marketer"], publication=pub, seen_attempt=1)
    assert list(exc.value.message_dict) == ["status"]

    with django_capture_on_commit_callbacks(execute=True):
        services.publication_check_request(actor=users["marketer"], publication=pub)
    pub.refresh_from_db()
    assert (pub.status, pub.outcome_checked_at is not None) == (P.UNKNOWN, True)

    with django_capture_on_commit_callbacks(execute=True):
        services.publication_retry(actor=users["marketer"], publication=pub, seen_attempt=1)

    pub.refresh_from_db()
    assert (pub.status, len(_posts(pub))) == (P.PUBLISHED, 1)


def test_a_job_the_platform_accepted_but_had_not_finished_is_asked_about_at_once(
    campaign, weibo
):
    """``pending`` (WeChat's asynchronous free-publish): the row waits in ``publishing``
    with the platform's job id, and the reconciliation beat asks without waiting for
    the time limit."""
    item = approved_item(campaign, [weibo], status=C.PUBLISHING)
    pub = _killed_mid_call(item, weibo, posted=True, age=datetime.timedelta(seconds=30))
    Publication.objects.filter(pk=pub.pk).update(pending_ref="job-42")
    pub.attempt_log.update(outcome=AttemptOutcome.PENDING, finished_at=timezone.now())

    assert selectors.publication_ids_to_reconcile() == [pub.pk]
    assert services.publication_reconcile(publication_id=pub.pk) == P.PUBLISHED

    pub.refresh_from_db()
    assert (pub.pending_ref, pub.external_id) == ("", _posts(pub)[0].external_id)
    assert pub.attempt_log.get().outcome == AttemptOutcome.PUBLISHED


def test_cancelling_the_failed_one_of_two_leaves_the_item_published(campaign, weibo, douyin, users):
    steer_sandbox(douyin, fail="permanent")
    item = approved_item(campaign, [weibo, douyin])
    pubs = services.publication_schedule(actor=users["marketer"], item=item, at=in_minutes(5))
    _make_due(*pubs)
    tasks.publications_due_task()
    failed = Publication.objects.get(item=item, account=douyin)
    item.refresh_from_db()
    assert (failed.status, item.status) == (P.FAILED, C.FAILED)

    services.publication_cancel(actor=users["marketer"], publication=failed)

    item.refresh_from_db()
    assert item.status == C.PUBLISHED


def test_cancelling_every_failed_publication_returns_the_item_to_approved(campaign, weibo, users):
    steer_sandbox(weibo, fail="permanent")
    item = approved_item(campaign, [weibo])
    [pub] = services.publication_schedule(actor=users["marketer"], item=item, at=in_minutes(5))
    _make_due(pub)
    tasks.publications_due_task()
    pub.refresh_from_db()

    services.publication_cancel(actor=users["marketer"], publication=pub)

    item.refresh_from_db()
    assert item.status == C.APPROVED

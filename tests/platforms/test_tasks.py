"""Platform tasks: health checks retry transient failures only; the expiry job fans out."""

import datetime

import pytest
from django.utils import timezone, translation

from platforms.connectors import TransientConnectorError
from platforms.models import ConnectorKind, PlatformAccount, VerificationStatus
from platforms.services import account_create
from platforms.tasks import (
    HEALTH_MAX_RETRIES,
    account_check_expiry_task,
    account_health_sync_task,
    accounts_check_expiry_task,
)
from teams.models import Task

from . import fake_wechat
from .factories import PlatformAccountFactory, platform, qualified_account

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate


def checks(server) -> int:
    return [call[0] for call in server.calls].count("/cgi-bin/getcallbackip")


@pytest.fixture
def wechat_account(team, users, settings, server):
    settings.WECHAT_API_BASE = server.url
    return account_create(
        actor=users["marketer"], team=team, platform=platform("wechat_oa"), handle="服务号",
        connector=ConnectorKind.WECHAT_OFFICIAL_ACCOUNT,
        credentials={"app_id": fake_wechat.APP_ID, "app_secret": fake_wechat.APP_SECRET},
    )


# -- connection health: retry transient, record terminal -------------------------------


def test_health_task_runs_on_sync_and_retries_transient_errors_with_capped_backoff():
    from config.celery import app

    assert app.amqp.router.route({}, account_health_sync_task.name)["queue"].name == "sync"
    assert account_health_sync_task.autoretry_for == (TransientConnectorError,)
    assert account_health_sync_task.retry_backoff == 10
    assert account_health_sync_task.retry_backoff_max == 300
    assert account_health_sync_task.retry_jitter is True
    assert account_health_sync_task.max_retries == HEALTH_MAX_RETRIES == 5
    assert account_health_sync_task.acks_late is True


def test_rate_limited_check_is_retried_until_the_platform_answers(
    wechat_account, server, eager_retries
):
    server.state["fail_next"] = [45009, 45009]  # "rate limited" twice, then fine
    result = account_health_sync_task.apply(args=[wechat_account.pk])
    assert result.get() is True
    assert checks(server) == 3
    wechat_account.refresh_from_db()
    assert wechat_account.last_check_ok is True
    assert wechat_account.health_check_under_way is False
    assert wechat_account.last_error_kind == "transient"  # the failed attempts are on record


def test_a_transient_failure_asks_celery_to_retry_and_leaves_the_check_under_way(
    wechat_account, server
):
    from celery.exceptions import Retry

    wechat_account.health_check_requested_at = timezone.now()
    wechat_account.save()
    server.state["fail_next"] = [-1]  # "system busy"
    with pytest.raises(Retry) as info:
        account_health_sync_task.apply(args=[wechat_account.pk], throw=True)
    assert 0 <= info.value.when <= 10  # the first backoff step, jittered
    wechat_account.refresh_from_db()
    assert wechat_account.last_error_kind == "transient"
    assert wechat_account.health_check_under_way is True
    assert wechat_account.last_check_ok is None


def test_a_check_failing_every_time_stops_after_the_cap_and_says_so(
    wechat_account, server, eager_retries
):
    server.state["http_error"] = 503
    result = account_health_sync_task.apply(args=[wechat_account.pk])
    assert result.get() is False
    assert checks(server) == 1 + HEALTH_MAX_RETRIES  # the first attempt and every retry
    wechat_account.refresh_from_db()
    assert wechat_account.last_check_ok is False
    assert wechat_account.last_error_kind == "transient"
    assert wechat_account.needs_reconnection is False
    with translation.override("zh-hans"):
        assert wechat_account.last_check_summary == (
            "平台没有响应或繁忙，重试后仍未成功；请稍后再检查。（错误代码 503）"
        )


@pytest.mark.parametrize(
    ("state", "kind", "attempts"),
    [({"token_error": 40125}, "auth", 0), ({"fail_next": [48001]}, "permanent", 1)],
)
def test_auth_and_permanent_failures_are_recorded_and_never_retried(
    wechat_account, server, eager_retries, state, kind, attempts
):
    server.state.update(state)
    result = account_health_sync_task.apply(args=[wechat_account.pk])
    assert result.get() is False
    assert [c[0] for c in server.calls].count("/cgi-bin/stable_token") == 1
    assert checks(server) == attempts
    wechat_account.refresh_from_db()
    assert wechat_account.last_error_kind == kind
    assert wechat_account.last_check_ok is False
    assert wechat_account.needs_reconnection is (kind == "auth")


def test_health_task_for_a_deleted_account_does_nothing():
    assert account_health_sync_task.apply(args=[987654]).get() is None


# -- qualification expiry: fan-out, one idempotent task per account ------------------------


def test_expiry_job_enqueues_one_task_per_account_that_lapses_soon(
    team, users, django_capture_on_commit_callbacks
):
    soon = qualified_account(team, "douyin", owner=users["marketer"])
    soon.documents.update(expires_on=TODAY() + datetime.timedelta(days=5))
    lapsed = qualified_account(team, "jd", owner=users["marketer"],
                               certification_expires_on=TODAY() - datetime.timedelta(days=1))
    qualified_account(team, "taobao", owner=users["marketer"])  # valid for months
    with django_capture_on_commit_callbacks() as callbacks:
        assert accounts_check_expiry_task.delay().get() == {"enqueued": 2}
    assert len(callbacks) == 2
    for callback in callbacks:
        callback()
    soon_tasks = Task.objects.filter(source_id=str(soon.pk))
    assert soon_tasks.count() == 2 * len(soon.platform.required_documents)
    lapsed.refresh_from_db()
    assert lapsed.verification_status == VerificationStatus.EXPIRED


def test_rerunning_the_expiry_job_creates_no_duplicate_warnings(
    team, users, django_capture_on_commit_callbacks
):
    account = qualified_account(team, "douyin", owner=users["marketer"])
    soon = TODAY() + datetime.timedelta(days=10)
    account.documents.filter(kind="business_licence").update(expires_on=soon)
    for _run in range(3):
        with django_capture_on_commit_callbacks(execute=True):
            accounts_check_expiry_task.delay()
    tasks = Task.objects.filter(source_id=str(account.pk))
    assert tasks.count() == 2  # the owner and the manager, once each
    assert set(tasks.values_list("dedup_key", flat=True)) == {
        f"platform-expiry:{account.pk}:business_licence:{soon.isoformat()}:{users['marketer'].pk}",
        f"platform-expiry:{account.pk}:business_licence:{soon.isoformat()}:{users['manager'].pk}",
    }
    # A warning under the same key is never handed out again, whatever became of it.
    tasks.update(status="cancelled")
    assert account_check_expiry_task.delay(account.pk).get() == {"warned": 0, "expired": 0}
    assert tasks.count() == 2


def test_a_renewed_document_is_warned_about_afresh(team, users):
    account = qualified_account(team, "douyin", owner=users["marketer"])
    first = TODAY() + datetime.timedelta(days=10)
    account.documents.filter(kind="business_licence").update(expires_on=first)
    assert account_check_expiry_task.delay(account.pk).get()["warned"] == 2
    account.documents.filter(kind="business_licence").update(
        expires_on=first + datetime.timedelta(days=15)
    )
    assert account_check_expiry_task.delay(account.pk).get()["warned"] == 2
    assert Task.objects.filter(source_id=str(account.pk)).count() == 4


def test_the_expiry_task_checks_the_day_the_job_ran(team, users):
    account = qualified_account(team, "douyin", owner=users["marketer"])
    account.documents.filter(kind="business_licence").update(expires_on=TODAY())
    yesterday = (TODAY() - datetime.timedelta(days=1)).isoformat()
    assert account_check_expiry_task.delay(account.pk, yesterday).get()["expired"] == 0
    assert account_check_expiry_task.delay(account.pk).get()["expired"] == 0
    tomorrow = (TODAY() + datetime.timedelta(days=1)).isoformat()
    assert account_check_expiry_task.delay(account.pk, tomorrow).get()["expired"] == 1


def test_expiry_task_for_a_deleted_account_does_nothing():
    assert account_check_expiry_task.delay(987654).get() == {"warned": 0, "expired": 0}


# -- expiry: only verified accounts lapse to "expired" -----------------------------


@pytest.mark.parametrize(
    "status",
    [VerificationStatus.REJECTED, VerificationStatus.PENDING, VerificationStatus.UNVERIFIED],
)
def test_expiry_task_keeps_unverified_pending_and_rejected_statuses(team, users, status):
    account = qualified_account(team, "douyin", owner=users["marketer"],
                                verification_status=status)
    account.documents.update(expires_on=TODAY() - datetime.timedelta(days=2))
    result = account_check_expiry_task.delay(account.pk).get()
    assert result["expired"] == 0
    account.refresh_from_db()
    assert account.verification_status == status


def test_expiry_task_still_expires_verified_accounts(
    team, users, django_capture_on_commit_callbacks
):
    account = qualified_account(team, "douyin", owner=users["marketer"])
    PlatformAccountFactory(team=team, platform=platform("jd"),
                           verification_status=VerificationStatus.REJECTED,
                           certification_expires_on=TODAY() - datetime.timedelta(days=1))
    account.documents.update(expires_on=TODAY() - datetime.timedelta(days=2))
    with django_capture_on_commit_callbacks(execute=True):
        accounts_check_expiry_task.delay()
    expired = PlatformAccount.objects.filter(verification_status=VerificationStatus.EXPIRED)
    assert expired.count() == 1
    account.refresh_from_db()
    assert account.verification_status == VerificationStatus.EXPIRED

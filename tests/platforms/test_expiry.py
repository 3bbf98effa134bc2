import datetime

import pytest
from django.conf import settings as django_settings
from django.utils import timezone

from platforms.models import VerificationStatus
from platforms.tasks import account_check_expiry_task, accounts_check_expiry_task
from teams.models import Task
from teams.roles import Role
from tests.factories import member

from .factories import qualified_account

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate


def test_schedule_runs_the_task_daily():
    entry = django_settings.CELERY_BEAT_SCHEDULE["platforms-accounts-check-expiry"]
    assert entry["task"] == "platforms.tasks.accounts_check_expiry_task"


def test_document_expiring_within_30_days_warns_owner_and_managers_once(
    team, users, django_capture_on_commit_callbacks
):
    second_manager = member(team, Role.MANAGER, username="manager2")
    account = qualified_account(team, "douyin", owner=users["marketer"])
    soon = TODAY() + datetime.timedelta(days=20)
    account.documents.filter(kind="business_licence").update(expires_on=soon)
    with django_capture_on_commit_callbacks(execute=True):
        accounts_check_expiry_task.delay()
        accounts_check_expiry_task.delay()  # idempotent
    tasks = Task.objects.filter(source_id=str(account.pk))
    assert {t.owner for t in tasks} == {users["marketer"], users["manager"], second_manager}
    assert tasks.count() == 3
    assert {t.due_date for t in tasks} == {soon}
    tasks.update(status="done")
    assert account_check_expiry_task.delay(account.pk).get()["warned"] == 0
    assert tasks.count() == 3
    account.refresh_from_db()
    assert account.verification_status == VerificationStatus.VERIFIED


def test_nothing_happens_for_documents_valid_beyond_30_days(team, users):
    account = qualified_account(team, "douyin", owner=users["marketer"])
    assert accounts_check_expiry_task.delay().get() == {"enqueued": 0}
    assert account_check_expiry_task.delay(account.pk).get() == {"warned": 0, "expired": 0}
    assert not Task.objects.exists()


def test_certification_expiring_warns(team, users, django_capture_on_commit_callbacks):
    account = qualified_account(
        team, "jd", owner=users["marketer"],
        certification_expires_on=TODAY() + datetime.timedelta(days=30),
    )
    with django_capture_on_commit_callbacks(execute=True):
        accounts_check_expiry_task.delay()
    assert Task.objects.filter(source_id=str(account.pk), owner=users["marketer"]).count() == 1


def test_expired_document_marks_account_expired(team, users):
    account = qualified_account(team, "xiaohongshu", owner=users["marketer"])
    account.documents.filter(kind="business_licence").update(
        expires_on=TODAY() - datetime.timedelta(days=1)
    )
    result = account_check_expiry_task.delay(account.pk).get()
    assert result["expired"] == 1
    account.refresh_from_db()
    assert account.verification_status == VerificationStatus.EXPIRED
    assert account_check_expiry_task.delay(account.pk).get()["expired"] == 0

"""Celery tasks of the privacy ledger: retention fans out one task per active policy."""

import datetime

import pytest
from django.utils import timezone

from compliance.privacy.models import RetentionPolicy, RetentionRun
from compliance.privacy.tasks import retention_enforce_task, retention_policy_enforce_task
from tests.compliance.privacy.factories import ConsentRecordFactory


def test_retention_beat_task_runs(team):
    RetentionPolicy.objects.create(data_category="contact", retention_days=1)
    ConsentRecordFactory(team=team, consented_at=timezone.now() - datetime.timedelta(days=5))
    assert retention_enforce_task.delay().get() == 1  # one task for the one policy
    assert RetentionRun.objects.get().anonymised_count == 1


def test_retention_beat_enqueues_one_task_per_active_policy(team, monkeypatch):
    contact = RetentionPolicy.objects.create(data_category="contact", retention_days=30)
    behaviour = RetentionPolicy.objects.create(data_category="behaviour", retention_days=10)
    RetentionPolicy.objects.create(data_category="location", retention_days=10, is_active=False)
    sent = []
    monkeypatch.setattr(
        retention_policy_enforce_task, "apply_async", lambda args, kwargs: sent.append(args[0])
    )
    assert retention_enforce_task.delay().get() == 2
    assert sent == [contact.pk, behaviour.pk]


def test_retention_policy_task_applies_only_its_policy(team):
    now = timezone.now()
    contact = RetentionPolicy.objects.create(data_category="contact", retention_days=1)
    RetentionPolicy.objects.create(data_category="location", retention_days=1)
    old_contact = ConsentRecordFactory(team=team, consented_at=now - datetime.timedelta(days=5))
    old_location = ConsentRecordFactory(team=team, data_categories=["location"],
                                        consented_at=now - datetime.timedelta(days=5))
    run_id = retention_policy_enforce_task.delay(contact.pk).get()
    run = RetentionRun.objects.get(pk=run_id)
    assert run.details == {"contact": {"consents": 1, "action": "anonymise"}}
    old_contact.refresh_from_db()
    old_location.refresh_from_db()
    assert old_contact.anonymised_at is not None
    assert old_location.anonymised_at is None


def test_retention_policy_task_rerun_changes_nothing(team):
    policy = RetentionPolicy.objects.create(data_category="contact", retention_days=1)
    ConsentRecordFactory(team=team, consented_at=timezone.now() - datetime.timedelta(days=5))
    first = RetentionRun.objects.get(pk=retention_policy_enforce_task.delay(policy.pk).get())
    again = RetentionRun.objects.get(pk=retention_policy_enforce_task.delay(policy.pk).get())
    assert (first.anonymised_count, again.anonymised_count) == (1, 0)


@pytest.mark.parametrize("state", ["missing", "inactive"])
def test_retention_policy_task_skips_a_missing_or_inactive_policy(db, state, caplog):
    policy = RetentionPolicy.objects.create(data_category="contact", retention_days=1,
                                            is_active=state != "inactive")
    policy_id = policy.pk
    if state == "missing":
        policy.delete()
    assert retention_policy_enforce_task.delay(policy_id).get() is None
    assert not RetentionRun.objects.exists()
    assert f"policy {policy_id} is gone or inactive" in caplog.text

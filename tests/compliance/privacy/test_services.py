"""Privacy ledger services (S3.1.3, PIPL): consent, data-subject requests, retention."""

import datetime
import hashlib

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from compliance.privacy.models import ConsentRecord, RetentionPolicy, RetentionRun
from compliance.privacy.pii import pseudonym
from compliance.privacy.services import (
    add_working_days,
    consent_correct,
    consent_record_create,
    consent_withdraw,
    dsr_create,
    dsr_set_status,
    retention_enforce,
)
from compliance.risk.models import OpinionSignal
from teams.models import AuditEvent
from tests.compliance.privacy.factories import ConsentRecordFactory, DataSubjectRequestFactory

PHONE = "13812345678"
ID_NUMBER = "11010519491231002X"
CONSENT = {"subject_ref": "m1", "purpose": "营销", "data_categories": ["contact"],
           "notice_version": "v1", "channel": "app"}


@pytest.mark.parametrize(("start", "days", "due"), [
    (datetime.date(2026, 6, 1), 15, datetime.date(2026, 6, 22)),   # Monday → Monday 3 weeks on
    (datetime.date(2026, 6, 5), 1, datetime.date(2026, 6, 8)),     # Friday → Monday
    (datetime.date(2026, 6, 6), 5, datetime.date(2026, 6, 12)),    # Saturday → next Friday
])
def test_working_days(start, days, due):
    assert add_working_days(start, days) == due

def test_dsr_due_date_uses_setting(team, users, settings):
    received = datetime.datetime(2026, 6, 1, 2, tzinfo=datetime.UTC)
    dsr = dsr_create(actor=users["reviewer"], team=team, subject_ref="m1", kind="access",
                     received_at=received)
    assert dsr.due_date == datetime.date(2026, 6, 22)
    settings.DSR_DUE_WORKING_DAYS = 5
    dsr = dsr_create(actor=users["reviewer"], team=team, subject_ref="m1", kind="deletion",
                     received_at=received)
    assert dsr.due_date == datetime.date(2026, 6, 8)

def test_consent_validation_and_permissions(team, users):
    with pytest.raises(PermissionDenied):
        consent_record_create(actor=users["marketer"], team=team, subject_ref="m1", purpose="营销",
                              data_categories=["contact"], notice_version="v1", channel="app")
    with pytest.raises(ValidationError) as exc:
        consent_record_create(actor=users["reviewer"], team=team, subject_ref="", purpose="营销",
                              data_categories=["nonsense"], notice_version="v1", channel="app")
    assert set(exc.value.message_dict) == {"subject_ref", "data_categories"}
    with pytest.raises(ValidationError) as exc:
        consent_record_create(actor=users["reviewer"], team=team, subject_ref="m1",
                              purpose="健康档案", data_categories=["sensitive"],
                              notice_version="v1", channel="app")
    assert "sensitive_consent" in exc.value.message_dict

def test_withdraw_is_logged_once(team, users):
    record = ConsentRecordFactory(team=team)
    consent_withdraw(actor=users["reviewer"], record=record, channel="app")
    first = record.withdrawn_at
    consent_withdraw(actor=users["reviewer"], record=record, channel="phone")
    record.refresh_from_db()
    assert record.withdrawn_at == first
    assert record.withdrawal_channel == "app"

def test_deletion_request_anonymises_the_person(team, users):
    record = ConsentRecordFactory(team=team, subject_ref="m9")
    dsr = DataSubjectRequestFactory(team=team, subject_ref="m9", kind="deletion")
    with pytest.raises(ValidationError):
        dsr_set_status(actor=users["reviewer"], request=dsr, status="refused")
    dsr_set_status(actor=users["reviewer"], request=dsr, status="completed")
    record.refresh_from_db()
    assert record.subject_phone == record.subject_name == record.subject_id_number == ""
    assert record.subject_ref.startswith("anon-")

def test_retention_anonymises_expired_data_and_logs_a_run(team):
    now = timezone.now()
    RetentionPolicy.objects.create(data_category="contact", retention_days=30)
    RetentionPolicy.objects.create(data_category="behaviour", retention_days=10, action="delete")
    expired = ConsentRecordFactory(team=team, consented_at=now - datetime.timedelta(days=40),
                                   withdrawn_at=now - datetime.timedelta(days=35))
    withdrawn_recently = ConsentRecordFactory(
        team=team, consented_at=now - datetime.timedelta(days=40),
        withdrawn_at=now - datetime.timedelta(days=2))
    fresh = ConsentRecordFactory(team=team)
    other_category = ConsentRecordFactory(team=team, data_categories=["location"],
                                          consented_at=now - datetime.timedelta(days=400))
    OpinionSignal.objects.create(team=team, occurred_at=now - datetime.timedelta(days=11),
                                 score=0.1, label="negative", excerpt="张三 13812345678 太差")
    OpinionSignal.objects.create(team=team, occurred_at=now, score=0.9, label="positive")

    run = retention_enforce(now=now)
    assert run.anonymised_count == 1
    assert run.deleted_count == 1
    assert run.details["contact"]["consents"] == 1
    expired.refresh_from_db()
    assert expired.subject_phone == ""
    assert expired.anonymised_at is not None
    for untouched in (withdrawn_recently, fresh, other_category):
        untouched.refresh_from_db()
        assert untouched.subject_phone == PHONE
    assert OpinionSignal.objects.count() == 1

    again = retention_enforce(now=now)
    assert (again.anonymised_count, again.deleted_count) == (0, 0)
    assert RetentionRun.objects.count() == 2


@pytest.mark.parametrize(("phone", "id_number", "errors"), [
    ("call me", "", {"subject_phone"}),
    ("", "110105194912310021", {"subject_id_number"}),   # check character wrong
    ("123", "12345", {"subject_phone", "subject_id_number"}),
])
def test_consent_refuses_malformed_phone_and_id_number(team, users, phone, id_number, errors):
    with pytest.raises(ValidationError) as exc:
        consent_record_create(actor=users["reviewer"], team=team, subject_phone=phone,
                              subject_id_number=id_number, **CONSENT)
    assert set(exc.value.message_dict) == errors
    assert not ConsentRecord.objects.exists()


def test_consent_accepts_phone_with_separators_and_a_valid_id(team, users):
    record = consent_record_create(actor=users["reviewer"], team=team,
                                   subject_phone="+86 138-1234-5678",
                                   subject_id_number=ID_NUMBER, **CONSENT)
    assert (record.subject_phone, record.subject_id_number) == ("+86 138-1234-5678", ID_NUMBER)


def test_correction_refuses_malformed_details_and_changes_nothing(team, users):
    record = ConsentRecordFactory(team=team)
    with pytest.raises(ValidationError) as exc:
        consent_correct(actor=users["reviewer"], record=record, subject_phone="phone",
                        subject_id_number="110105194912310021")
    assert set(exc.value.message_dict) == {"subject_phone", "subject_id_number"}
    record.refresh_from_db()
    assert (record.subject_phone, record.subject_id_number) == (PHONE, ID_NUMBER)


def test_deletion_replaces_the_subject_with_a_keyed_pseudonym(team, users, settings):
    settings.PSEUDONYM_KEY = "pseudonym-key-for-tests"
    record = ConsentRecordFactory(team=team, subject_ref=PHONE)
    dsr = DataSubjectRequestFactory(team=team, subject_ref=PHONE, kind="deletion")
    dsr_set_status(actor=users["reviewer"], request=dsr, status="completed")
    record.refresh_from_db()
    assert record.subject_ref == pseudonym(PHONE, key="pseudonym-key-for-tests")
    assert record.subject_ref != "anon-" + hashlib.sha256(PHONE.encode()).hexdigest()[:12]


def test_completing_a_deletion_request_twice_erases_once(team, users):
    ConsentRecordFactory(team=team, subject_ref="m9")
    dsr = DataSubjectRequestFactory(team=team, subject_ref="m9", kind="deletion")
    dsr_set_status(actor=users["reviewer"], request=dsr, status="completed")
    # The person gives a new consent after the erasure: a repeated completion must not touch it.
    later = ConsentRecordFactory(team=team, subject_ref="m9")
    with pytest.raises(ValidationError) as exc:
        dsr_set_status(actor=users["manager"], request=dsr, status="completed")
    assert set(exc.value.message_dict) == {"status"}
    later.refresh_from_db()
    assert later.subject_ref == "m9"
    assert later.subject_phone == PHONE
    dsr.refresh_from_db()
    assert dsr.handled_by == users["reviewer"]
    assert AuditEvent.objects.filter(action="privacy.dsr_status").count() == 1


def test_a_stale_copy_cannot_complete_a_request_again(team, users):
    ConsentRecordFactory(team=team, subject_ref="m9")
    dsr = DataSubjectRequestFactory(team=team, subject_ref="m9", kind="deletion")
    stale = type(dsr).objects.get(pk=dsr.pk)
    dsr_set_status(actor=users["reviewer"], request=dsr, status="completed")
    later = ConsentRecordFactory(team=team, subject_ref="m9")
    with pytest.raises(ValidationError):
        dsr_set_status(actor=users["manager"], request=stale, status="completed")
    later.refresh_from_db()
    assert later.subject_ref == "m9"


def test_retention_enforce_can_be_narrowed_to_given_policies(team):
    now = timezone.now()
    contact = RetentionPolicy.objects.create(data_category="contact", retention_days=1)
    RetentionPolicy.objects.create(data_category="location", retention_days=1)
    ConsentRecordFactory(team=team, consented_at=now - datetime.timedelta(days=5))
    ConsentRecordFactory(team=team, data_categories=["location"],
                         consented_at=now - datetime.timedelta(days=5))
    run = retention_enforce(now=now, policies=[contact])
    assert set(run.details) == {"contact"}
    assert run.anonymised_count == 1
    assert ConsentRecord.objects.filter(anonymised_at__isnull=True).count() == 1

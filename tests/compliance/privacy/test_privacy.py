"""Privacy ledger (S3.1.3, PIPL): consent, requests, export, retention, masking."""

import datetime
import json

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from compliance.privacy.models import ConsentRecord, RetentionPolicy, RetentionRun
from compliance.privacy.selectors import mask_id_number, mask_name, mask_phone
from compliance.privacy.services import (
    add_working_days,
    consent_record_create,
    consent_withdraw,
    dsr_create,
    dsr_set_status,
    retention_enforce,
)
from compliance.risk.models import OpinionSignal
from tests.compliance.risk.factories import ConsentRecordFactory, DataSubjectRequestFactory

PHONE = "13812345678"
ID_NUMBER = "11010519491231002X"


def test_masking_rules():
    assert mask_phone(PHONE) == "138****5678"
    assert mask_id_number(ID_NUMBER) == "110105********002X"
    assert mask_name("张三") == "张*"
    assert mask_name("欧阳娜娜") == "欧**娜"
    assert mask_name("张小明") == "张*明"
    assert mask_name("Alice") == "A****"
    assert mask_phone("") == ""


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


def test_retention_beat_task_runs(team):
    from compliance.privacy.tasks import retention_enforce_task

    RetentionPolicy.objects.create(data_category="contact", retention_days=1)
    ConsentRecordFactory(team=team, consented_at=timezone.now() - datetime.timedelta(days=5))
    run_id = retention_enforce_task.delay().get()
    assert RetentionRun.objects.get(pk=run_id).anonymised_count == 1


# --- API and UI: masking by role -------------------------------------------------

@pytest.mark.parametrize(("role", "masked"), [
    ("admin", False), ("manager", False), ("reviewer", False),
    ("marketer", True), ("analyst", True),
])
def test_api_masks_personal_fields_by_role(team, users, api_as, role, masked):
    ConsentRecordFactory(team=team, subject_ref="m1")
    body = api_as(users[role]).get("/api/v1/compliance/consents/").json()["results"][0]
    if masked:
        assert body["subject_phone"] == "138****5678"
        assert body["subject_id_number"] == "110105********002X"
        assert body["subject_name"] == "张*明"
    else:
        assert body["subject_phone"] == PHONE
        assert body["subject_id_number"] == ID_NUMBER
        assert body["subject_name"] == "张小明"


@pytest.mark.parametrize(("role", "masked"), [("reviewer", False), ("marketer", True)])
def test_ui_masks_personal_fields_by_role(team, users, client_as, role, masked):
    ConsentRecordFactory(team=team)
    html = client_as(users[role]).get("/compliance/privacy/").content.decode()
    assert ("138****5678" in html) is masked
    assert (PHONE in html) is not masked
    assert ("11010519491231002X" in html) is not masked


def test_api_consent_list_query_count_and_cross_team(team, users, outsider, api_as,
                                                     django_assert_max_num_queries):
    records = [ConsentRecordFactory(team=team) for _ in range(5)]
    client = api_as(users["analyst"])
    with django_assert_max_num_queries(6):
        assert client.get("/api/v1/compliance/consents/").json()["count"] == 5
    out = api_as(outsider)
    assert out.get(f"/api/v1/compliance/consents/{records[0].pk}/").status_code == 404
    assert out.get("/api/v1/compliance/consents/").json()["count"] == 0


def test_api_consent_create_withdraw_and_bad_input(team, users, api_as):
    client = api_as(users["reviewer"])
    response = client.post("/api/v1/compliance/consents/", {
        "team": team.pk, "subject_ref": "u-77", "subject_phone": PHONE, "purpose": "短信营销",
        "data_categories": ["contact", "marketing"], "notice_version": "v3", "channel": "小程序",
        "cross_border_consent": True,
    }, format="json")
    assert response.status_code == 201
    assert response.json()["cross_border_consent"] is True
    pk = response.json()["id"]
    withdrawn = client.post(f"/api/v1/compliance/consents/{pk}/withdraw/", {"channel": "app"},
                            format="json")
    assert withdrawn.json()["withdrawn_at"] is not None
    bad = client.post("/api/v1/compliance/consents/", {
        "team": team.pk, "subject_ref": "", "subject_phone": "call me", "purpose": "x",
        "data_categories": [], "notice_version": "v3", "channel": "app"}, format="json")
    assert bad.status_code == 400
    assert {"subject_ref", "subject_phone", "data_categories"} <= set(bad.json())
    marketer = api_as(users["marketer"]).post("/api/v1/compliance/consents/", {
        "team": team.pk, "subject_ref": "u", "purpose": "x", "data_categories": ["contact"],
        "notice_version": "v", "channel": "c"}, format="json")
    assert marketer.status_code == 403


def test_api_dsr_and_export(team, users, api_as):
    ConsentRecordFactory(team=team, subject_ref="m5", purpose="会员服务")
    ConsentRecordFactory(team=team, subject_ref="someone-else")
    client = api_as(users["reviewer"])
    created = client.post("/api/v1/compliance/subject-requests/", {
        "team": team.pk, "subject_ref": "m5", "kind": "access"}, format="json")
    assert created.status_code == 201
    pk = created.json()["id"]
    export = client.get(f"/api/v1/compliance/subject-requests/{pk}/export/")
    assert export.status_code == 200
    assert "attachment" in export["Content-Disposition"]
    data = json.loads(export.content)
    assert [c["purpose"] for c in data["consents"]] == ["会员服务"]
    assert data["consents"][0]["phone"] == PHONE
    assert data["requests"][0]["kind"] == "access"
    # Marketers see the request, but may not export unmasked data.
    marketer = api_as(users["marketer"])
    assert marketer.get(f"/api/v1/compliance/subject-requests/{pk}/export/").status_code == 403
    client = api_as(users["reviewer"])
    bad = client.post("/api/v1/compliance/subject-requests/", {
        "team": team.pk, "subject_ref": "m5", "kind": "forget-me"}, format="json")
    assert bad.status_code == 400
    assert "kind" in bad.json()
    refused = client.post(f"/api/v1/compliance/subject-requests/{pk}/status/",
                          {"status": "refused"}, format="json")
    assert refused.status_code == 400
    assert "refusal_reason" in refused.json()


def test_ui_privacy_forms(team, users, client_as, outsider):
    client = client_as(users["reviewer"])
    response = client.post("/compliance/privacy/", {
        "form": "consent", "consent-team": team.pk, "consent-subject_ref": "w1",
        "consent-purpose": "活动报名", "consent-data_categories": ["contact"],
        "consent-legal_basis": "consent", "consent-notice_version": "v1",
        "consent-channel": "H5"})
    assert response.status_code == 302
    assert ConsentRecord.objects.filter(subject_ref="w1").exists()
    bad = client.post("/compliance/privacy/", {"form": "dsr", "dsr-team": team.pk,
                                               "dsr-subject_ref": "", "dsr-kind": "access"})
    assert bad.status_code == 400
    dsr = DataSubjectRequestFactory(team=team, subject_ref="w1")
    export = client.get(f"/compliance/privacy/requests/{dsr.pk}/export/")
    assert json.loads(export.content)["subject_ref"] == "w1"
    assert client_as(outsider).get(
        f"/compliance/privacy/requests/{dsr.pk}/export/").status_code == 404


def test_privacy_page_query_count_is_constant(team, users, client_as,
                                              django_assert_max_num_queries):
    for _ in range(8):
        ConsentRecordFactory(team=team)
        DataSubjectRequestFactory(team=team)
    client = client_as(users["marketer"])
    with django_assert_max_num_queries(15):
        response = client.get("/compliance/privacy/")
    assert response.content.decode().count("138****5678") == 8


def test_phone_used_as_subject_identifier_is_masked_too(team, users, api_as):
    ConsentRecordFactory(team=team, subject_ref="13912345678")
    DataSubjectRequestFactory(team=team, subject_ref="13912345678")
    masked = api_as(users["analyst"])
    assert masked.get("/api/v1/compliance/consents/").json()["results"][0]["subject_ref"] == (
        "139****5678")
    assert masked.get("/api/v1/compliance/subject-requests/").json()["results"][0][
        "subject_ref"] == "139****5678"
    full = api_as(users["manager"])
    assert full.get("/api/v1/compliance/consents/").json()["results"][0]["subject_ref"] == (
        "13912345678")


def test_correction_request_updates_details_and_audits_fields_only(team, users, api_as):
    from teams.models import AuditEvent

    record = ConsentRecordFactory(team=team)
    client = api_as(users["reviewer"])
    response = client.post(f"/api/v1/compliance/consents/{record.pk}/correct/",
                           {"subject_phone": "13700001111"}, format="json")
    assert response.status_code == 200
    assert response.json()["subject_phone"] == "13700001111"
    event = AuditEvent.objects.get(action="privacy.correct")
    assert event.data == {"fields": "subject_phone"}
    assert "13700001111" not in str(event.data)
    bad = client.post(f"/api/v1/compliance/consents/{record.pk}/correct/",
                      {"subject_phone": "phone"}, format="json")
    assert bad.status_code == 400
    marketer = api_as(users["marketer"]).post(
        f"/api/v1/compliance/consents/{record.pk}/correct/", {"subject_name": "x"}, format="json")
    assert marketer.status_code == 403

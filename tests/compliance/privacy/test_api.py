"""Privacy ledger API: consents and data-subject requests, masking by role, lookups (S3.1.3)."""

import json

import pytest

from tests.compliance.privacy.factories import ConsentRecordFactory, DataSubjectRequestFactory

API = "/api/v1/compliance"
PHONE = "13812345678"
ID_NUMBER = "11010519491231002X"
EMAIL = "zhang.san@example.com"


@pytest.mark.parametrize(("method", "path"), [
    ("get", "/consents/abc/"),
    ("post", "/consents/abc/withdraw/"),
    ("post", "/consents/abc/correct/"),
    ("get", "/subject-requests/abc/"),
    ("post", "/subject-requests/abc/status/"),
    ("get", "/subject-requests/abc/export/"),
    ("get", "/consents/%20/"),
    ("get", "/consents/99999999999999999999/"),
    ("post", "/consents/99999999999999999999/withdraw/"),
    ("get", "/subject-requests/99999999999999999999/export/"),
])
def test_api_non_numeric_id_is_a_json_404(users, api_as, method, path):
    client = api_as(users["reviewer"])
    response = getattr(client, method)(API + path, {}, format="json")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("application/json")
    assert "detail" in response.json()


def test_api_numeric_ids_still_work(team, users, api_as):
    record = ConsentRecordFactory(team=team)
    dsr = DataSubjectRequestFactory(team=team)
    client = api_as(users["reviewer"])
    assert client.get(f"{API}/consents/{record.pk}/").json()["id"] == record.pk
    assert client.get(f"{API}/subject-requests/{dsr.pk}/").json()["id"] == dsr.pk
    assert client.get(f"{API}/consents/{record.pk + 1000}/").status_code == 404

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

@pytest.mark.parametrize(("role", "masked"), [
    ("admin", False), ("manager", False), ("reviewer", False),
    ("marketer", True), ("analyst", True),
])
def test_api_masks_email_subject_refs(team, users, api_as, role, masked):
    ConsentRecordFactory(team=team, subject_ref=EMAIL)
    DataSubjectRequestFactory(team=team, subject_ref=EMAIL)
    client = api_as(users[role])
    consent = client.get(f"{API}/consents/").json()["results"][0]
    dsr = client.get(f"{API}/subject-requests/").json()["results"][0]
    expected = "z***@example.com" if masked else EMAIL
    assert consent["subject_ref"] == expected
    assert dsr["subject_ref"] == expected

@pytest.mark.parametrize("role", ["marketer", "analyst"])
def test_api_subject_filter_needs_privacy_capability(team, users, api_as, role):
    ConsentRecordFactory(team=team, subject_ref="13812345678")
    client = api_as(users[role])
    on_file = client.get(f"{API}/consents/", {"subject_ref": "13812345678"})
    not_on_file = client.get(f"{API}/consents/", {"subject_ref": "13900000000"})
    assert on_file.status_code == not_on_file.status_code == 403
    assert on_file.json() == not_on_file.json()

def test_api_subject_filter_works_with_privacy_capability(team, users, api_as):
    ConsentRecordFactory(team=team, subject_ref="13812345678")
    ConsentRecordFactory(team=team, subject_ref="someone-else")
    client = api_as(users["reviewer"])
    found = client.get(f"{API}/consents/", {"subject_ref": "13812345678"}).json()
    assert [r["subject_ref"] for r in found["results"]] == ["13812345678"]
    assert client.get(f"{API}/consents/", {"subject_ref": "139"}).json()["results"] == []

def test_subject_filter_does_not_reach_teams_without_the_capability(
        team, other_team, users, outsider, api_as):
    # The reviewer of ``team`` is not a member of ``other_team``: no lookup there.
    ConsentRecordFactory(team=other_team, subject_ref="13812345678")
    found = api_as(users["reviewer"]).get(f"{API}/consents/", {"subject_ref": "13812345678"})
    assert found.json()["results"] == []


# --- one rule, both doors: formats and the request machine --------------------------

CONSENT = {"subject_ref": "u-88", "purpose": "短信营销", "data_categories": ["contact"],
           "notice_version": "v3", "channel": "小程序"}


@pytest.mark.parametrize(("field", "value", "message"), [
    ("subject_phone", "call me", "Enter a phone number: 7 to 15 digits, with spaces or hyphens "
                                 "between them and an optional + in front."),
    ("subject_id_number", "110105194912310021",
     "Enter a valid 18-character resident ID number."),
])
def test_api_consent_refuses_malformed_personal_details(team, users, api_as, field, value,
                                                        message):
    response = api_as(users["reviewer"]).post(
        f"{API}/consents/", {"team": team.pk, field: value, **CONSENT}, format="json",
        HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    assert response.json() == {field: [message]}


def test_api_consent_accepts_a_valid_id_number(team, users, api_as):
    response = api_as(users["reviewer"]).post(
        f"{API}/consents/", {"team": team.pk, "subject_id_number": ID_NUMBER, **CONSENT},
        format="json")
    assert response.status_code == 201
    assert response.json()["subject_id_number"] == ID_NUMBER


def test_api_correction_refuses_a_wrong_id_check_character(team, users, api_as):
    record = ConsentRecordFactory(team=team)
    response = api_as(users["reviewer"]).post(
        f"{API}/consents/{record.pk}/correct/", {"subject_id_number": "110105194912310021"},
        format="json")
    assert response.status_code == 400
    assert set(response.json()) == {"subject_id_number"}


@pytest.mark.parametrize(("role", "offered"), [
    ("reviewer", ["in_progress", "completed", "refused"]), ("marketer", []), ("analyst", []),
])
def test_api_request_offers_the_moves_the_reader_may_make(team, users, api_as, role, offered):
    dsr = DataSubjectRequestFactory(team=team)
    client = api_as(users[role])
    assert client.get(f"{API}/subject-requests/{dsr.pk}/").json()["next_statuses"] == offered
    listed = client.get(f"{API}/subject-requests/").json()["results"]
    assert [r["next_statuses"] for r in listed] == [offered]


def test_api_completing_a_deletion_twice_is_refused_and_erases_once(team, users, api_as):
    ConsentRecordFactory(team=team, subject_ref="m9")
    dsr = DataSubjectRequestFactory(team=team, subject_ref="m9", kind="deletion")
    client = api_as(users["reviewer"])
    url = f"{API}/subject-requests/{dsr.pk}/status/"
    first = client.post(url, {"status": "completed"}, format="json")
    assert first.status_code == 200
    assert first.json()["next_statuses"] == []
    later = ConsentRecordFactory(team=team, subject_ref="m9")
    again = client.post(url, {"status": "completed"}, format="json", HTTP_ACCEPT_LANGUAGE="en")
    assert again.status_code == 400
    assert again.json() == {"status": ["The status cannot go from “Completed” to “Completed”."]}
    later.refresh_from_db()
    assert later.subject_ref == "m9"


def test_api_request_status_change_without_privacy_edit_is_403(team, users, api_as):
    dsr = DataSubjectRequestFactory(team=team)
    response = api_as(users["marketer"]).post(
        f"{API}/subject-requests/{dsr.pk}/status/", {"status": "in_progress"}, format="json")
    assert response.status_code == 403
    dsr.refresh_from_db()
    assert dsr.status == "received"


def test_api_schema_documents_next_statuses_as_status_choices():
    from drf_spectacular.generators import SchemaGenerator

    schema = SchemaGenerator().get_schema(request=None, public=True)
    prop = schema["components"]["schemas"]["DSR"]["properties"]["next_statuses"]
    assert prop["type"] == "array"
    assert prop["readOnly"] is True

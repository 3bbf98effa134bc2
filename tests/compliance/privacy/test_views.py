"""The privacy ledger page: masking by role, forms, lookups, exports, labels (S3.1.3)."""

import json
import re

import pytest

from compliance.privacy.models import ConsentRecord
from tests.compliance.privacy.factories import ConsentRecordFactory, DataSubjectRequestFactory

PHONE = "13812345678"
EMAIL = "zhang.san@example.com"


def test_ui_non_numeric_id_is_a_404_page(users, client_as):
    client = client_as(users["reviewer"])
    assert client.post("/compliance/privacy/consents/abc/withdraw/").status_code == 404
    assert client.get("/compliance/privacy/requests/abc/export/").status_code == 404
    huge = 99999999999999999999
    assert client.post(f"/compliance/privacy/consents/{huge}/withdraw/").status_code == 404
    assert client.get(f"/compliance/privacy/requests/{huge}/export/").status_code == 404


def test_filter_button_reads_shaixuan(team, users, client_as):
    client = client_as(users["reviewer"])
    html = client.get("/compliance/privacy/").content.decode()
    assert "筛选" in html
    assert "过滤器" not in html


@pytest.mark.parametrize(("role", "masked"), [("reviewer", False), ("marketer", True)])
def test_ui_masks_personal_fields_by_role(team, users, client_as, role, masked):
    ConsentRecordFactory(team=team)
    html = client_as(users[role]).get("/compliance/privacy/").content.decode()
    assert ("138****5678" in html) is masked
    assert (PHONE in html) is not masked
    assert ("11010519491231002X" in html) is not masked

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

@pytest.mark.parametrize(("role", "masked"), [("reviewer", False), ("marketer", True),
                                              ("analyst", True)])
def test_ui_masks_email_subject_refs(team, users, client_as, role, masked):
    ConsentRecordFactory(team=team, subject_ref=EMAIL)
    DataSubjectRequestFactory(team=team, subject_ref="wang.wu@example.com")
    html = client_as(users[role]).get("/compliance/privacy/").content.decode()
    assert (EMAIL in html) is not masked
    assert ("wang.wu@example.com" in html) is not masked
    assert ("z***@example.com" in html) is masked
    assert ("w***@example.com" in html) is masked

@pytest.mark.parametrize("role", ["marketer", "analyst"])
def test_ui_subject_filter_is_ignored_without_capability(team, users, client_as, role):
    ConsentRecordFactory(team=team, subject_ref="13812345678", purpose="会员营销短信")
    ConsentRecordFactory(team=team, subject_ref="m-other", purpose="抽奖活动")
    client = client_as(users[role])
    on_file = client.get("/compliance/privacy/", {"subject": "13812345678"}).content.decode()
    not_on_file = client.get("/compliance/privacy/", {"subject": "13900000000"}).content.decode()
    # The same page either way: both records listed, masked, and no search box.
    for html in (on_file, not_on_file):
        assert "会员营销短信" in html
        assert "抽奖活动" in html
        assert 'name="subject"' not in html

    def table(html):
        return html.split('data-testid="consent-table"', 1)[1].split("</table>", 1)[0]

    assert table(on_file) == table(not_on_file)
    assert "13812345678" not in table(on_file)

def test_ui_subject_filter_works_for_reviewer(team, users, client_as):
    ConsentRecordFactory(team=team, subject_ref="13812345678", purpose="会员营销短信")
    ConsentRecordFactory(team=team, subject_ref="m-other", purpose="抽奖活动")
    html = client_as(users["reviewer"]).get(
        "/compliance/privacy/", {"subject": "13812345678"}).content.decode()
    assert "会员营销短信" in html
    assert "抽奖活动" not in html
    assert 'name="subject"' in html

def test_privacy_ledger_shows_category_labels(team, users, client_as):
    ConsentRecordFactory(team=team, data_categories=["contact", "marketing"])
    html = client_as(users["reviewer"]).get("/compliance/privacy/").content.decode()
    cell = html.split('data-field="data_categories">', 1)[1].split("</td>", 1)[0]
    assert "contact" not in cell
    assert "marketing" not in cell
    assert any("\u4e00" <= ch <= "\u9fff" for ch in cell)

@pytest.mark.parametrize(("role", "offered"), [
    ("analyst", False), ("marketer", False), ("reviewer", True), ("manager", True),
])
def test_subject_export_offered_only_to_roles_that_may_export(
    client_as, team, users, settings, role, offered,
):
    settings.LANGUAGE_CODE = "zh-hans"
    dsr = DataSubjectRequestFactory(team=team)
    client = client_as(users[role])
    html = client.get("/compliance/privacy/").content.decode()
    export_url = f"/compliance/privacy/requests/{dsr.pk}/export/"
    assert 'data-testid="dsr-table"' in html
    assert (export_url in html) is offered
    assert client.get(export_url).status_code == (200 if offered else 403)

def test_subject_request_table_scrolls_on_narrow_screens(client_as, team, users):
    DataSubjectRequestFactory(team=team)
    html = client_as(users["manager"]).get("/compliance/privacy/").content.decode()
    assert '<div class="table-responsive">\n<table class="table table-sm align-middle" ' \
           'data-testid="dsr-table">' in html


# --- one rule, both doors: formats and the request machine --------------------------

def _consent_post(team, **fields):
    data = {"form": "consent", "consent-team": team.pk, "consent-subject_ref": "w2",
            "consent-purpose": "活动报名", "consent-data_categories": ["contact"],
            "consent-legal_basis": "consent", "consent-notice_version": "v1",
            "consent-channel": "H5"}
    data.update({f"consent-{k}": v for k, v in fields.items()})
    return data


@pytest.mark.parametrize(("field", "value"), [
    ("subject_phone", "call me"), ("subject_id_number", "110105194912310021"),
])
def test_page_consent_refuses_malformed_personal_details_under_the_field(
        team, users, client_as, settings, field, value):
    settings.LANGUAGE_CODE = "en"
    response = client_as(users["reviewer"]).post(
        "/compliance/privacy/", _consent_post(team, **{field: value}), HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    form = response.context["consent_form"]
    assert list(form.errors) == [field]
    assert not ConsentRecord.objects.filter(subject_ref="w2").exists()


def test_page_consent_accepts_a_phone_with_separators(team, users, client_as):
    response = client_as(users["reviewer"]).post(
        "/compliance/privacy/", _consent_post(team, subject_phone="+86 138-1234-5678"))
    assert response.status_code == 302
    assert ConsentRecord.objects.get(subject_ref="w2").subject_phone == "+86 138-1234-5678"


def _status_options(html, dsr):
    select = html.split(f'id="dsr-status-{dsr.pk}"', 1)
    if len(select) == 1:
        return None
    return re.findall(r'<option value="(\w+)">', select[1].split("</select>", 1)[0])


@pytest.mark.parametrize(("status", "offered"), [
    ("received", ["in_progress", "completed", "refused"]),
    ("in_progress", ["completed", "refused"]),
    ("completed", None),
    ("refused", None),
])
def test_page_offers_only_the_legal_moves_of_each_request(team, users, client_as, status,
                                                          offered):
    dsr = DataSubjectRequestFactory(team=team, status=status)
    html = client_as(users["reviewer"]).get("/compliance/privacy/").content.decode()
    assert _status_options(html, dsr) == offered


def test_page_offers_no_moves_to_roles_without_privacy_edit(team, users, client_as):
    dsr = DataSubjectRequestFactory(team=team)
    html = client_as(users["marketer"]).get("/compliance/privacy/").content.decode()
    assert _status_options(html, dsr) is None


def test_page_completing_a_deletion_twice_is_refused_and_erases_once(team, users, client_as):
    ConsentRecordFactory(team=team, subject_ref="m9")
    dsr = DataSubjectRequestFactory(team=team, subject_ref="m9", kind="deletion")
    client = client_as(users["reviewer"])
    url = f"/compliance/privacy/requests/{dsr.pk}/status/"
    assert client.post(url, {"status": "completed"}).status_code == 302
    later = ConsentRecordFactory(team=team, subject_ref="m9")
    response = client.post(url, {"status": "completed"}, follow=True)
    assert "状态不能从“已完成”变为“已完成”。" in response.content.decode()
    later.refresh_from_db()
    assert later.subject_ref == "m9"

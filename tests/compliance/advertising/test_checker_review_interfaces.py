"""Review regressions for the checker's interfaces: JSONL command and the paid flag (S3.1.1)."""

import io
import json

import pytest
from django.core.management import call_command

pytestmark = pytest.mark.django_db

URL = "/api/v1/compliance/check/"


def _run(tmp_path, data: bytes):
    source = tmp_path / "posts.jsonl"
    source.write_bytes(data)
    out, err = io.StringIO(), io.StringIO()
    call_command("check_content", "--jsonl", str(source), stdout=out, stderr=err)
    return [json.loads(line) for line in out.getvalue().splitlines()], err.getvalue()


def _line(obj) -> bytes:
    return json.dumps(obj, ensure_ascii=False).encode("utf-8")


def test_each_line_is_decoded_on_its_own(tmp_path):
    data = b"\n".join([
        b"\xef\xbb\xbf" + _line({"text": "最近上新了第一批秋装"}),  # BOM
        _line({"text": "全网最低价"}),
        "{\"text\": \"全网最低价\"}".encode("gbk"),  # not UTF-8
        b"",  # blank
        b"   ",  # blank too
        _line({"text": "顶级面霜"}),
    ]) + b"\n"

    results, err = _run(tmp_path, data)

    assert [r["line"] for r in results] == [1, 2, 3, 4, 5, 6]
    assert results[0]["passed"] is True
    assert results[0]["findings"] == []
    assert [f["rule"] for f in results[1]["findings"]] == ["AB-01"]
    assert "UTF-8" in results[2]["error"]
    assert results[3] == {"line": 4, "error": "blank line"}
    assert results[4] == {"line": 5, "error": "blank line"}
    assert [f["rule"] for f in results[5]["findings"]] == ["AB-02"]
    assert "3 line(s)" in err


PAID_VALUES = [
    (True, True), (False, False), ("true", True), ("false", False), ("1", True), ("0", False),
    ("TRUE", True), (1, True), (0, False), (None, False),
]


@pytest.mark.parametrize(("value", "paid"), PAID_VALUES)
def test_command_parses_the_paid_flag_like_the_api(tmp_path, value, paid):
    results, _err = _run(tmp_path, _line({"text": "亲测好用", "is_paid_promotion": value}) + b"\n")

    assert ("ID-01" in [f["rule"] for f in results[0]["findings"]]) is paid


@pytest.mark.parametrize("value", ["yes please", "maybe", 2, [1], {"a": 1}])
def test_command_rejects_an_unclear_paid_flag(tmp_path, value):
    results, _err = _run(tmp_path, _line({"text": "亲测好用", "is_paid_promotion": value}) + b"\n")

    assert "is_paid_promotion" in results[0]["error"]


@pytest.mark.parametrize(("value", "paid"), PAID_VALUES)
def test_api_parses_the_paid_flag(users, api_as, value, paid):
    response = api_as(users["marketer"]).post(
        URL, {"text": "亲测好用", "is_paid_promotion": value}, format="json"
    )

    assert response.status_code == 200
    assert ("ID-01" in [f["rule"] for f in response.json()["findings"]]) is paid


@pytest.mark.parametrize("value", ["maybe", 2])
def test_api_rejects_an_unclear_paid_flag(users, api_as, value):
    response = api_as(users["marketer"]).post(
        URL, {"text": "亲测好用", "is_paid_promotion": value}, format="json"
    )

    assert response.status_code == 400
    assert "is_paid_promotion" in response.json()


# --- admin: patterns are validated, never silently dropped ---------------------------

def _admin_request(user):
    from django.test import RequestFactory

    user.is_staff = user.is_superuser = True
    user.save()
    request = RequestFactory().post("/admin/")
    request.user = user
    return request


def _rule_data(rule, **changes):
    data = {
        "ruleset": rule.ruleset_id, "code": rule.code, "category": rule.category,
        "severity": rule.severity, "detector": rule.detector, "basis_zh": rule.basis_zh,
        "basis_en": rule.basis_en, "message_zh": rule.message_zh, "message_en": rule.message_en,
        "unless_pattern": rule.unless_pattern, "params": "{}", "enabled": "on",
    }
    data.update(changes)
    return data


@pytest.mark.parametrize(("pattern", "valid"), [("ZL\\d{8,}", True), ("(unclosed", False), ("[z-a]", False)])
def test_admin_rule_form_validates_the_unless_pattern(users, pattern, valid):
    from django.contrib import admin

    from compliance.advertising.models import Rule

    model_admin = admin.site._registry[Rule]
    rule = Rule.objects.get(code="FA-02")
    form_class = model_admin.get_form(_admin_request(users["admin"]), rule, change=True)

    form = form_class(_rule_data(rule, unless_pattern=pattern), instance=rule)

    assert form.is_valid() is valid
    if not valid:
        assert "unless_pattern" in form.errors


@pytest.mark.parametrize(
    ("text", "kind", "valid"),
    [
        ("re-only(", "word", True),  # a plain word is not compiled
        ("最(好|佳)", "regex", True),
        ("最(好|佳", "regex", False),
        ("*bad", "exempt_regex", False),
    ],
)
def test_admin_term_form_validates_patterns(users, text, kind, valid):
    from django.contrib import admin

    from compliance.advertising.models import Rule, Term

    model_admin = admin.site._registry[Term]
    rule = Rule.objects.get(code="AB-01")
    form_class = model_admin.get_form(_admin_request(users["admin"]), None, change=False)

    form = form_class({"rule": rule.pk, "text": text, "kind": kind, "note": "", "enabled": "on"})

    assert form.is_valid() is valid, form.errors
    if not valid:
        assert "text" in form.errors


def test_rule_update_service_refuses_a_broken_unless_pattern(users):
    from django.core.exceptions import ValidationError

    from compliance.advertising import services
    from compliance.advertising.models import Rule

    rule = Rule.objects.get(code="FA-02")
    with pytest.raises(ValidationError) as exc:
        services.rule_update(actor=None, rule=rule, unless_pattern="(ZL")
    assert "unless_pattern" in exc.value.message_dict
    rule.refresh_from_db()
    assert rule.unless_pattern != "(ZL"


# --- stored checks: personal data masked for viewers without privacy.view_personal ------

PERSONAL_TEXT = "联系张经理13812345678，身份证330106199003071236，电话+86-139-1234-5678"
MASKED_TEXT = "联系张经理138****5678，身份证330106********1236，电话+86-139-****-5678"


@pytest.fixture
def stored_check(users, team):
    from compliance.advertising import services

    return services.content_check_run(actor=users["reviewer"], team=team, text=PERSONAL_TEXT)


def test_mask_personal_keeps_length_and_masks_phones_and_ids():
    from compliance.advertising.checker.masking import mask_personal

    assert mask_personal(PERSONAL_TEXT) == MASKED_TEXT
    assert mask_personal("订单号：SN13812345678") == "订单号：SN13812345678"
    assert mask_personal("手机１３８１２３４５６７８") == "手机１３８****５６７８"


@pytest.mark.parametrize(("role", "masked"), [
    ("marketer", True), ("analyst", True), ("reviewer", False), ("manager", False), ("admin", False),
])
def test_api_masks_stored_text_without_privacy_permission(users, api_as, stored_check, role, masked):
    client = api_as(users[role])

    detail = client.get(f"/api/v1/compliance/checks/{stored_check.pk}/").json()
    listed = client.get("/api/v1/compliance/checks/").json()

    expected = MASKED_TEXT if masked else PERSONAL_TEXT
    assert detail["text"] == expected
    rows = listed["results"] if isinstance(listed, dict) else listed
    assert [r["text"] for r in rows if r["id"] == stored_check.pk] == [expected]
    stored_check.refresh_from_db()
    assert stored_check.text == PERSONAL_TEXT  # masking is for display only


@pytest.mark.parametrize(("role", "masked"), [("marketer", True), ("reviewer", False)])
def test_pages_mask_stored_text_without_privacy_permission(users, client_as, stored_check, role, masked):
    from django.urls import reverse

    client = client_as(users[role])
    detail = client.get(reverse("advertising:check_detail", args=[stored_check.pk])).content.decode()
    listing = client.get(reverse("advertising:check_list")).content.decode()

    import re

    shown = re.search(r'data-testid="checked-text">(.*?)</div>', detail, re.S).group(1)
    shown = re.sub(r"<sup>.*?</sup>|<[^>]+>", "", shown)
    assert shown == (MASKED_TEXT if masked else PERSONAL_TEXT)
    assert ("13812345678" in detail) is not masked
    assert ("330106199003071236" in detail) is not masked
    assert ("13812345678" in listing) is not masked


def test_live_checker_shows_the_users_own_text(users, client_as):
    from django.urls import reverse

    response = client_as(users["marketer"]).post(
        reverse("advertising:checker"), {"text": PERSONAL_TEXT, "platform": ""}
    )

    page = response.content.decode()
    assert "13812345678" in page
    assert "PI-01" in page


# --- rule sets loaded from an older data file can be brought up to date ------------------

def test_reload_content_rules_resets_shipped_terms():
    from compliance.advertising.checker import check_text
    from compliance.advertising.models import Rule, RuleSet, Term

    rule = Rule.objects.get(code="AB-01")
    Term.objects.create(rule=rule, text="最低", kind="word")  # an old shipped word
    Term.objects.filter(rule__code="MO-02", text="赌博").delete()  # missing new word
    Rule.objects.filter(code="FA-02").update(unless_pattern="")
    services_version = RuleSet.objects.get(name="default").version
    from compliance.advertising import checker

    checker.invalidate()
    assert "AB-01" in {f.rule for f in check_text("最低消费100元").findings}

    out = io.StringIO()
    call_command("reload_content_rules", stdout=out)

    assert "1 added, 1 removed" in out.getvalue()
    assert RuleSet.objects.get(name="default").version == services_version + 1
    assert check_text("最低消费100元").findings == []
    assert {f.rule for f in check_text("网上赌博平台").findings} == {"MO-02"}
    assert Rule.objects.get(code="FA-02").unless_pattern

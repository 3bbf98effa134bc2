"""Admins edit rules and words in Django admin; every edit is a new rule-set version (S3.1.1)."""

import pytest
from django.contrib import admin
from django.test import RequestFactory

from compliance.advertising.checker import check_text
from compliance.advertising.models import Rule, RuleSet, Term
from teams.models import AuditEvent

pytestmark = pytest.mark.django_db


def _request(user):
    user.is_staff = user.is_superuser = True
    user.save()
    request = RequestFactory().post("/admin/")
    request.user = user
    return request


def test_admin_pages_open(users, client_as):
    client = client_as(users["admin"])
    users["admin"].is_staff = True
    users["admin"].is_superuser = True
    users["admin"].save()
    rule = Rule.objects.get(code="PL-01")

    for url in (
        "/admin/compliance/rule/", f"/admin/compliance/rule/{rule.pk}/change/",
        "/admin/compliance/term/?q=集赞", "/admin/compliance/contentcheck/",
        "/admin/compliance/promotionfiling/", "/admin/compliance/ruleset/",
    ):
        assert client.get(url).status_code == 200, url


def test_disabling_a_rule_in_admin_bumps_the_version_and_takes_effect(users):
    model_admin = admin.site._registry[Rule]
    rule = Rule.objects.get(code="ST-02")
    before = RuleSet.objects.get(name="default").version
    request = _request(users["admin"])
    form_class = model_admin.get_form(request, rule, change=True)
    data = {
        "ruleset": rule.ruleset_id, "code": rule.code, "category": rule.category,
        "severity": rule.severity, "detector": rule.detector, "basis_zh": rule.basis_zh,
        "basis_en": rule.basis_en, "message_zh": rule.message_zh, "message_en": rule.message_en,
        "unless_pattern": "", "params": "{}", "enabled": "",
    }
    form = form_class(data, instance=rule)
    assert form.is_valid(), form.errors

    obj = model_admin.save_form(request, form, change=True)
    model_admin.save_model(request, obj, form, change=True)
    model_admin.save_related(request, form, [], change=True)

    assert Rule.objects.get(code="ST-02").enabled is False
    assert RuleSet.objects.get(name="default").version == before + 1
    assert check_text("国徽图案礼盒").findings == []
    assert AuditEvent.objects.filter(action="compliance.ruleset_edit").exists()


def test_deleting_a_term_in_admin_bumps_the_version(users):
    model_admin = admin.site._registry[Term]
    term = Term.objects.get(rule__code="ST-02", text="国徽")
    before = RuleSet.objects.get(name="default").version

    model_admin.delete_model(_request(users["admin"]), term)

    assert RuleSet.objects.get(name="default").version == before + 1
    assert check_text("国徽图案礼盒").findings == []


# --- admin: patterns are validated, never silently dropped ---------------------------

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
    model_admin = admin.site._registry[Rule]
    rule = Rule.objects.get(code="FA-02")
    form_class = model_admin.get_form(_request(users["admin"]), rule, change=True)

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
    model_admin = admin.site._registry[Term]
    rule = Rule.objects.get(code="AB-01")
    form_class = model_admin.get_form(_request(users["admin"]), None, change=False)

    form = form_class({"rule": rule.pk, "text": text, "kind": kind, "note": "", "enabled": "on"})

    assert form.is_valid() is valid, form.errors
    if not valid:
        assert "text" in form.errors

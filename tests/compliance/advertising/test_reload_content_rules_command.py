"""``manage.py reload_content_rules`` brings a rule set loaded from an older data file up to date (S3.1.1)."""

import io

import pytest
from django.core.management import call_command

from compliance.advertising import checker
from compliance.advertising.checker import check_text
from compliance.advertising.models import Rule, RuleSet, Term

pytestmark = pytest.mark.django_db


def test_reload_content_rules_resets_shipped_terms():
    rule = Rule.objects.get(code="AB-01")
    Term.objects.create(rule=rule, text="最低", kind="word")  # an old shipped word
    Term.objects.filter(rule__code="MO-02", text="赌博").delete()  # missing new word
    Rule.objects.filter(code="FA-02").update(unless_pattern="")
    services_version = RuleSet.objects.get(name="default").version
    checker.invalidate()
    assert "AB-01" in {f.rule for f in check_text("最低消费100元").findings}

    out = io.StringIO()
    call_command("reload_content_rules", stdout=out)

    assert "1 added, 1 removed" in out.getvalue()
    assert RuleSet.objects.get(name="default").version == services_version + 1
    assert check_text("最低消费100元").findings == []
    assert {f.rule for f in check_text("网上赌博平台").findings} == {"MO-02"}
    assert Rule.objects.get(code="FA-02").unless_pattern

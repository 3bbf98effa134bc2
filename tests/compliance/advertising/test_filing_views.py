"""Filing pages: errors sit under their fields; an optional document is not reported missing."""

import datetime

import pytest
from django.utils import timezone

pytestmark = pytest.mark.django_db


def _filing_payload(team, **overrides):
    from tests.compliance.advertising.factories import platform

    today = timezone.localdate()
    data = {
        "team": team.pk, "platform": platform("weibo").pk, "filing_number": "WB-2026-0815",
        "amount_cny": "5000", "starts_on": str(today),
        "ends_on": str(today + datetime.timedelta(days=30)),
    }
    data.update(overrides)
    return data

def test_filing_date_and_amount_errors_sit_under_their_fields(client_as, team, users, settings):
    settings.LANGUAGE_CODE = "zh-hans"
    today = timezone.localdate()
    response = client_as(users["marketer"]).post("/compliance/filings/new/", _filing_payload(
        team, amount_cny="-5", ends_on=str(today - datetime.timedelta(days=3)),
    ))
    html = response.content.decode()
    assert response.status_code == 200
    form = response.context["form"]
    assert form.errors["ends_on"] == ["结束日期不能早于开始日期。"]
    assert form.errors["amount_cny"] == ["请输入不小于零的金额。"]
    assert not form.non_field_errors()
    assert 'data-testid="error-ends_on">结束日期不能早于开始日期。' in html
    # Input is kept.
    assert 'value="WB-2026-0815"' in html

def test_optional_filing_document_is_not_reported_missing(client_as, team, users, settings):
    settings.LANGUAGE_CODE = "zh-hans"
    response = client_as(users["marketer"]).post("/compliance/filings/new/", _filing_payload(
        team, filing_number="",
    ))
    html = response.content.decode()
    assert response.status_code == 200
    assert 'data-testid="error-filing_number"' in html
    assert 'data-testid="error-file"' not in html

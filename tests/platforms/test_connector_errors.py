"""Connector error classes, scrubbing of platform text, and marking an account for reconnection."""

import pytest
from django.utils import translation

import platforms.connectors as connectors
from platforms.connectors import (
    AuthConnectorError,
    ConnectorError,
    OutcomeUnknownError,
    PermanentConnectorError,
    ReplyWindowClosedError,
    TransientConnectorError,
    scrub,
)
from platforms.models import ConnectorErrorKind, error_summary
from platforms.services import account_mark_needs_reconnection, account_record_connector_error
from teams.models import AuditEvent

from .factories import qualified_account


def test_the_contract_names_are_exported():
    for name in ("OutcomeUnknownError", "ReplyWindowClosedError", "PublicationLookup",
                 "PublishContent", "Interaction", "MetricPoint", "connector_for"):
        assert name in connectors.__all__
        assert hasattr(connectors, name)


def test_error_kinds():
    assert OutcomeUnknownError("x").kind == "unknown"
    assert issubclass(OutcomeUnknownError, ConnectorError)
    assert not issubclass(OutcomeUnknownError, TransientConnectorError)
    assert issubclass(ReplyWindowClosedError, PermanentConnectorError)
    assert ReplyWindowClosedError("x", code="45015").kind == "permanent"
    assert {TransientConnectorError.kind, AuthConnectorError.kind, PermanentConnectorError.kind,
            OutcomeUnknownError.kind} <= set(ConnectorErrorKind.values)


def test_publish_content_and_interaction_carry_the_new_fields():
    content = connectors.PublishContent(title="t", body="b")
    assert content.client_key == ""
    interaction = connectors.Interaction(
        external_id="1", kind="comment", text="t", author="a", created_at=None
    )
    assert (interaction.author_id, interaction.post_index) == ("", 0)
    point = connectors.MetricPoint(date=None, metric="reads", value=1.0)
    assert point.hour is None


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("see https://api.weixin.qq.com/cgi-bin/x?access_token=ABC123&x=1 now",
         "see https://api.weixin.qq.com/cgi-bin/x?… now"),
        ('{"access_token": "ABC123", "expires_in": 7200}', '{"access_token": "…", "expires_in": 7200}'),
        ("refresh_token=R-1 client_secret=S-2", "refresh_token=… client_secret=…"),
        ("error 40001: invalid credential rid: 1", "error 40001: invalid credential rid: 1"),
    ],
)
def test_scrub_removes_query_strings_and_secret_values(raw, expected):
    assert scrub(raw) == expected


def test_scrub_removes_given_secrets_and_cuts_long_text():
    assert scrub("the secret is Zs3cr3t-value ok", "Zs3cr3t-value") == "the secret is … ok"
    assert len(scrub("x" * 5000)) == 200


@pytest.mark.django_db
def test_marking_for_reconnection_records_kind_and_code_never_text_and_audits_once(team):
    account = qualified_account(team)
    account.last_error = ""
    account.save()
    error = AuthConnectorError("WeChat error 40125: invalid appsecret sk-LEAK", code=40125)
    account_mark_needs_reconnection(account=account, error=error)
    account_mark_needs_reconnection(account=account, error=error)
    account.refresh_from_db()
    assert account.needs_reconnection is True
    assert (account.last_error_kind, account.last_error_code) == ("auth", "40125")
    assert account.last_error == ""
    events = AuditEvent.objects.filter(action="platform_account.needs_reconnection")
    assert events.count() == 1
    assert "LEAK" not in str(events.get().data)


@pytest.mark.django_db
def test_recording_an_auth_error_marks_the_account(team):
    account = qualified_account(team)
    account_record_connector_error(account=account, error=AuthConnectorError("x", code=21327))
    account.refresh_from_db()
    assert account.needs_reconnection is True
    assert account.last_error_code == "21327"


@pytest.mark.django_db
def test_an_unknown_outcome_is_recorded_with_its_own_translated_summary(team):
    account = qualified_account(team)
    account_record_connector_error(
        account=account, error=OutcomeUnknownError("timeout", code="sandbox-timeout")
    )
    account.refresh_from_db()
    assert account.needs_reconnection is False
    assert account.last_error_kind == "unknown"
    with translation.override("zh-hans"):
        summary = account.last_error_summary
        assert summary == error_summary("unknown", "sandbox-timeout")
        assert "did not say" not in summary

import datetime

import pytest
from django.utils import timezone

from platforms.connectors import (
    AuthConnectorError,
    PublishContent,
    TransientConnectorError,
    connector_for,
)
from platforms.connectors.sandbox import NEGATIVE, POSITIVE, QUESTIONS, SandboxConnector
from platforms.crypto import encrypt_credentials
from platforms.metrics import METRICS, Metric
from platforms.services import account_health_check, account_publish

from .factories import qualified_account

pytestmark = pytest.mark.django_db


def test_sandbox_is_named_as_such(team):
    connector = connector_for(qualified_account(team))
    assert isinstance(connector, SandboxConnector)
    assert connector.is_sandbox
    assert "Sandbox" in connector.label


def test_metrics_are_deterministic_per_account_and_realistic(team):
    one, two = qualified_account(team, "douyin"), qualified_account(team, "wechat_oa")
    since = timezone.localdate() - datetime.timedelta(days=28)
    first = SandboxConnector(one).fetch_metrics(one, since)
    assert first == SandboxConnector(one).fetch_metrics(one, since)
    assert first != SandboxConnector(two).fetch_metrics(two, since)
    assert {p.metric for p in first} <= set(METRICS)
    # Video platforms count plays, article platforms reads.
    assert any(p.metric == Metric.PLAYS for p in first)
    assert any(p.metric == Metric.READS for p in SandboxConnector(two).fetch_metrics(two, since))
    plays = [p.value for p in first if p.metric == Metric.PLAYS]
    likes = [p.value for p in first if p.metric == Metric.LIKES]
    assert len(plays) == 28
    assert len(set(plays)) > 20  # a curve, not a constant
    assert all(0 < like < play for like, play in zip(likes, plays, strict=True))


def test_a_window_is_a_slice_of_the_same_history(team):
    account = qualified_account(team)
    today = timezone.localdate()
    long = SandboxConnector(account).fetch_metrics(account, today - datetime.timedelta(days=10))
    short = SandboxConnector(account).fetch_metrics(account, today - datetime.timedelta(days=3))
    assert set(short) <= set(long)


def test_comments_are_chinese_and_of_mixed_sentiment(team):
    account = qualified_account(team)
    found = SandboxConnector(account).fetch_interactions(
        account, timezone.now() - datetime.timedelta(days=30)
    )
    texts = {i.text for i in found}
    assert texts & set(POSITIVE)
    assert texts & set(NEGATIVE)
    assert texts & set(QUESTIONS)
    assert len({i.external_id for i in found}) == len(found)


def test_publish_is_not_idempotent_like_a_real_platform(team):
    connector = SandboxConnector(qualified_account(team))
    content = PublishContent(title="标题", body="正文")
    assert connector.publish(content) != connector.publish(content)
    assert connector.publish(content).url.startswith("https://sandbox.")


def test_simulated_auth_failure_flags_the_account(team, users):
    account = qualified_account(team)
    with pytest.raises(AuthConnectorError):
        account_publish(actor=users["marketer"], account=account,
                        content=PublishContent(title="t", body="b", extra={"sandbox_fail": "auth"}))
    account.refresh_from_db()
    assert account.needs_reconnection is True
    assert account.last_sync_at is None


def test_transient_failure_does_not_flag_reconnection(team, users):
    account = qualified_account(team)
    with pytest.raises(TransientConnectorError):
        account_publish(actor=users["marketer"], account=account, content=PublishContent(
            title="t", body="b", extra={"sandbox_fail": "transient"}))
    account.refresh_from_db()
    assert account.needs_reconnection is False
    assert "Transient" in account.last_error


def test_health_check_failure_returns_message_not_exception(team, users):
    account = qualified_account(team)
    account.credentials_ciphertext = encrypt_credentials({"sandbox_fail": "auth"})
    account.save()
    result = account_health_check(account=account)
    assert result is None
    account.refresh_from_db()
    error = account.last_error_summary
    assert error
    assert account.needs_reconnection is True

"""The sandbox steered to refuse posts, or to never say what became of one: only
publishing (and the lookup) behaves so; every other call works."""

import datetime

import pytest
from django.utils import timezone

from platforms.connectors import (
    OutcomeUnknownError,
    PermanentConnectorError,
    PublicationLookup,
    PublishContent,
    connector_for,
)
from platforms.crypto import encrypt_credentials
from platforms.models import SandboxPost

from .factories import qualified_account

pytestmark = pytest.mark.django_db

KEY = "6c1d7e2a-1b3c-4d5e-8f90-a1b2c3d4e5f6"
CONTENT = PublishContent(title="新品发布", body="正文", client_key=KEY)


def steered(team, fail: str):
    account = qualified_account(team, "weibo")
    account.credentials_ciphertext = encrypt_credentials({"fail": fail})
    account.save()
    return connector_for(account)


def test_refuse_post_refuses_every_post_and_posts_nothing(team):
    connector = steered(team, "refuse_post")

    with pytest.raises(PermanentConnectorError) as info:
        connector.publish(CONTENT)

    assert (info.value.kind, info.value.code) == ("permanent", "sandbox-refused")
    assert not SandboxPost.objects.exists()
    assert connector.lookup_publication(client_key=KEY) == PublicationLookup(state="not_found")


def test_no_answer_loses_the_answer_and_lookups_never_settle_it(team):
    connector = steered(team, "no_answer")

    with pytest.raises(OutcomeUnknownError):
        connector.publish(CONTENT)

    assert not SandboxPost.objects.exists()
    assert connector.lookup_publication(
        client_key=KEY, title="新品发布"
    ) == PublicationLookup(state="pending")


@pytest.mark.parametrize("fail", ["refuse_post", "no_answer"])
def test_reads_and_health_checks_work_while_publishing_is_steered(team, fail):
    connector = steered(team, fail)
    since = timezone.now() - datetime.timedelta(days=3)

    assert connector.health_check().ok is True
    assert connector.fetch_metrics(None, since.date())
    assert connector.fetch_interactions(None, since)

"""Rows the publishing tests start from: approved items with target accounts, publications."""

import datetime

from django.utils import timezone

from campaigns.content.models import ContentItem, ContentKind, ContentStatus, ContentVariant
from campaigns.publishing.models import Publication, PublicationAttempt, PublicationStatus
from platforms.crypto import encrypt_credentials


def approved_item(campaign, accounts, *, title="Spring tea arrives", status=ContentStatus.APPROVED,
                  **fields) -> ContentItem:
    """An item of ``campaign`` that a reviewer approved, targeting ``accounts``."""
    item = ContentItem.objects.create(
        campaign=campaign, team=campaign.team, owner=campaign.owner,
        kind=fields.pop("kind", ContentKind.IMAGE_TEXT), title=title,
        body=fields.pop("body", "Our new spring tea arrives on Friday."), status=status, **fields,
    )
    for account in accounts:
        ContentVariant.objects.create(item=item, account=account)
    return item


def publication(item, account, *, status=PublicationStatus.SCHEDULED, at=None, **fields):
    """A publication row as the calendar leaves it (without going through a service)."""
    return Publication.objects.create(
        team=item.team, item=item, account=account, status=status,
        scheduled_at=at or timezone.now() - datetime.timedelta(minutes=1), **fields,
    )


def attempt(pub, number=1, **fields) -> PublicationAttempt:
    return PublicationAttempt.objects.create(
        publication=pub, number=number,
        started_at=fields.pop("started_at", pub.publish_started_at or timezone.now()), **fields,
    )


def steer_sandbox(account, **behaviour) -> None:
    """Tell the sandbox connector how to behave for this account (e.g. fail="auth")."""
    account.credentials_ciphertext = encrypt_credentials(behaviour)
    account.save(update_fields=["credentials_ciphertext"])


def in_minutes(minutes: float) -> datetime.datetime:
    return timezone.now() + datetime.timedelta(minutes=minutes)

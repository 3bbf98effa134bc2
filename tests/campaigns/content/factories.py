"""Factories of content rows (tests only)."""

import base64
import datetime

import factory
from django.core.files.base import ContentFile

from campaigns.content.models import (
    ContentItem,
    ContentKind,
    ContentVariant,
    ContentVersion,
    MediaAsset,
    MediaSource,
)
from campaigns.content.services import item_snapshot

# A 1×1 transparent PNG: what ``teams.uploads`` recognises as image/png.
PNG_BYTES = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII="
)


class MediaAssetFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MediaAsset

    title = factory.Sequence(lambda n: f"Picture {n}")
    file = factory.LazyFunction(lambda: ContentFile(PNG_BYTES, name="picture.png"))
    content_type = "image/png"
    size = len(PNG_BYTES)
    source = MediaSource.ORIGINAL


class ContentItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ContentItem

    campaign = None  # required
    team = factory.LazyAttribute(lambda i: i.campaign.team)
    owner = factory.LazyAttribute(lambda i: i.campaign.owner)
    kind = ContentKind.ARTICLE
    title = factory.Sequence(lambda n: f"Post {n}")
    body = "Spring is here: our new tea arrives on Friday."


def item_for(campaign, accounts=(), *, status="draft", author=None, **fields) -> ContentItem:
    """An item with a variant per account and a first version, in ``status``."""
    item = ContentItemFactory(campaign=campaign, status=status, **fields)
    for account in accounts:
        ContentVariant.objects.create(item=item, account=account)
    ContentVersion.objects.create(
        item=item, number=item.version, author=author or item.owner,
        snapshot=item_snapshot(item),
    )
    return item


def in_days(days: int) -> datetime.datetime:
    from django.utils import timezone

    return timezone.now() + datetime.timedelta(days=days)

"""Factories and helpers of the engagement tests."""

from __future__ import annotations

import datetime

import factory
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from campaigns.engagement.models import Interaction, InteractionKind
from compliance.privacy.services import consent_record_create
from platforms.crypto import encrypt_credentials

# A Tuesday, 10:00 in Shanghai: inside the default working hours.
TUESDAY_10 = datetime.datetime(2030, 1, 8, 2, 0, tzinfo=datetime.UTC)


class InteractionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Interaction

    account = None  # required
    team = factory.LazyAttribute(lambda i: i.account.team)
    kind = InteractionKind.COMMENT
    external_id = factory.Sequence(lambda n: f"ext-{n}")
    post_ref = "post-1"
    author_ref = factory.Sequence(lambda n: f"uid-{n}")
    author_name = factory.Sequence(lambda n: f"fan{n}")
    text = "质量很好，物流也快"
    occurred_at = factory.LazyFunction(lambda: timezone.now() - datetime.timedelta(hours=1))
    sentiment_score = 0.9
    sentiment_label = "positive"


def steer(account, **credentials) -> None:
    """Steer the sandbox connector of ``account`` (e.g. ``fail="reply_window_closed"``)."""
    account.credentials_ciphertext = encrypt_credentials(credentials)
    account.save(update_fields=["credentials_ciphertext"])


def csv_upload(text: str, name: str = "list.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, text.encode("utf-8"), content_type="text/csv")


def consent(team, ref: str, purpose: str, **kwargs):
    return consent_record_create(
        actor=None, team=team, subject_ref=ref, purpose=purpose,
        data_categories=["behaviour"], notice_version="v1", channel="活动页", **kwargs,
    )

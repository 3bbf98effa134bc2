"""The uploads volume fills up mid-write: a clean error, nothing half-written.

The disk is "full" after the first chunk: Django's own file system storage has
already created the file and written that chunk when the write fails with
ENOSPC, as a real full volume does. The user sees the reason on the form in
their language; no row, no audit entry and no file (whole or partial) remain.
"""

import datetime
import errno
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import InMemoryUploadedFile, SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone, translation

from campaigns.content.models import MediaAsset
from platforms.models import QualificationDocument
from teams.models import AuditEvent
from tests.campaigns.content.factories import PNG_BYTES
from tests.platforms.factories import qualified_account

pytestmark = pytest.mark.django_db

FULL_MESSAGE = (
    "There is no room left to store files, so nothing was saved. "
    "Ask an administrator to free space, then upload again."
)


def _fills_up_after_first_chunk(self, chunk_size=None):
    self.seek(0)
    yield self.read(16)
    raise OSError(errno.ENOSPC, "No space left on device")


@pytest.fixture
def volume_full(monkeypatch):
    """Every upload the server received stops fitting after its first chunk."""
    monkeypatch.setattr(InMemoryUploadedFile, "chunks", _fills_up_after_first_chunk)


def _files() -> set[Path]:
    root = Path(settings.MEDIA_ROOT)
    return {path for path in root.rglob("*") if path.is_file()} if root.exists() else set()


@pytest.fixture
def media_root(tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def _error_text(response, form: str) -> list[str]:
    return list(response.context[form].errors["file"])


def test_a_media_upload_on_a_full_volume_leaves_nothing(client_as, users, media_root, volume_full):
    audits = AuditEvent.objects.count()
    client = client_as(users["marketer"])

    response = client.post(reverse("content:media"), {
        "title": "茶园", "source": "original",
        "file": SimpleUploadedFile("tea.png", PNG_BYTES * 4, content_type="image/png"),
    }, HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code in (200, 400)
    assert _error_text(response, "form") == [FULL_MESSAGE]
    assert MediaAsset.objects.count() == 0
    assert AuditEvent.objects.count() == audits
    assert _files() == set()


def test_a_qualification_document_on_a_full_volume_leaves_nothing(
    client_as, users, team, media_root, volume_full
):
    account = qualified_account(team)
    documents = QualificationDocument.objects.count()
    audits = AuditEvent.objects.count()
    expires = (timezone.localdate() + datetime.timedelta(days=200)).isoformat()

    response = client_as(users["marketer"]).post(
        reverse("platforms:document_add", args=[account.pk]),
        {"kind": "business_licence", "expires_on": expires,
         "file": SimpleUploadedFile("licence.png", PNG_BYTES * 4, content_type="image/png")},
        HTTP_ACCEPT_LANGUAGE="zh-hans",
    )

    with translation.override("zh-hans"):
        expected = translation.gettext(FULL_MESSAGE)
    assert response.status_code == 400
    assert _error_text(response, "document_form") == [expected]
    assert QualificationDocument.objects.count() == documents
    assert AuditEvent.objects.count() == audits
    assert _files() == set()


def test_another_storage_error_is_not_passed_off_as_a_full_disk(users, team, media_root):
    from campaigns.content.services import media_asset_upload

    class Unreadable(SimpleUploadedFile):
        def chunks(self, chunk_size=None):
            self.seek(0)
            yield self.read(16)
            raise OSError(errno.EIO, "Input/output error")

    with pytest.raises(OSError, match="Input/output error"):
        media_asset_upload(
            actor=users["marketer"], team=team, title="茶园", source="original",
            file=Unreadable("tea.png", PNG_BYTES * 4, content_type="image/png"),
        )
    assert MediaAsset.objects.count() == 0
    assert _files() == set()

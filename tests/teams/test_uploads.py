"""Uploads are judged by content and size, and served only as downloads."""

import pytest
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation

from teams.downloads import attachment_response
from teams.uploads import MEDIA_TYPES, upload_validate

PDF = b"%PDF-1.7\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 32
WEBP = b"RIFF\x24\x00\x00\x00WEBPVP8 " + b"\x00" * 32
MP4 = b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42isom" + b"\x00" * 32
HTML = b"<!doctype html><html><body><script>alert(1)</script></body></html>"
SVG = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'


@pytest.mark.parametrize(("content", "name", "mime"), [
    (PDF, "licence.pdf", "application/pdf"),
    (PNG, "scan.png", "image/png"),
    (JPEG, "scan.jpg", "image/jpeg"),
    (WEBP, "scan.webp", "image/webp"),
    (PDF, "no-extension", "application/pdf"),
])
def test_accepted_documents_are_recognised_by_content(content, name, mime):
    checked = upload_validate(SimpleUploadedFile(name, content))

    assert checked.content_type == mime
    assert checked.size == len(content)


@pytest.mark.parametrize(("content", "name"), [
    (HTML, "page.html"),
    (HTML, "licence.pdf"),
    (SVG, "logo.svg"),
    (b"MZ this is really text", "evil.exe"),
    (b"just some text", "notes.txt"),
    (MP4, "clip.mp4"),
])
def test_other_content_is_refused_whatever_its_name(content, name):
    with translation.override("en"), pytest.raises(ValidationError) as refused:
        upload_validate(SimpleUploadedFile(name, content), field="file")

    assert refused.value.message_dict == {"file": [
        "This file is not one of the accepted types (JPG, PDF, PNG, WEBP), whatever its name says."
    ]}


def test_media_assets_may_also_be_mp4():
    assert upload_validate(SimpleUploadedFile("clip.mp4", MP4), allowed=MEDIA_TYPES).extension == "mp4"


def test_a_file_over_the_cap_is_refused_with_both_sizes(settings):
    settings.UPLOAD_MAX_BYTES = 1024

    with translation.override("en"), pytest.raises(ValidationError) as refused:
        upload_validate(SimpleUploadedFile("big.pdf", PDF + b"0" * 2000))

    assert refused.value.message_dict == {"file": ["The file is 2.0\xa0KB; files may be at most 1.0\xa0KB."]}


def test_an_empty_file_is_refused():
    with pytest.raises(ValidationError) as refused:
        upload_validate(SimpleUploadedFile("empty.pdf", b""), field="document")

    assert list(refused.value.message_dict) == ["document"]


def test_the_refusal_reads_in_chinese():
    with translation.override("zh-hans"), pytest.raises(ValidationError) as refused:
        upload_validate(SimpleUploadedFile("page.html", HTML))

    assert "不是可接受的文件类型" in refused.value.messages[0]


def test_a_download_is_an_attachment_with_the_stored_type_and_nosniff(tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path
    stored = default_storage.save("docs/licence.pdf", ContentFile(PDF))

    from django.db.models import FileField
    from django.db.models.fields.files import FieldFile

    field_file = FieldFile(None, FileField(), stored)
    response = attachment_response(field_file, content_type="application/pdf")

    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="licence.pdf"'
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content) == PDF

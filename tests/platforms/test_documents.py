"""Qualification documents: uploads are checked before anything is stored, and files are
served only through a view that checks the reader, as downloads with their checked type."""

import datetime
from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone, translation

from platforms import services
from platforms.models import QualificationDocument

from .factories import qualified_account

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english_messages():
    """Service messages below are read in English; pages choose their language per request."""
    with translation.override("en"):
        yield


PDF = b"%PDF-1.7\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
HTML = b"<!doctype html><html><body><script>alert(1)</script></body></html>"
SVG = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
EXPIRES = (timezone.localdate() + datetime.timedelta(days=200)).isoformat()
ZH = {"HTTP_ACCEPT_LANGUAGE": "zh-hans"}
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


def _stored_files() -> list[Path]:
    root = Path(settings.MEDIA_ROOT) / "qualifications"
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []


def _file(account, content: bytes = PDF, name: str = "licence.pdf", **extra):
    return services.document_add(
        actor=None, account=account, kind="business_licence",
        expires_on=datetime.date.fromisoformat(EXPIRES),
        file=SimpleUploadedFile(name, content), **extra,
    )


# -- downloads ----------------------------------------------------------------------


def test_a_filed_document_downloads_as_an_attachment_with_its_checked_type(
    client_as, users, team
):
    document = _file(qualified_account(team), PDF, name="licence.html")

    response = client_as(users["analyst"]).get(document.get_file_url())

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == (
        f'attachment; filename="business_licence-{document.pk}.pdf"'
    )
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content) == PDF


def test_another_teams_document_is_404(client_as, outsider, team):
    document = _file(qualified_account(team))

    assert client_as(outsider).get(document.get_file_url()).status_code == 404


def test_a_document_under_another_account_id_is_404(client_as, users, team):
    document = _file(qualified_account(team))
    other = qualified_account(team, "weibo")
    url = reverse("platforms:document_file", args=[other.pk, document.pk])

    assert client_as(users["manager"]).get(url).status_code == 404


def test_api_download_checks_the_team_too(api_as, users, outsider, team):
    account = qualified_account(team)
    document = _file(account)
    url = f"/api/v1/platform-accounts/{account.pk}/documents/{document.pk}/file/"

    response = api_as(users["marketer"]).get(url)

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    assert api_as(outsider).get(url).status_code == 404


def test_an_old_document_of_unknown_type_downloads_as_octet_stream(client_as, users, team):
    document = _file(qualified_account(team))
    QualificationDocument.objects.filter(pk=document.pk).update(content_type="")

    response = client_as(users["marketer"]).get(document.get_file_url())

    assert response["Content-Type"] == "application/octet-stream"
    assert response["Content-Disposition"].startswith("attachment;")


def test_page_and_api_link_to_the_checked_view_never_to_media(
    client_as, api_as, users, team
):
    account = qualified_account(team)
    document = _file(account)

    page = client_as(users["marketer"]).get(
        reverse("platforms:account_detail", args=[account.pk])).content.decode()
    api = api_as(users["marketer"]).get(f"/api/v1/platform-accounts/{account.pk}/").json()

    assert f'href="{document.get_file_url()}"' in page
    assert 'href="/media/' not in page
    [listed] = [d for d in api["documents"] if d["id"] == document.pk]
    assert listed["file"] == (
        f"http://testserver/api/v1/platform-accounts/{account.pk}/documents/{document.pk}/file/"
    )
    assert listed["content_type"] == "application/pdf"


# -- uploads are checked before anything is stored ---------------------------------------


def test_a_pdf_is_stored_under_a_name_of_its_own_with_its_type(team):
    document = _file(qualified_account(team), PDF, name="../../evil.exe")

    assert document.content_type == "application/pdf"
    assert Path(document.file.name).name.startswith("business_licence-")
    assert document.file.name.endswith(".pdf")


@pytest.mark.parametrize(("content", "name"), [
    (HTML, "licence.pdf"), (SVG, "logo.svg"), (b"MZ this is really text", "evil.exe"),
])
def test_the_page_refuses_what_is_not_a_document_and_stores_nothing(
    client_as, users, team, content, name
):
    account = qualified_account(team)
    before_files, before_rows = _stored_files(), QualificationDocument.objects.count()

    response = client_as(users["marketer"]).post(
        reverse("platforms:document_add", args=[account.pk]),
        {"kind": "industry_permit", "expires_on": EXPIRES, "file": SimpleUploadedFile(name, content)},
        **ZH,
    )

    assert response.status_code == 400
    assert response.context["document_form"].errors["file"] == [
        "此文件不是可接受的文件类型（JPG, PDF, PNG, WEBP），与文件名无关。"
    ]
    assert QualificationDocument.objects.count() == before_rows
    assert _stored_files() == before_files


def test_the_api_refuses_an_svg_and_stores_nothing(api_as, users, team):
    account = qualified_account(team)
    before_files, before_rows = _stored_files(), QualificationDocument.objects.count()

    response = api_as(users["marketer"]).post(
        f"/api/v1/platform-accounts/{account.pk}/documents/",
        {"kind": "industry_permit", "expires_on": EXPIRES,
         "file": SimpleUploadedFile("logo.svg", SVG)},
        format="multipart", **EN,
    )

    assert response.status_code == 400
    assert response.json() == {"file": [
        "This file is not one of the accepted types (JPG, PDF, PNG, WEBP), whatever its name says."
    ]}
    assert QualificationDocument.objects.count() == before_rows
    assert _stored_files() == before_files


def test_a_file_over_the_size_cap_is_refused(settings, client_as, users, team):
    settings.UPLOAD_MAX_BYTES = 1024
    account = qualified_account(team)

    response = client_as(users["marketer"]).post(
        reverse("platforms:document_add", args=[account.pk]),
        {"kind": "industry_permit", "expires_on": EXPIRES,
         "file": SimpleUploadedFile("big.pdf", PDF + b"0" * 2048)},
        **EN,
    )

    assert response.status_code == 400
    assert response.context["document_form"].errors["file"] == [
        "The file is 2.0\xa0KB; files may be at most 1.0\xa0KB."
    ]
    assert not account.documents.filter(kind="industry_permit").exists()


def test_a_refused_upload_is_reported_with_the_other_field_errors(team):
    with pytest.raises(ValidationError) as exc:
        services.document_add(
            actor=None, account=qualified_account(team), kind="business_licence",
            expires_on=None, file=SimpleUploadedFile("page.html", HTML),
        )

    assert set(exc.value.message_dict) == {"expires_on", "file"}


# -- an administrator's ID number passes the resident ID checksum --------------------------

VALID_ID = "11010519491231002X"
BAD_CHECKSUM_ID = "110105194912310021"


def test_an_administrator_id_with_a_wrong_check_character_is_refused_on_every_door(
    client_as, api_as, users, team
):
    account = qualified_account(team)
    message = "Enter a valid 18-character resident ID number."
    with pytest.raises(ValidationError) as exc:
        services.document_add(actor=None, account=account, kind="administrator_id",
                              number=BAD_CHECKSUM_ID,
                              expires_on=datetime.date.fromisoformat(EXPIRES))
    assert exc.value.message_dict == {"number": [message]}

    page = client_as(users["marketer"]).post(
        reverse("platforms:document_add", args=[account.pk]),
        {"kind": "administrator_id", "number": BAD_CHECKSUM_ID, "expires_on": EXPIRES}, **EN)
    assert page.status_code == 400
    assert page.context["document_form"].errors["number"] == [message]

    api = api_as(users["marketer"]).post(
        f"/api/v1/platform-accounts/{account.pk}/documents/",
        {"kind": "administrator_id", "number": BAD_CHECKSUM_ID, "expires_on": EXPIRES},
        format="json", **EN)
    assert api.status_code == 400
    assert api.json() == {"number": [message]}


def test_a_valid_administrator_id_and_other_kinds_numbers_are_filed(team):
    account = qualified_account(team)

    admin_id = services.document_add(
        actor=None, account=account, kind="administrator_id", number=VALID_ID,
        expires_on=datetime.date.fromisoformat(EXPIRES))
    licence = services.document_add(
        actor=None, account=account, kind="business_licence", number="91310000MA1TEST001",
        expires_on=datetime.date.fromisoformat(EXPIRES))

    assert (admin_id.number, licence.number) == (VALID_ID, "91310000MA1TEST001")

"""Filing documents: judged by content on upload, downloadable only as attachments by
whoever may see the filing (another team's document is a 404), on the pages and the API."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from compliance.advertising import services
from compliance.advertising.models import FilingDocument, PromotionFiling
from tests.compliance.advertising.factories import PromotionFilingFactory, platform

pytestmark = pytest.mark.django_db

API = "/api/v1/compliance/filings/"
PDF = b"%PDF-1.7\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
HTML = b"<!doctype html><html><body><script>alert(1)</script></body></html>"
SVG = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
REFUSED_ZH = "此文件不是可接受的文件类型"


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def filing(team):
    return PromotionFilingFactory(team=team, filing_number="WB-2026-0815")


def _stored(filing, users, content=PDF, name="contract.pdf", title="合同"):
    return services.filing_document_add(
        actor=users["marketer"], filing=filing, file=SimpleUploadedFile(name, content), title=title
    )


# --- upload -------------------------------------------------------------------------------


def test_an_accepted_document_keeps_the_type_found_and_a_name_of_ours(filing, users):
    document = _stored(filing, users, content=PNG, name="../../evil.html")

    assert document.content_type == "image/png"
    assert document.file.name.startswith(f"filings/{filing.pk}/filing-")
    assert document.file.name.endswith(".png")
    assert "evil" not in document.file.name


@pytest.mark.parametrize(("content", "name"), [
    (HTML, "page.html"), (HTML, "contract.pdf"), (SVG, "logo.svg"), (b"MZ text", "evil.exe"),
])
def test_the_page_refuses_other_content_with_a_translated_message_and_stores_nothing(
    filing, users, client_as, settings, content, name
):
    settings.LANGUAGE_CODE = "zh-hans"
    response = client_as(users["marketer"]).post(
        reverse("advertising:filing_document_add", args=[filing.pk]),
        {"file": SimpleUploadedFile(name, content), "title": "x"}, follow=True,
    )

    assert response.status_code == 200
    assert REFUSED_ZH in response.content.decode()
    assert FilingDocument.objects.count() == 0


def test_a_file_over_the_cap_is_refused(filing, users, settings):
    settings.UPLOAD_MAX_BYTES = 16

    with pytest.raises(Exception) as refused:
        _stored(filing, users)

    assert set(refused.value.message_dict) == {"file"}
    assert FilingDocument.objects.count() == 0


def test_a_new_filing_with_an_html_document_is_not_stored_and_the_error_sits_under_file(
    team, users, client_as, settings
):
    settings.LANGUAGE_CODE = "zh-hans"
    response = client_as(users["marketer"]).post(reverse("advertising:filing_create"), {
        "team": team.pk, "platform": platform("weibo").pk, "filing_number": "WB-1",
        "amount_cny": "10", "starts_on": "2026-01-01", "ends_on": "2026-12-31",
        "file": SimpleUploadedFile("receipt.pdf", HTML), "title": "回执",
    })

    assert response.status_code == 200
    assert REFUSED_ZH in "".join(response.context["doc_form"].errors["file"])
    assert PromotionFiling.objects.count() == 0
    assert FilingDocument.objects.count() == 0


def test_a_title_over_its_limit_is_refused_never_cut(filing, users):
    with pytest.raises(Exception) as refused:
        _stored(filing, users, title="标" * 5000)

    assert refused.value.message_dict["title"] == ["最多 200 个字符（当前 5000 个）。"]
    assert FilingDocument.objects.count() == 0


def test_the_api_refuses_a_5000_character_title_and_an_svg(filing, users, api_as):
    client = api_as(users["marketer"])

    long_title = client.post(f"{API}{filing.pk}/documents/", {
        "file": SimpleUploadedFile("c.pdf", PDF), "title": "t" * 5000,
    }, format="multipart")
    svg = client.post(f"{API}{filing.pk}/documents/", {
        "file": SimpleUploadedFile("c.svg", SVG),
    }, format="multipart")

    assert long_title.status_code == 400
    assert list(long_title.json()) == ["title"]
    assert svg.status_code == 400
    assert list(svg.json()) == ["file"]
    assert FilingDocument.objects.count() == 0


def test_a_new_filing_through_the_api_names_the_documents_field(team, users, api_as):
    response = api_as(users["marketer"]).post(API, {
        "team": team.pk, "platform": "weibo", "filing_number": "WB-9", "amount_cny": "10",
        "starts_on": "2026-01-01", "ends_on": "2026-12-31",
        "document": SimpleUploadedFile("x.pdf", HTML),
    }, format="multipart")

    assert response.status_code == 400
    assert list(response.json()) == ["document"]
    assert PromotionFiling.objects.count() == 0


# --- download -----------------------------------------------------------------------------


def _file_url(document):
    return reverse("advertising:filing_document_file", args=[document.filing_id, document.pk])


@pytest.mark.parametrize("role", ["marketer", "analyst", "reviewer", "manager", "admin"])
def test_every_member_downloads_the_document_as_an_attachment(filing, users, client_as, role):
    document = _stored(filing, users)

    response = client_as(users[role]).get(_file_url(document))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == (
        f'attachment; filename="filing-WB-2026-0815-{document.pk}.pdf"'
    )
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content) == PDF


def test_another_team_gets_404_for_the_document_and_a_wrong_filing_id(
    filing, users, outsider, client_as, team
):
    document = _stored(filing, users)
    other_filing = PromotionFilingFactory(team=team)

    assert client_as(outsider).get(_file_url(document)).status_code == 404
    wrong_pair = reverse("advertising:filing_document_file", args=[other_filing.pk, document.pk])
    assert client_as(users["marketer"]).get(wrong_pair).status_code == 404


def test_the_detail_page_links_the_download_view_never_media(filing, users, client_as):
    document = _stored(filing, users)

    html = client_as(users["marketer"]).get(
        reverse("advertising:filing_detail", args=[filing.pk])
    ).content.decode()

    assert f'href="{_file_url(document)}"' in html
    assert 'href="/media/' not in html


def test_the_api_lists_the_download_url_and_serves_the_file(filing, users, api_as, outsider):
    document = _stored(filing, users)
    client = api_as(users["analyst"])

    listed = client.get(f"{API}{filing.pk}/").json()["documents"]
    url = f"{API}{filing.pk}/documents/{document.pk}/file/"
    download = client.get(url)

    assert listed == [{
        "id": document.pk, "title": "合同", "file": f"http://testserver{url}",
        "content_type": "application/pdf", "uploaded_at": listed[0]["uploaded_at"],
    }]
    assert download.status_code == 200
    assert download["Content-Disposition"].startswith("attachment;")
    assert download["X-Content-Type-Options"] == "nosniff"
    assert api_as(outsider).get(url).status_code == 404

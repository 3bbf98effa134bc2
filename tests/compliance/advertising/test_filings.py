"""Paid-promotion filings: records, pages, API and the validity selector (S3.2.2)."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from compliance.advertising import selectors
from compliance.advertising.models import FilingDocument, PromotionFiling
from teams.models import AuditEvent
from tests.compliance.advertising.factories import PromotionFilingFactory, platform

pytestmark = pytest.mark.django_db

API = "/api/v1/compliance/filings/"
TODAY = timezone.localdate()


def _payload(team, **overrides):
    return {
        "team": team.pk, "platform": "weibo", "filing_number": "WB-2026-0815",
        "contract_reference": "HT-88", "amount_cny": "30000.00",
        "starts_on": str(TODAY), "ends_on": str(TODAY + datetime.timedelta(days=30)),
        **overrides,
    }


# --- selector ---------------------------------------------------------------------

def test_filing_valid_for_picks_the_filing_in_force(team, other_team):
    old = PromotionFilingFactory(
        team=team, starts_on=TODAY - datetime.timedelta(days=60), ends_on=TODAY - datetime.timedelta(days=30)
    )
    current = PromotionFilingFactory(team=team)
    PromotionFilingFactory(team=other_team)
    PromotionFilingFactory(team=team, platform=platform("douyin"))

    assert selectors.filing_valid_for(team, "weibo", TODAY) == current
    assert selectors.filing_valid_for(team, platform("weibo"), old.starts_on) == old
    assert selectors.filing_valid_for(team, "xiaohongshu", TODAY) is None
    assert selectors.filing_valid_for(team, "weibo", TODAY + datetime.timedelta(days=400)) is None


# --- API --------------------------------------------------------------------------

@pytest.mark.parametrize("role", ["marketer", "reviewer", "manager", "admin"])
def test_editors_create_a_filing_through_the_api(users, team, api_as, role):
    response = api_as(users[role]).post(API, _payload(team), format="json")

    assert response.status_code == 201, response.json()
    filing = PromotionFiling.objects.get(pk=response.json()["id"])
    assert filing.team == team
    assert filing.platform.code == "weibo"
    assert str(filing.amount_cny) == "30000.00"
    assert AuditEvent.objects.filter(action="filing.create", target_id=str(filing.pk)).exists()


def test_analyst_may_not_create_a_filing(users, team, api_as):
    response = api_as(users["analyst"]).post(API, _payload(team), format="json")

    assert response.status_code == 403
    assert PromotionFiling.objects.count() == 0


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"filing_number": ""}, "filing_number"),
        ({"amount_cny": "-5"}, "amount_cny"),
        ({"amount_cny": "abc"}, "amount_cny"),
        ({"ends_on": str(TODAY - datetime.timedelta(days=1))}, "ends_on"),
        ({"platform": "myspace"}, "platform"),
        ({"starts_on": "yesterday"}, "starts_on"),
    ],
)
def test_bad_filing_input_is_a_400_with_the_field(users, team, api_as, overrides, field):
    response = api_as(users["marketer"]).post(API, _payload(team, **overrides), format="json")

    assert response.status_code == 400
    assert field in response.json()


def test_duplicate_number_is_a_400(users, team, api_as):
    client = api_as(users["marketer"])
    client.post(API, _payload(team), format="json")

    response = client.post(API, _payload(team), format="json")

    assert response.status_code == 400
    assert "filing_number" in response.json()


def test_filing_for_another_team_cannot_be_created(users, other_team, api_as):
    response = api_as(users["marketer"]).post(API, _payload(other_team), format="json")

    assert response.status_code == 400
    assert "team" in response.json()


def test_filings_of_other_teams_are_invisible(users, team, other_team, api_as):
    mine = PromotionFilingFactory(team=team)
    theirs = PromotionFilingFactory(team=other_team)
    client = api_as(users["marketer"])

    listed = [f["id"] for f in client.get(API).json()["results"]]

    assert listed == [mine.pk]
    assert client.get(f"{API}{theirs.pk}/").status_code == 404
    assert client.patch(f"{API}{theirs.pk}/", {"notes": "x"}, format="json").status_code == 404
    assert client.delete(f"{API}{theirs.pk}/").status_code == 404


def test_update_and_delete_through_the_api(users, team, api_as):
    filing = PromotionFilingFactory(team=team)
    client = api_as(users["reviewer"])

    patched = client.patch(f"{API}{filing.pk}/", {"amount_cny": "45000.50"}, format="json")
    assert patched.status_code == 200
    filing.refresh_from_db()
    assert str(filing.amount_cny) == "45000.50"

    assert client.delete(f"{API}{filing.pk}/").status_code == 204
    assert not PromotionFiling.objects.filter(pk=filing.pk).exists()
    assert AuditEvent.objects.filter(action="filing.delete").exists()


def test_upload_a_document_through_the_api(users, team, api_as, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    filing = PromotionFilingFactory(team=team)

    response = api_as(users["marketer"]).post(
        f"{API}{filing.pk}/documents/",
        {"file": SimpleUploadedFile("contract.pdf", b"%PDF-1.4 test"), "title": "合同"},
        format="multipart",
    )

    assert response.status_code == 201
    assert FilingDocument.objects.get(filing=filing).title == "合同"


def test_filing_list_endpoint_is_constant_in_queries(users, team, api_as, django_assert_max_num_queries):
    for _ in range(5):
        PromotionFilingFactory(team=team)
    client = api_as(users["marketer"])

    with django_assert_max_num_queries(6):
        response = client.get(API)

    assert response.json()["count"] == 5


# --- pages ------------------------------------------------------------------------

def test_filing_list_page_is_scoped_and_constant_in_queries(
    users, team, other_team, client_as, django_assert_max_num_queries
):
    for _ in range(4):
        PromotionFilingFactory(team=team)
    PromotionFilingFactory(team=other_team, filing_number="THEIRS-1")
    client = client_as(users["marketer"])

    with django_assert_max_num_queries(10):
        response = client.get(reverse("advertising:filing_list"))

    html = response.content.decode()
    assert html.count("WB-2026-") == 4
    assert "THEIRS-1" not in html
    assert 'data-testid="filing-new"' in html


def test_create_filing_on_the_page_with_a_document(users, team, client_as, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    client = client_as(users["marketer"])

    response = client.post(
        reverse("advertising:filing_create"),
        {**_payload(team), "platform": platform("weibo").pk,
         "file": SimpleUploadedFile("receipt.pdf", b"%PDF"), "title": "平台回执"},
        follow=True,
    )

    filing = PromotionFiling.objects.get()
    assert response.redirect_chain[-1][0] == reverse("advertising:filing_detail", args=[filing.pk])
    assert "平台回执" in response.content.decode()


def test_create_filing_page_shows_errors(users, team, client_as):
    response = client_as(users["marketer"]).post(
        reverse("advertising:filing_create"),
        {**_payload(team, ends_on=str(TODAY - datetime.timedelta(days=3))), "platform": platform("weibo").pk},
    )

    assert response.status_code == 200
    assert PromotionFiling.objects.count() == 0
    assert "is-invalid" in response.content.decode() or "alert-danger" in response.content.decode()


def test_edit_and_delete_on_the_pages(users, team, client_as):
    filing = PromotionFilingFactory(team=team)
    client = client_as(users["reviewer"])

    client.post(
        reverse("advertising:filing_edit", args=[filing.pk]),
        {**_payload(team, filing_number="WB-NEW-1"), "platform": platform("weibo").pk},
    )
    filing.refresh_from_db()
    assert filing.filing_number == "WB-NEW-1"

    client.post(reverse("advertising:filing_delete", args=[filing.pk]))
    assert not PromotionFiling.objects.filter(pk=filing.pk).exists()


def test_analyst_sees_filings_but_cannot_change_them(users, team, client_as):
    filing = PromotionFilingFactory(team=team)
    client = client_as(users["analyst"])

    page = client.get(reverse("advertising:filing_detail", args=[filing.pk])).content.decode()
    assert filing.filing_number in page
    assert reverse("advertising:filing_edit", args=[filing.pk]) not in page

    client.post(reverse("advertising:filing_delete", args=[filing.pk]))
    assert PromotionFiling.objects.filter(pk=filing.pk).exists()


def test_filing_pages_of_another_team_are_404(team, other_team, outsider, client_as):
    filing = PromotionFilingFactory(team=team)
    client = client_as(outsider)

    for name in ("filing_detail", "filing_edit"):
        assert client.get(reverse(f"advertising:{name}", args=[filing.pk])).status_code == 404
    assert client.post(reverse("advertising:filing_delete", args=[filing.pk])).status_code == 404

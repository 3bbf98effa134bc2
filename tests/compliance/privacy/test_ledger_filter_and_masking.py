"""The ledger's subject filter narrows every list on the page, and a request's details
are masked for roles without the personal-data permission, on the page and in the API."""

import pytest
from django.urls import reverse

from tests.compliance.privacy.factories import ConsentRecordFactory, DataSubjectRequestFactory

pytestmark = pytest.mark.django_db
DETAILS = "call me 13900001111 or write to zhang.san@example.com, ID 110105194912310021"


@pytest.fixture
def two_subjects(team):
    ConsentRecordFactory(team=team, subject_ref="member-1")
    ConsentRecordFactory(team=team, subject_ref="member-2")
    mine = DataSubjectRequestFactory(team=team, subject_ref="member-1", details="导出我的数据")
    other = DataSubjectRequestFactory(team=team, subject_ref="member-2", details="删除我的账户")
    return mine, other


def test_the_subject_filter_narrows_the_requests_too(two_subjects, users, client_as):
    mine, other = two_subjects

    page = client_as(users["manager"]).get(reverse("privacy:ledger"), {"subject": "member-1"})

    assert [record.subject_ref for record, _personal in page.context["rows"]] == ["member-1"]
    assert [row[0].pk for row in page.context["requests"]] == [mine.pk]
    assert f'data-dsr="{other.pk}"' not in page.content.decode()


def test_without_a_filter_every_request_is_listed(two_subjects, users, client_as):
    page = client_as(users["manager"]).get(reverse("privacy:ledger"))

    assert len(page.context["requests"]) == 2


def test_the_api_filters_requests_by_subject_for_personal_data_holders(
    two_subjects, users, api_as
):
    mine, _other = two_subjects

    listed = api_as(users["manager"]).get("/api/v1/compliance/subject-requests/",
                                          {"subject_ref": "member-1"})
    refused = api_as(users["analyst"]).get("/api/v1/compliance/subject-requests/",
                                           {"subject_ref": "member-1"})

    assert [r["id"] for r in listed.json()["results"]] == [mine.pk]
    assert refused.status_code == 403


def test_an_analyst_sees_masked_details_in_the_api_and_on_the_page(team, users, api_as, client_as):
    request = DataSubjectRequestFactory(team=team, details=DETAILS)
    masked = (
        "call me 139****1111 or write to z********@example.com, ID 110105********0021"
    )

    api = api_as(users["analyst"]).get(f"/api/v1/compliance/subject-requests/{request.pk}/")
    page = client_as(users["analyst"]).get(reverse("privacy:ledger")).content.decode()

    assert api.json()["details"] == masked
    assert masked in page
    assert "13900001111" not in page
    assert "zhang.san" not in page


def test_a_manager_sees_the_details_as_written(team, users, api_as):
    request = DataSubjectRequestFactory(team=team, details=DETAILS)

    api = api_as(users["manager"]).get(f"/api/v1/compliance/subject-requests/{request.pk}/")

    assert api.json()["details"] == DETAILS

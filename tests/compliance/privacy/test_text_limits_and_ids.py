"""Privacy ledger inputs: longer than the limit is refused with the limit (never cut),
a resident ID passes its checksum on every door (admin too), impossible times are 400s."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation

from compliance.privacy import services
from compliance.privacy.models import ConsentRecord, DataSubjectRequest
from tests.compliance.privacy.factories import ConsentRecordFactory

pytestmark = pytest.mark.django_db
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


@pytest.fixture(autouse=True)
def english_messages():
    with translation.override("en"):
        yield


def test_18000_characters_of_request_details_are_refused_on_the_page(team, users, client_as):
    response = client_as(users["manager"]).post(reverse("privacy:ledger"), {
        "form": "dsr", "dsr-team": team.pk, "dsr-subject_ref": "member-1",
        "dsr-kind": "access", "dsr-details": "详" * 18000,
    }, **EN)

    assert response.status_code == 400
    assert response.context["dsr_form"].errors["details"] == [
        "Keep this to 5000 characters (it has 18000)."
    ]
    assert not DataSubjectRequest.objects.exists()


def test_the_ledger_forms_carry_no_maxlength(team, users, client_as):
    page = client_as(users["manager"]).get(reverse("privacy:ledger")).content.decode()

    assert "maxlength" not in page


def test_details_of_5000_characters_are_kept_whole(team, users):
    request = services.dsr_create(actor=users["manager"], team=team, subject_ref="m",
                                  kind="access", details="字" * 5000)

    assert len(DataSubjectRequest.objects.get(pk=request.pk).details) == 5000


def test_a_long_withdrawal_channel_is_refused_not_cut(team, users):
    record = ConsentRecordFactory(team=team)

    with pytest.raises(ValidationError) as exc:
        services.consent_withdraw(actor=users["manager"], record=record, channel="c" * 61)

    assert exc.value.message_dict == {"channel": ["Keep this to 60 characters (it has 61)."]}
    assert ConsentRecord.objects.get(pk=record.pk).withdrawn_at is None


def test_a_refusal_reason_is_bounded(team, users):
    request = services.dsr_create(actor=users["manager"], team=team, subject_ref="m",
                                  kind="access")

    with pytest.raises(ValidationError) as exc:
        services.dsr_set_status(actor=users["manager"], request=request, status="refused",
                                refusal_reason="r" * 5001)

    assert exc.value.message_dict == {
        "refusal_reason": ["Keep this to 5000 characters (it has 5001)."]
    }


def test_year_one_is_a_400_not_a_500(team, users, api_as):
    response = api_as(users["manager"]).post("/api/v1/compliance/consents/", {
        "team": team.pk, "subject_ref": "m-1", "purpose": "营销", "data_categories": ["contact"],
        "notice_version": "v1", "channel": "web", "consented_at": "0001-01-01T00:00:00",
    }, format="json", **EN)

    assert response.status_code == 400
    assert not ConsentRecord.objects.exists()


def test_a_consent_time_before_1970_is_refused_by_the_service(team, users):
    import datetime

    with pytest.raises(ValidationError) as exc:
        services.consent_record_create(
            actor=users["manager"], team=team, subject_ref="m-1", purpose="营销",
            data_categories=["contact"], notice_version="v1", channel="web",
            consented_at=datetime.datetime(1, 1, 2, tzinfo=datetime.UTC),
        )

    assert exc.value.message_dict == {
        "consented_at": ["Enter a date and time between 1970 and today."]
    }


def test_the_admin_form_refuses_an_id_number_with_a_wrong_check_character(team):
    from django.contrib import admin

    record = ConsentRecordFactory(team=team)
    form_class = admin.site._registry[ConsentRecord].form
    data = {
        "team": team.pk, "subject_ref": record.subject_ref, "purpose": record.purpose,
        "data_categories": '["contact"]', "legal_basis": "consent", "notice_version": "v1",
        "channel": "web", "consented_at": "2026-01-01 10:00",
        "subject_id_number": "110105194912310021", "subject_phone": "138 1234 5678",
    }

    with translation.override("en"):
        wrong = form_class(data=data, instance=record)
        right = form_class(data={**data, "subject_id_number": "11010519491231002X"},
                           instance=record)

        assert wrong.errors["subject_id_number"] == [
            "Enter a valid 18-character resident ID number."
        ]
        assert right.is_valid(), right.errors

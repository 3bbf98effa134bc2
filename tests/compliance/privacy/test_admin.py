"""Django admin for requests: status is read-only there, so a completed request stays completed."""

from tests.compliance.privacy.factories import DataSubjectRequestFactory


def test_request_admin_shows_status_without_letting_it_be_edited(team, client, admin_user):
    dsr = DataSubjectRequestFactory(team=team, status="completed")
    client.force_login(admin_user)
    response = client.get(f"/admin/privacy/datasubjectrequest/{dsr.pk}/change/")
    assert response.status_code == 200
    assert "status" not in response.context["adminform"].form.fields
    assert "status" in response.context["adminform"].readonly_fields

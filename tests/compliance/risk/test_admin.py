"""Django admin for incidents: status is read-only there, so every move goes through the machine."""

from compliance.risk.services import incident_open


def test_incident_admin_shows_status_without_letting_it_be_edited(team, client, admin_user):
    incident = incident_open(actor=None, team=team, incident_type="other", title="账号异常")
    client.force_login(admin_user)
    response = client.get(f"/admin/risk/incident/{incident.pk}/change/")
    assert response.status_code == 200
    assert "status" not in response.context["adminform"].form.fields
    assert "status" in response.context["adminform"].readonly_fields

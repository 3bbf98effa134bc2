"""A reviewer overrides a blocking finding only with a written reason; audited and visible (S3.1.1)."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from compliance.advertising import services
from compliance.advertising.models import FindingOverride
from teams.models import AuditEvent

pytestmark = pytest.mark.django_db

TEXT = "全网最低价，专利配方"  # AB-01 blocks, FA-02 warns
REASON = "法务已核实全网比价截图，存档编号 L-2026-031。"


@pytest.fixture
def check(users, team):
    return services.content_check_run(actor=users["marketer"], team=team, text=TEXT)


def test_check_has_one_blocking_and_one_warning(check):
    assert [(f["rule"], f["severity"]) for f in check.findings] == [("AB-01", "block"), ("FA-02", "warn")]
    assert check.passed is False
    assert check.cleared is False


@pytest.mark.parametrize("role", ["reviewer", "manager", "admin"])
def test_reviewers_override_with_a_reason_and_it_is_audited(users, check, role):
    override = services.finding_override(actor=users[role], check=check, finding_index=0, reason=REASON)

    check.refresh_from_db()
    assert check.cleared is True
    assert override.rule_code == "AB-01"
    assert override.match == "全网最低价"
    event = AuditEvent.objects.get(action="compliance.override")
    assert event.actor == users[role]
    assert event.reason == REASON
    assert event.target_id == str(check.pk)
    assert "AB-01" in event.message


@pytest.mark.parametrize("role", ["marketer", "analyst"])
def test_other_roles_may_not_override(users, check, role):
    with pytest.raises(PermissionDenied):
        services.finding_override(actor=users[role], check=check, finding_index=0, reason=REASON)
    assert FindingOverride.objects.count() == 0


@pytest.mark.parametrize("reason", ["", "   ", "ok"])
def test_override_needs_a_written_reason(users, check, reason):
    with pytest.raises(ValidationError) as exc:
        services.finding_override(actor=users["reviewer"], check=check, finding_index=0, reason=reason)
    assert "reason" in exc.value.message_dict
    check.refresh_from_db()
    assert check.cleared is False


def test_warnings_and_missing_findings_cannot_be_overridden(users, check):
    for index in (1, 5):
        with pytest.raises(ValidationError) as exc:
            services.finding_override(actor=users["reviewer"], check=check, finding_index=index, reason=REASON)
        assert "finding_index" in exc.value.message_dict


def test_the_same_finding_is_not_overridden_twice(users, check):
    services.finding_override(actor=users["reviewer"], check=check, finding_index=0, reason=REASON)

    with pytest.raises(ValidationError):
        services.finding_override(actor=users["manager"], check=check, finding_index=0, reason=REASON)
    assert FindingOverride.objects.count() == 1


def test_check_is_cleared_only_when_every_blocking_finding_is_overridden(users, team):
    check = services.content_check_run(actor=users["marketer"], team=team, text="顶级面霜，开光貔貅")
    services.finding_override(actor=users["reviewer"], check=check, finding_index=0, reason=REASON)
    check.refresh_from_db()
    assert check.cleared is False

    services.finding_override(actor=users["reviewer"], check=check, finding_index=1, reason=REASON)
    check.refresh_from_db()
    assert check.cleared is True


# --- API --------------------------------------------------------------------------

def test_api_override(users, check, api_as):
    url = f"/api/v1/compliance/checks/{check.pk}/override/"

    missing = api_as(users["reviewer"]).post(url, {"finding_index": 0, "reason": ""}, format="json")
    forbidden = api_as(users["marketer"]).post(url, {"finding_index": 0, "reason": REASON}, format="json")
    done = api_as(users["reviewer"]).post(url, {"finding_index": 0, "reason": REASON}, format="json")

    assert missing.status_code == 400
    assert "reason" in missing.json()
    assert forbidden.status_code == 403
    assert done.status_code == 201
    assert done.json()["overridden_by"] == "reviewer"
    detail = api_as(users["analyst"]).get(f"/api/v1/compliance/checks/{check.pk}/").json()
    assert detail["cleared"] is True
    assert detail["overrides"][0]["reason"] == REASON


def test_api_override_of_another_teams_check_is_a_404(check, outsider, api_as):
    response = api_as(outsider).post(
        f"/api/v1/compliance/checks/{check.pk}/override/", {"finding_index": 0, "reason": REASON},
        format="json",
    )
    assert response.status_code == 404


# --- page -------------------------------------------------------------------------

def test_reviewer_overrides_on_the_check_page_and_sees_it(users, check, client_as):
    client = client_as(users["reviewer"])
    page = client.get(reverse("advertising:check_detail", args=[check.pk])).content.decode()
    assert page.count('data-testid="override-form"') == 1  # only the blocking finding

    response = client.post(
        reverse("advertising:check_override", args=[check.pk]), {"finding_index": 0, "reason": REASON},
        follow=True,
    )

    html = response.content.decode()
    assert 'data-testid="finding-override"' in html
    assert REASON in html
    assert 'data-testid="override-form"' not in html


def test_marketer_sees_no_override_form_and_cannot_post_one(users, check, client_as):
    client = client_as(users["marketer"])
    page = client.get(reverse("advertising:check_detail", args=[check.pk])).content.decode()
    assert 'data-testid="override-form"' not in page

    client.post(reverse("advertising:check_override", args=[check.pk]), {"finding_index": 0, "reason": REASON})

    assert FindingOverride.objects.count() == 0


def test_empty_reason_on_the_page_shows_a_message(users, check, client_as):
    response = client_as(users["reviewer"]).post(
        reverse("advertising:check_override", args=[check.pk]), {"finding_index": 0, "reason": ""},
        follow=True,
    )

    assert response.status_code == 200
    assert FindingOverride.objects.count() == 0
    assert 'class="alert alert-danger' in response.content.decode()


def test_check_page_of_another_team_is_a_404(check, outsider, client_as):
    client = client_as(outsider)
    assert client.get(reverse("advertising:check_detail", args=[check.pk])).status_code == 404
    assert client.post(
        reverse("advertising:check_override", args=[check.pk]), {"finding_index": 0, "reason": REASON}
    ).status_code == 404

import pytest
from django.urls import reverse

from platforms.crypto import encrypt_credentials
from platforms.models import ConnectorKind

from .factories import qualified_account

pytestmark = pytest.mark.django_db


def test_health_page_shows_connection_state(client_as, users, team):
    account = qualified_account(team)
    response = client_as(users["reviewer"]).get(reverse("platforms:account_health", args=[account.pk]))
    assert response.status_code == 200
    assert 'data-testid="check-now"' in response.content.decode()


def test_check_now_htmx_returns_panel_with_success(
    client_as, users, team, django_capture_on_commit_callbacks
):
    account = qualified_account(team)
    client = client_as(users["marketer"])
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("platforms:account_health_check", args=[account.pk]), HTTP_HX_REQUEST="true"
        )
    # The check ran in the background; the panel (as its htmx poll reads it) shows the result.
    response = client.get(
        reverse("platforms:account_health", args=[account.pk]), HTTP_HX_REQUEST="true"
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert 'data-testid="health-ok"' in html
    assert "<html" not in html
    account.refresh_from_db()
    assert account.last_sync_at is not None
    assert account.token_expires_at is not None


def test_connector_failure_is_a_message_never_a_500(
    client_as, users, team, django_capture_on_commit_callbacks
):
    account = qualified_account(team, "wechat_oa")
    account.connector = ConnectorKind.WECHAT_OFFICIAL_ACCOUNT
    account.credentials_ciphertext = "not-a-fernet-token"
    account.save()
    client = client_as(users["marketer"])
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("platforms:account_health_check", args=[account.pk]))
    response = client.get(reverse("platforms:account_health", args=[account.pk]))
    assert response.status_code == 200
    assert 'data-testid="health-error"' in response.content.decode()
    account.refresh_from_db()
    assert account.needs_reconnection is True


def test_unreachable_wechat_is_a_message(
    client_as, users, team, settings, django_capture_on_commit_callbacks, eager_retries
):
    settings.WECHAT_API_BASE = "http://127.0.0.1:9"
    account = qualified_account(team, "wechat_oa")
    account.connector = ConnectorKind.WECHAT_OFFICIAL_ACCOUNT
    account.credentials_ciphertext = encrypt_credentials(
        {"app_id": "wx0123456789abcdef", "app_secret": "x"}
    )
    account.save()
    client = client_as(users["marketer"])
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("platforms:account_health_check", args=[account.pk]), HTTP_HX_REQUEST="true"
        )
    response = client.get(
        reverse("platforms:account_health", args=[account.pk]), HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200
    assert 'data-testid="health-error"' in response.content.decode()
    account.refresh_from_db()
    assert account.needs_reconnection is False
    assert "Transient" in account.last_error


def test_check_now_for_other_team_is_404(client_as, team, outsider):
    account = qualified_account(team)
    assert client_as(outsider).post(
        reverse("platforms:account_health_check", args=[account.pk])
    ).status_code == 404


def test_api_health_action(api_as, users, team, django_capture_on_commit_callbacks):
    account = qualified_account(team)
    client = api_as(users["marketer"])
    url = f"/api/v1/platform-accounts/{account.pk}/health/"
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(url).status_code == 202
    response = client.get(url)
    assert response.status_code == 200
    assert response.json()["ok"] is True

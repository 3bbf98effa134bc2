import io

import pytest
from cryptography.fernet import Fernet
from django.contrib.admin.sites import site
from django.core.management import CommandError, call_command
from django.urls import reverse

from platforms.crypto import CredentialsError, decrypt_credentials, encrypt_credentials
from platforms.models import Platform, PlatformAccount, QualificationDocument
from platforms.services import account_create, credentials_rotate_all

from .factories import platform

SECRET = {"app_id": "wx0123456789abcdef", "app_secret": "very-secret-value"}


def test_round_trip_with_derived_key_when_no_key_is_configured_in_debug(settings):
    settings.DEBUG = True
    settings.CREDENTIALS_KEYS = []
    token = encrypt_credentials(SECRET)
    assert "very-secret-value" not in token
    assert decrypt_credentials(token) == SECRET


def test_a_different_secret_key_cannot_read_derived_ciphertext(settings):
    settings.DEBUG = True
    settings.CREDENTIALS_KEYS = []
    token = encrypt_credentials(SECRET)
    settings.SECRET_KEY = "another-secret-key-" * 4
    with pytest.raises(CredentialsError):
        decrypt_credentials(token)


def test_old_key_still_decrypts_after_rotation_and_command_reencrypts(db, settings, team, users):
    old, new = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    settings.CREDENTIALS_KEYS = [old]
    account = account_create(
        actor=users["marketer"], team=team, platform=platform("wechat_oa"), handle="h",
        connector="wechat_official_account", credentials=SECRET,
    )
    settings.CREDENTIALS_KEYS = [new, old]
    account.refresh_from_db()
    assert decrypt_credentials(account.credentials_ciphertext) == SECRET
    before = account.credentials_ciphertext
    call_command("rotate_credentials", stdout=open("/dev/null", "w"))  # noqa: SIM115
    account.refresh_from_db()
    assert account.credentials_ciphertext != before
    settings.CREDENTIALS_KEYS = [new]
    assert decrypt_credentials(account.credentials_ciphertext) == SECRET
    settings.CREDENTIALS_KEYS = [old]
    with pytest.raises(CredentialsError):
        decrypt_credentials(account.credentials_ciphertext)


def test_history_does_not_keep_ciphertext(db, team, users):
    account = account_create(
        actor=users["marketer"], team=team, platform=platform("wechat_oa"), handle="h",
        connector="wechat_official_account", credentials=SECRET,
    )
    historical_fields = {f.name for f in account.history.model._meta.get_fields()}
    assert "credentials_ciphertext" not in historical_fields


def test_admin_never_shows_credentials(db, client, team, users):
    from django.contrib.auth import get_user_model

    account = account_create(
        actor=users["marketer"], team=team, platform=platform("wechat_oa"), handle="h",
        connector="wechat_official_account", credentials=SECRET,
    )
    root = get_user_model().objects.create_superuser("root", "r@example.com", "pw")
    client.force_login(root)
    page = client.get(reverse("admin:platforms_platformaccount_change", args=[account.pk]))
    assert page.status_code == 200
    html = page.content.decode()
    assert account.credentials_ciphertext not in html
    assert "very-secret-value" not in html
    listing = client.get(reverse("admin:platforms_platformaccount_changelist"))
    assert listing.status_code == 200


@pytest.mark.parametrize("model", [Platform, PlatformAccount, QualificationDocument])
def test_every_model_is_in_admin_with_list_search_and_filters(model):
    admin = site._registry[model]
    assert admin.list_display
    assert admin.search_fields
    assert admin.list_filter


# -- the derived key and per-account rotation --------------------------------------


def _account_with(team, handle, ciphertext):
    from .factories import PlatformAccountFactory

    return PlatformAccountFactory(
        team=team, platform=platform("wechat_oa"), handle=handle,
        connector="wechat_official_account", credentials_ciphertext=ciphertext,
    )


def test_derived_key_outside_debug_is_never_tried(settings):
    settings.DEBUG = True
    settings.CREDENTIALS_KEYS = []
    token = encrypt_credentials(SECRET)
    settings.DEBUG = False
    settings.CREDENTIALS_KEYS = [Fernet.generate_key().decode()]

    with pytest.raises(CredentialsError):
        decrypt_credentials(token)


def test_without_debug_a_configured_key_is_required(settings):
    from django.core.exceptions import ImproperlyConfigured

    settings.DEBUG = False
    settings.CREDENTIALS_KEYS = []

    with pytest.raises(ImproperlyConfigured):
        encrypt_credentials(SECRET)


def test_derived_key_still_decrypts_once_keys_are_configured_in_debug(db, settings):
    settings.DEBUG = True
    settings.CREDENTIALS_KEYS = []
    token = encrypt_credentials(SECRET)
    settings.CREDENTIALS_KEYS = [Fernet.generate_key().decode()]
    assert decrypt_credentials(token) == SECRET
    # ...but only decrypts: new ciphertext uses the configured key.
    new = encrypt_credentials(SECRET)
    settings.CREDENTIALS_KEYS = []
    with pytest.raises(CredentialsError):
        decrypt_credentials(new)


def test_rotation_moves_derived_key_credentials_onto_the_new_key(db, settings, team):
    settings.DEBUG = True
    settings.CREDENTIALS_KEYS = []
    account = _account_with(team, "derived", encrypt_credentials(SECRET))
    new = Fernet.generate_key().decode()
    settings.CREDENTIALS_KEYS = [new]
    out = io.StringIO()
    call_command("rotate_credentials", stdout=out)
    assert "1 account" in out.getvalue()
    account.refresh_from_db()
    # Readable with the new key alone, even once SECRET_KEY changes.
    settings.SECRET_KEY = "a-completely-different-secret-key-" * 2
    assert decrypt_credentials(account.credentials_ciphertext) == SECRET
    assert Fernet(new.encode()).decrypt(account.credentials_ciphertext.encode())


def test_rotation_reports_unreadable_accounts_and_rotates_the_others(db, settings, team):
    old, new = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    settings.CREDENTIALS_KEYS = [old]
    good = _account_with(team, "good", encrypt_credentials(SECRET))
    lost = _account_with(
        team, "lost", Fernet(Fernet.generate_key()).encrypt(b'{"app_id": "x"}').decode()
    )
    lost_before = lost.credentials_ciphertext
    settings.CREDENTIALS_KEYS = [new, old]
    out, err = io.StringIO(), io.StringIO()
    with pytest.raises(CommandError, match="1 account"):
        call_command("rotate_credentials", stdout=out, stderr=err)
    assert f"Account {lost.pk}" in err.getvalue()
    assert "lost" in err.getvalue()
    good.refresh_from_db()
    lost.refresh_from_db()
    settings.CREDENTIALS_KEYS = [new]
    assert decrypt_credentials(good.credentials_ciphertext) == SECRET  # committed
    assert lost.credentials_ciphertext == lost_before  # left as it was
    report = credentials_rotate_all()
    assert (report.rotated, [pk for pk, _label in report.failed]) == (1, [lost.pk])

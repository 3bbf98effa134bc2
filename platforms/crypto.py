"""Credentials at rest (S2.2.2): Fernet tokens, keys from the environment.

``settings.CREDENTIALS_KEYS`` lists Fernet keys: the first encrypts, every one
decrypts (``MultiFernet``), so a key is rotated by putting the new key first
and running ``manage.py rotate_credentials``. The embedded mode generates its
key into ``var/``; production refuses to start without one.

Only the developer mode (``DEBUG=true``) also uses a key derived from
``SECRET_KEY`` with HKDF — the only key when none is set, else the last one,
for decryption only. Outside DEBUG it is never tried: whoever learns the
secret key must not be able to read platform credentials with it.
"""

import base64
import json

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured


class CredentialsError(Exception):
    """Stored credentials cannot be read with any configured key."""


def _derived_key() -> bytes:
    hkdf = HKDF(
        algorithm=hashes.SHA256(), length=32, salt=b"campaignops-credentials",
        info=b"platform-account-credentials",
    )
    return base64.urlsafe_b64encode(hkdf.derive(settings.SECRET_KEY.encode()))


def _fernet() -> MultiFernet:
    keys = [key for key in getattr(settings, "CREDENTIALS_KEYS", []) if key]
    try:
        fernets = [Fernet(key) for key in keys]
    except (ValueError, TypeError) as exc:
        raise ImproperlyConfigured(
            "CREDENTIALS_KEYS must hold Fernet keys (32 url-safe base64 bytes)."
        ) from exc
    if settings.DEBUG:
        # MultiFernet encrypts with the first key: the derived one only
        # encrypts when no key is configured.
        fernets.append(Fernet(_derived_key()))
    if not fernets:
        raise ImproperlyConfigured("CREDENTIALS_KEYS must be set when DEBUG is false.")
    return MultiFernet(fernets)


def encrypt_credentials(credentials: dict) -> str:
    if not credentials:
        return ""
    payload = json.dumps(credentials, sort_keys=True).encode()
    return _fernet().encrypt(payload).decode()


def decrypt_credentials(ciphertext: str) -> dict:
    if not ciphertext:
        return {}
    try:
        return json.loads(_fernet().decrypt(ciphertext.encode()))
    except InvalidToken as exc:
        # The message names no secret: it only says the key does not fit.
        raise CredentialsError("Stored credentials cannot be decrypted with the configured keys.") from exc


def rotate_ciphertext(ciphertext: str) -> str:
    """The same secret encrypted with the newest key."""
    if not ciphertext:
        return ""
    try:
        return _fernet().rotate(ciphertext.encode()).decode()
    except InvalidToken as exc:
        raise CredentialsError("Stored credentials cannot be decrypted with the configured keys.") from exc

"""Secrets of the embedded mode: generated once into ``var/``, never a shared default.

``make run`` on a fresh machine needs no configuration, yet every installation
gets its own secret key, credentials key and pseudonym key: each is created
the first time it is needed, written with mode 0600, and read back on every
later start, so sessions and encrypted credentials survive restarts.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Callable
from pathlib import Path


def read_or_create(path: Path, make: Callable[[], str]) -> str:
    """The secret stored at ``path``, created with ``make()`` if the file is missing."""
    try:
        return path.read_text(encoding="ascii").strip()
    except FileNotFoundError:
        pass
    path.parent.mkdir(parents=True, exist_ok=True)
    value = make()
    try:
        # O_EXCL: when web, worker and beat start together, one process writes
        # the file and the others read what it wrote.
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return path.read_text(encoding="ascii").strip()
    with os.fdopen(fd, "w", encoding="ascii") as handle:
        handle.write(value + "\n")
    return value


def new_secret_key() -> str:
    return secrets.token_urlsafe(64)


def new_fernet_key() -> str:
    from cryptography.fernet import Fernet

    return Fernet.generate_key().decode("ascii")

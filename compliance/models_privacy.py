"""Privacy ledger: consent, data-subject requests, retention (spec S3.1.3, PIPL)."""

from django.db import models  # noqa: F401

__all__: list[str] = []

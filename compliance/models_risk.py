"""Incidents, emergency plans and drills (spec S3.2.1, S3.2.3)."""

from django.db import models  # noqa: F401

__all__: list[str] = []

"""Fixtures of the team collaboration tests: campaigns connected to teams, dates, helpers."""

import datetime

import pytest
from django.utils import timezone, translation

from teams import hooks


@pytest.fixture
def connected():
    """Campaigns and the analytics agenda contributor registered with teams, as
    ``AnalyticsConfig.ready()`` does; the previous registrations come back afterwards."""
    from analytics.services.agenda import connect_to_teams

    saved = (hooks._directory, dict(hooks._contributors))
    connect_to_teams()
    yield
    hooks._directory = saved[0]
    hooks._contributors.clear()
    hooks._contributors.update(saved[1])


@pytest.fixture
def disconnected():
    """No campaign app registered: teams must say what is not available."""
    saved = (hooks._directory, dict(hooks._contributors))
    hooks._directory = None
    hooks._contributors.clear()
    yield
    hooks._directory = saved[0]
    hooks._contributors.clear()
    hooks._contributors.update(saved[1])


@pytest.fixture
def english():
    with translation.override("en"):
        yield


@pytest.fixture
def today():
    return timezone.localdate()


def at(day: datetime.date, hour: int = 10, zone=None) -> datetime.datetime:
    """An aware moment on ``day`` at ``hour`` in ``zone`` (default: the site's)."""
    zone = zone or timezone.get_current_timezone()
    return datetime.datetime.combine(day, datetime.time(hour), tzinfo=zone)

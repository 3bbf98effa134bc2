"""Severity reads the same on every page, and critical outranks high: never grey."""

import pytest
from django.urls import reverse

from compliance.risk.services import incident_open

pytestmark = pytest.mark.django_db


def _badge(html: str, severity: str) -> str:
    start = html.index(f'data-severity="{severity}"')
    return html[html.rindex("<span", 0, start):start]


@pytest.mark.parametrize("page", ["list", "detail"])
def test_critical_is_a_red_badge_distinct_from_high(team, users, client_as, page):
    critical = incident_open(actor=users["manager"], team=team, incident_type="data_leak",
                             title="数据泄露", severity="critical")
    high = incident_open(actor=users["manager"], team=team, incident_type="other",
                         title="差评激增", severity="high")
    client = client_as(users["manager"])
    if page == "list":
        html = client.get(reverse("risk:incident_list")).content.decode()
    else:
        html = (client.get(reverse("risk:incident_detail", args=[critical.pk])).content.decode()
                + client.get(reverse("risk:incident_detail", args=[high.pk])).content.decode())

    critical_badge, high_badge = _badge(html, "critical"), _badge(html, "high")
    assert "secondary" not in critical_badge
    assert "severity-critical" in critical_badge
    assert "text-bg-danger" in high_badge
    assert critical_badge != high_badge

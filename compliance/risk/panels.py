"""Home dashboard panel of risk control: incidents still open (S3.2.3),
registered in ``RiskConfig.ready``."""

from __future__ import annotations

from django.db.models import Case, IntegerField, Value, When
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.timezone import localtime
from django.utils.translation import gettext_lazy as _

from teams.panels import (
    SECTION_ALERTS,
    Panel,
    PanelContent,
    PanelRow,
    first_rows_and_total,
    register_panel,
)

from . import selectors
from .models import IncidentSeverity as Severity

_TONES = {
    Severity.CRITICAL: "danger", Severity.HIGH: "danger", Severity.MEDIUM: "warning",
    Severity.LOW: "secondary",
}
_RANK = Case(
    *[When(severity=s, then=Value(i)) for i, s in enumerate(
        [Severity.CRITICAL, Severity.HIGH, Severity.MEDIUM, Severity.LOW]
    )],
    default=Value(9), output_field=IntegerField(),
)


def open_incidents(user) -> PanelContent:
    """Open and in-progress incidents of the user's teams, most severe first."""
    incidents, total = first_rows_and_total(
        selectors.incidents_for(user, status="active")
        .annotate(severity_rank=_RANK).order_by("severity_rank", "-opened_at", "-id")
    )
    rows = [
        PanelRow(
            title=incident.title,
            url=reverse("risk:incident_detail", args=[incident.pk]),
            meta=" · ".join([
                incident.get_status_display(),
                date_format(localtime(incident.opened_at), "DATETIME_FORMAT"),
            ]),
            badge=incident.get_severity_display(), tone=_TONES.get(incident.severity, "secondary"),
        )
        for incident in incidents
    ]
    return PanelContent(rows=rows, total=total)


def register() -> None:
    register_panel(Panel(
        key="risk.incidents", title=_("Open incidents"), icon="bi-shield-exclamation",
        section=SECTION_ALERTS, order=10, read=open_incidents,
        empty_text=_("No incident is open. If something goes wrong, open one and follow its plan."),
        more_url="risk:incident_list", more_label=_("Incidents"),
    ))

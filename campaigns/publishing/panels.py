"""Home dashboard panel of publishing: publications that failed or whose outcome is
unknown, so someone retries or checks them (registered in ``PublishingConfig.ready``)."""

from __future__ import annotations

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
from .models import PublicationStatus

_TONES = {PublicationStatus.FAILED: "danger", PublicationStatus.UNKNOWN: "warning"}


def failed_publications(user) -> PanelContent:
    """Failed and outcome-unknown publications of the user's teams, latest slot first."""
    qs = selectors.publications_visible_to(user).filter(
        status__in=list(_TONES)
    ).order_by("-scheduled_at", "-pk")
    shown, total = first_rows_and_total(qs)
    rows = [
        PanelRow(
            title=publication.item.title,
            url=reverse("publishing:publication_detail", args=[publication.pk]),
            meta=(
                f"{publication.account.platform.name} · "
                f"{date_format(localtime(publication.scheduled_at), 'DATETIME_FORMAT')}"
            ),
            badge=publication.get_status_display(), tone=_TONES[publication.status],
        )
        for publication in shown
    ]
    return PanelContent(rows=rows, total=total)


def register() -> None:
    register_panel(Panel(
        key="publishing.failed", title=_("Publications needing attention"),
        icon="bi-exclamation-octagon", section=SECTION_ALERTS, order=30,
        read=failed_publications,
        empty_text=_("Every publication went out or is on schedule."),
        more_url="publishing:publication_list", more_label=_("All publications"),
    ))

"""Home dashboard panel of content: items awaiting the user's review (S3.1.2),
registered in ``ContentConfig.ready`` for users who review content."""

from __future__ import annotations

from django.urls import reverse
from django.utils.formats import date_format
from django.utils.timezone import localtime
from django.utils.translation import gettext_lazy as _

from teams.panels import (
    SECTION_REVIEW,
    Panel,
    PanelContent,
    PanelRow,
    first_rows_and_total,
    register_panel,
)
from teams.selectors import user_can_anywhere

from . import selectors


def awaiting_my_review(user) -> PanelContent | None:
    """Items in review where the user reviews, not their own; ``None`` for non-reviewers."""
    if not user_can_anywhere(user, "content.review"):
        return None
    # The variants the queue preloads are not shown here: one query, not two.
    items, total = first_rows_and_total(selectors.review_queue(user).prefetch_related(None))
    rows = [
        PanelRow(
            title=item.title,
            url=reverse("content:detail", args=[item.pk]),
            meta=" · ".join(filter(None, [
                item.campaign.name,
                date_format(localtime(item.submitted_at), "DATETIME_FORMAT")
                if item.submitted_at else "",
            ])),
            badge=item.get_status_display(), tone="warning",
        )
        for item in items
    ]
    return PanelContent(rows=rows, total=total)


def register() -> None:
    register_panel(Panel(
        key="content.review", title=_("Awaiting my review"), icon="bi-clipboard-check",
        section=SECTION_REVIEW, order=20, read=awaiting_my_review,
        empty_text=_("Nothing awaits your review"),
        more_url="content:review_queue", more_label=_("Content waiting for review"),
    ))

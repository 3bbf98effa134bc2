"""Home dashboard panel of engagement: comments and messages past their reply
deadline (S2.3.2), registered in ``EngagementConfig.ready``."""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.text import Truncator
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


def overdue_replies(user) -> PanelContent:
    """Unanswered interactions past their first-response deadline, oldest deadline first."""
    qs = selectors.inbox(user, selectors.InboxFilters(overdue=True)).order_by(
        "response_due_at", "pk"
    )
    shown, total = first_rows_and_total(qs)
    rows = [
        PanelRow(
            title=Truncator(interaction.text).chars(60),
            url=reverse("engagement:interaction", args=[interaction.pk]),
            meta=" · ".join(filter(None, [
                interaction.account.platform.name, interaction.author_name,
                date_format(timezone.localtime(interaction.response_due_at), "DATETIME_FORMAT"),
            ])),
            badge=str(_("Overdue")), tone="danger",
        )
        for interaction in shown
    ]
    return PanelContent(rows=rows, total=total)


def register() -> None:
    register_panel(Panel(
        key="engagement.overdue", title=_("Replies past their SLA"), icon="bi-chat-left-dots",
        section=SECTION_ALERTS, order=20, read=overdue_replies,
        empty_text=_("Every comment and message was answered within its deadline."),
        more_url="engagement:inbox", more_label=_("Inbox"),
    ))

"""The campaign lifecycle (S2.1), declared once: every status move and who may make it.

People move a campaign with the capability named on the move, held in the
campaign's team. The date job (``actor=None``) may only take the moves marked
``automatic``: forward steps its phase dates call for, never a pause, an
un-pause, an approval or a cancellation. Services, pages, the API and the job
all go through ``CAMPAIGN_LIFECYCLE``; nothing else lists moves. Two conditions
on dates come with it (``date_refusal``): a campaign does not start before its
start date, and a plan whose end date has passed is not approved.
"""

import datetime

from django.utils.formats import date_format
from django.utils.translation import gettext as _

from teams.transitions import Move, StateMachine

from .models import CampaignStatus as S

CAMPAIGN_LIFECYCLE = StateMachine(
    name="campaign",
    states=S,
    # The pages and the API name the wanted status ``to``; errors land there.
    error_field="to",
    moves=[
        # Declared in the order the detail page shows its buttons.
        Move(S.DRAFT, S.PLANNED, "campaign.approve"),
        Move(S.DRAFT, S.CANCELLED, "campaign.edit"),
        Move(S.PLANNED, S.DRAFT, "campaign.approve"),
        Move(S.PLANNED, S.IN_PRODUCTION, "campaign.run", automatic=True),
        Move(S.PLANNED, S.RUNNING, "campaign.run", automatic=True),
        Move(S.PLANNED, S.CANCELLED, "campaign.approve"),
        Move(S.IN_PRODUCTION, S.RUNNING, "campaign.run", automatic=True),
        Move(S.IN_PRODUCTION, S.PAUSED, "campaign.run"),
        Move(S.IN_PRODUCTION, S.CANCELLED, "campaign.approve"),
        Move(S.RUNNING, S.PAUSED, "campaign.run"),
        Move(S.RUNNING, S.EVALUATING, "campaign.run", automatic=True),
        Move(S.RUNNING, S.CANCELLED, "campaign.approve"),
        Move(S.PAUSED, S.IN_PRODUCTION, "campaign.run"),
        Move(S.PAUSED, S.RUNNING, "campaign.run"),
        Move(S.PAUSED, S.CANCELLED, "campaign.approve"),
        Move(S.EVALUATING, S.CLOSED, "campaign.run"),
    ],
)

# Moves that start the campaign's work: nobody makes them before the campaign's
# start date; the date job makes them on the day the dates call for.
STARTING_MOVES = frozenset({(S.PLANNED, S.IN_PRODUCTION), (S.PLANNED, S.RUNNING)})
# Moves that commit the team to a plan: pointless once the campaign's end date
# has passed, so refused then (submission for approval is refused likewise).
COMMITTING_MOVES = frozenset({(S.DRAFT, S.PLANNED)})


def date_refusal(
    *, start_date: datetime.date, end_date: datetime.date, source: str, target: str,
    today: datetime.date,
) -> str:
    """Why the campaign's dates forbid the move today, translated; "" when they allow it."""
    if (source, target) in STARTING_MOVES and today < start_date:
        return _(
            "The campaign starts on %(date)s; it moves on by itself that day."
        ) % {"date": date_format(start_date, "DATE_FORMAT")}
    if (source, target) in COMMITTING_MOVES and end_date < today:
        return ended_refusal(end_date)
    return ""


def ended_refusal(end_date: datetime.date) -> str:
    return _(
        "The campaign ended on %(date)s; move its dates before it goes ahead."
    ) % {"date": date_format(end_date, "DATE_FORMAT")}


# A plan is frozen once the campaign is over: nothing in it changes any more.
LOCKED_STATUSES = frozenset({S.CLOSED, S.CANCELLED})

# The order in which a campaign's dates carry it; the job only steps forward along it.
DATE_ORDER: tuple[str, ...] = (S.PLANNED, S.IN_PRODUCTION, S.RUNNING, S.EVALUATING)

# The statuses the date job looks at: those with an automatic move out.
FOLLOWS_DATES = frozenset(
    move.source for move in CAMPAIGN_LIFECYCLE.moves.values() if move.automatic
)


def next_step_by_dates(current: str, wanted: str) -> str | None:
    """The automatic move out of ``current`` that goes furthest towards ``wanted``.

    ``None`` when no automatic move leads towards ``wanted`` without passing it
    (``current`` is not dated, or already where the dates say, or further).
    """
    if current not in DATE_ORDER or wanted not in DATE_ORDER:
        return None
    limit = DATE_ORDER.index(wanted)
    steps = [
        move.target
        for (source, _target), move in CAMPAIGN_LIFECYCLE.moves.items()
        if source == current and move.automatic and move.target in DATE_ORDER
        and DATE_ORDER.index(current) < DATE_ORDER.index(move.target) <= limit
    ]
    return max(steps, key=DATE_ORDER.index, default=None)

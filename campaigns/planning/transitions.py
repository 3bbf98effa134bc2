"""The campaign lifecycle (S2.1), declared once: every status move and who may make it.

People move a campaign with the capability named on the move, held in the
campaign's team. The date job (``actor=None``) may only take the moves marked
``automatic``: forward steps its phase dates call for, never a pause, an
un-pause, an approval or a cancellation. Services, pages, the API and the job
all go through ``CAMPAIGN_LIFECYCLE``; nothing else lists moves.
"""

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

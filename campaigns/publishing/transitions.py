"""A publication's life: only the job publishes; only a person retries.

``publishing → scheduled`` is the job putting a publication back after the
platform answered "busy" before accepting anything (rate limit, maintenance):
nothing went out, so trying again later cannot post twice. Any answer that does
not say what happened is ``unknown`` and only a read-only check settles it.
Cancelling is for what has not gone out: scheduled, or failed.
"""

from teams.transitions import Move, StateMachine

from .models import PublicationStatus as S

PUBLICATION = StateMachine(
    name="publication",
    states=S,
    moves=[
        Move(S.SCHEDULED, S.PUBLISHING, None, automatic=True),
        Move(S.PUBLISHING, S.PUBLISHED, None, automatic=True),
        Move(S.PUBLISHING, S.FAILED, None, automatic=True),
        Move(S.PUBLISHING, S.UNKNOWN, None, automatic=True),
        Move(S.PUBLISHING, S.SCHEDULED, None, automatic=True),
        Move(S.UNKNOWN, S.PUBLISHED, None, automatic=True),
        Move(S.UNKNOWN, S.FAILED, None, automatic=True),
        Move(S.FAILED, S.SCHEDULED, "content.publish"),
        Move(S.UNKNOWN, S.SCHEDULED, "content.publish"),
        # A person cancels; the system cancels too when the item is withdrawn
        # (the publications follow the item, nothing has gone out).
        Move(S.SCHEDULED, S.CANCELLED, "content.publish", automatic=True),
        Move(S.FAILED, S.CANCELLED, "content.publish", automatic=True),
    ],
)

# Publications that still hold their account on the item (one live per account).
LIVE = frozenset({S.SCHEDULED, S.PUBLISHING, S.PUBLISHED, S.FAILED, S.UNKNOWN})
# Where the outcome is not settled yet.
UNSETTLED = frozenset({S.PUBLISHING, S.UNKNOWN})

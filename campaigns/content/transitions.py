"""The content item's life (S2.2.3, S3.1.2): review, scheduling, publishing outcomes.

A person moves an item through review and scheduling; the publishing job moves it
while it goes out (``automatic``). After scheduling, the item's status sums up its
publications: ``publishing`` while one is under way, ``unknown`` when an outcome is
not known, ``failed`` when one failed, ``published`` when all went out.
"""

from teams.transitions import Move, StateMachine

from .models import ContentStatus as S

CONTENT = StateMachine(
    name="content item",
    states=S,
    moves=[
        # Review (S3.1.2): submitting runs the compliance checker first.
        Move(S.DRAFT, S.IN_REVIEW, "content.edit"),
        Move(S.IN_REVIEW, S.DRAFT, "content.edit"),
        Move(S.IN_REVIEW, S.APPROVED, "content.review"),
        Move(S.IN_REVIEW, S.CHANGES_REQUESTED, "content.review"),
        Move(S.CHANGES_REQUESTED, S.IN_REVIEW, "content.edit"),
        Move(S.CHANGES_REQUESTED, S.DRAFT, "content.edit"),
        # Editing an approved item withdraws its approval.
        Move(S.APPROVED, S.DRAFT, "content.edit"),
        # Calendar (S2.3.1).
        Move(S.APPROVED, S.SCHEDULED, "content.publish"),
        # Back to approved when every publication is cancelled: by the person
        # who unschedules, or by the system when a withdrawal cancels them.
        Move(S.SCHEDULED, S.APPROVED, "content.publish", automatic=True),
        # The publishing job.
        Move(S.SCHEDULED, S.PUBLISHING, None, automatic=True),
        Move(S.PUBLISHING, S.PUBLISHED, None, automatic=True),
        Move(S.PUBLISHING, S.FAILED, None, automatic=True),
        Move(S.PUBLISHING, S.UNKNOWN, None, automatic=True),
        Move(S.UNKNOWN, S.PUBLISHED, None, automatic=True),
        Move(S.UNKNOWN, S.FAILED, None, automatic=True),
        # A failed publication cancelled while the item's others went out (or
        # none is left): the item follows what its publications add up to.
        Move(S.FAILED, S.PUBLISHED, None, automatic=True),
        Move(S.FAILED, S.APPROVED, "content.publish", automatic=True),
        # Only a person retries, after reading why it failed or is unknown.
        Move(S.FAILED, S.SCHEDULED, "content.publish"),
        Move(S.UNKNOWN, S.SCHEDULED, "content.publish"),
        # Not approved by its planned time: it expires instead of going out.
        Move(S.DRAFT, S.EXPIRED, None, automatic=True),
        Move(S.IN_REVIEW, S.EXPIRED, None, automatic=True),
        Move(S.CHANGES_REQUESTED, S.EXPIRED, None, automatic=True),
        Move(S.EXPIRED, S.DRAFT, "content.edit"),
        # Withdrawing: never once something may already be out.
        Move(S.DRAFT, S.WITHDRAWN, "content.edit"),
        Move(S.IN_REVIEW, S.WITHDRAWN, "content.edit"),
        Move(S.CHANGES_REQUESTED, S.WITHDRAWN, "content.edit"),
        Move(S.APPROVED, S.WITHDRAWN, "content.edit"),
        Move(S.SCHEDULED, S.WITHDRAWN, "content.publish"),
        Move(S.FAILED, S.WITHDRAWN, "content.edit"),
        Move(S.EXPIRED, S.WITHDRAWN, "content.edit"),
    ],
)

# Statuses in which the text may still be edited (an edit makes a version).
EDITABLE = frozenset({S.DRAFT, S.CHANGES_REQUESTED, S.APPROVED, S.EXPIRED})

"""Write side of publishing (S2.3.1): one function per use case, whichever door calls it.

- ``calendar``: a person schedules an approved item, moves, unschedules, cancels,
  retries (after reading why), asks the platform, makes and removes slots;
- ``plans``: recurring publishing plans and the slots they make;
- ``publish``: the job that publishes each publication exactly once, and the
  read-only reconciliation of outcomes nobody heard.
"""

from .calendar import (
    PUBLISH,
    publication_cancel,
    publication_check_request,
    publication_reschedule,
    publication_retry,
    publication_schedule,
    publication_unschedule,
    slot_create,
    slot_delete,
)
from .plans import HORIZON, PLAN_FIELDS, plan_create, plan_delete, plan_slots_generate, plan_update
from .publish import (
    ITEM_PUBLISHABLE,
    MAX_TRANSIENT,
    backoff,
    publication_publish,
    publication_reconcile,
    publication_withdraw_follow,
    publications_take_due,
    stale_after,
)

__all__ = [
    "HORIZON",
    "ITEM_PUBLISHABLE",
    "MAX_TRANSIENT",
    "PLAN_FIELDS",
    "PUBLISH",
    "backoff",
    "plan_create",
    "plan_delete",
    "plan_slots_generate",
    "plan_update",
    "publication_cancel",
    "publication_check_request",
    "publication_publish",
    "publication_reconcile",
    "publication_reschedule",
    "publication_retry",
    "publication_schedule",
    "publication_unschedule",
    "publication_withdraw_follow",
    "publications_take_due",
    "slot_create",
    "slot_delete",
    "stale_after",
]

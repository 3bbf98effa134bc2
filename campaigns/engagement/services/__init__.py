"""Write side of engagement (S2.3.2): one function per use case, whichever door calls it.

- ``inbox``: pulling interactions, triage, notes, replies through the connector,
  reply templates and the response policy;
- ``lotteries``: auditable draws with consented entrants;
- ``activities``: polls and Q&A under content;
- ``segments``: audience segments by rule, their export, the audience import.
"""

from .activities import poll_close, poll_create, poll_vote, question_answer, question_create
from .inbox import (
    INITIAL_LOOKBACK,
    TEMPLATE_VARIABLES,
    PullResult,
    interaction_assign,
    interaction_note_add,
    interaction_reply,
    interaction_set_status,
    interaction_triage,
    interactions_apply_retention,
    interactions_ingest,
    interactions_pull,
    render_reply,
    reply_template_create,
    reply_template_delete,
    reply_template_update,
    response_policy_save,
)
from .lotteries import (
    EntrantsAdded,
    lottery_cancel,
    lottery_close,
    lottery_create,
    lottery_draw,
    lottery_entrants_collect,
    lottery_entrants_import,
    lottery_open,
    lottery_public_text,
    lottery_update,
)
from .segments import (
    EXPORT_COLUMNS,
    AudienceImported,
    audience_import,
    segment_create,
    segment_delete,
    segment_export,
    segment_update,
)

__all__ = [
    "EXPORT_COLUMNS",
    "INITIAL_LOOKBACK",
    "TEMPLATE_VARIABLES",
    "AudienceImported",
    "EntrantsAdded",
    "PullResult",
    "audience_import",
    "interaction_assign",
    "interaction_note_add",
    "interaction_reply",
    "interaction_set_status",
    "interaction_triage",
    "interactions_apply_retention",
    "interactions_ingest",
    "interactions_pull",
    "lottery_cancel",
    "lottery_close",
    "lottery_create",
    "lottery_draw",
    "lottery_entrants_collect",
    "lottery_entrants_import",
    "lottery_open",
    "lottery_public_text",
    "lottery_update",
    "poll_close",
    "poll_create",
    "poll_vote",
    "question_answer",
    "question_create",
    "render_reply",
    "reply_template_create",
    "reply_template_delete",
    "reply_template_update",
    "response_policy_save",
    "segment_create",
    "segment_delete",
    "segment_export",
    "segment_update",
]

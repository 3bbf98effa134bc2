"""Write side of campaign planning (S2.1): one function per use case, whichever door calls it.

Every function checks the actor's capability in the campaign's team, validates
its input with field errors, runs in one transaction and writes an audit row.
Pages, the API and tasks call these names; the modules group them by use case:

- ``campaigns``: create, change, copy and delete campaigns;
- ``lifecycle``: submission for approval, status moves, moves by date;
- ``goals``: SMART goals and their KPIs;
- ``timeline``: phases, the standard plan, milestones and their owners' tasks.
"""

from .campaigns import (
    CAMPAIGN_FIELDS,
    campaign_create,
    campaign_delete,
    campaign_duplicate,
    campaign_update,
)
from .goals import (
    KPI_FIELDS,
    goal_create,
    goal_create_with_kpi,
    goal_delete,
    goal_update,
    kpi_create,
    kpi_delete,
    kpi_record_achieved,
    kpi_update,
)
from .lifecycle import (
    approval_task_key,
    campaign_follow_dates,
    campaign_submit,
    campaign_transition,
    transitions_allowed,
)
from .timeline import (
    STANDARD_PLAN,
    milestone_create,
    milestone_delete,
    milestone_set_done,
    milestone_task_key,
    milestone_update,
    phase_create,
    phase_delete,
    phase_standard_plan,
    phase_update,
)

__all__ = [
    "CAMPAIGN_FIELDS",
    "KPI_FIELDS",
    "STANDARD_PLAN",
    "approval_task_key",
    "campaign_create",
    "campaign_delete",
    "campaign_duplicate",
    "campaign_follow_dates",
    "campaign_submit",
    "campaign_transition",
    "campaign_update",
    "goal_create",
    "goal_create_with_kpi",
    "goal_delete",
    "goal_update",
    "kpi_create",
    "kpi_delete",
    "kpi_record_achieved",
    "kpi_update",
    "milestone_create",
    "milestone_delete",
    "milestone_set_done",
    "milestone_task_key",
    "milestone_update",
    "phase_create",
    "phase_delete",
    "phase_standard_plan",
    "phase_update",
    "transitions_allowed",
]

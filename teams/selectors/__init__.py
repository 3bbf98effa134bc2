"""Read side of teams, always scoped by the acting user.

``access`` answers who may see which team and do what there (re-exported
here, as every app asks it); ``tasks``, ``skills``, ``meetings``,
``training`` and ``notifications`` read the parts of S3.3: import the
module you need, e.g. ``from teams.selectors import meetings``.
"""

from .access import (
    User,
    answer_scope,
    audit_events_for,
    role_in_team,
    roles_of,
    scope_to_user_teams,
    team_ids_visible_to,
    teams_visible_to,
    teams_where,
    user_can,
    user_can_anywhere,
    user_sees_all_teams,
)
from .tasks import task_get_for_user, tasks_for_owner

__all__ = [
    "User", "answer_scope", "audit_events_for", "role_in_team", "roles_of", "scope_to_user_teams",
    "task_get_for_user", "tasks_for_owner", "team_ids_visible_to", "teams_visible_to",
    "teams_where", "user_can", "user_can_anywhere", "user_sees_all_teams",
]

"""Write side of teams, one module per part of S3.3.

Every app calls ``audit_record``, ``task_create`` and ``notify``; they are
re-exported here. The rest lives in ``members``, ``tasks``, ``skills``,
``meetings``, ``training`` and ``notifications``: import the module you need,
e.g. ``from teams.services import meetings``.
"""

from .answers import answer_tags_renew
from .audit import audit_record
from .members import membership_set
from .notifications import notify
from .tasks import task_create, task_set_status

__all__ = [
    "answer_tags_renew",
    "audit_record",
    "membership_set",
    "notify",
    "task_create",
    "task_set_status",
]

"""Teams' tables, one module per part of S3.3; import them from ``teams.models``."""

from .core import TIME_ZONE_CHOICES, AnswerTag, AuditEvent, Membership, Team, default_time_zone
from .meetings import (
    SECTION_ORDER,
    ActionItem,
    AgendaItem,
    AgendaSection,
    CalendarFeed,
    Decision,
    DecisionStatus,
    Meeting,
    MeetingKind,
    MeetingSeries,
    MeetingStatus,
)
from .notifications import (
    DEFAULT_EMAIL_KINDS,
    Notification,
    NotificationKind,
    NotificationSettings,
    default_email_kinds,
)
from .skills import (
    AREA_SKILL,
    LEVEL_MAX,
    LEVEL_MIN,
    RACI_LETTER,
    RaciRole,
    Responsibility,
    RoleSkillRequirement,
    Skill,
    SkillAssessment,
    SkillLevel,
    WorkArea,
)
from .tasks import PRIORITY_RANK, BoardColumn, Task, TaskComment, TaskPriority, TaskStatus
from .training import (
    TrainingAttendance,
    TrainingFormat,
    TrainingPlan,
    TrainingSession,
    TrainingTopic,
)

__all__ = [
    "AREA_SKILL", "DEFAULT_EMAIL_KINDS", "LEVEL_MAX", "LEVEL_MIN", "PRIORITY_RANK", "RACI_LETTER",
    "SECTION_ORDER", "TIME_ZONE_CHOICES", "ActionItem", "AgendaItem", "AgendaSection", "AnswerTag",
    "AuditEvent", "BoardColumn", "CalendarFeed", "Decision", "DecisionStatus", "Meeting",
    "MeetingKind", "MeetingSeries", "MeetingStatus", "Membership", "Notification",
    "NotificationKind", "NotificationSettings", "RaciRole", "Responsibility",
    "RoleSkillRequirement", "Skill", "SkillAssessment", "SkillLevel", "Task", "TaskComment",
    "TaskPriority", "TaskStatus", "Team", "TrainingAttendance", "TrainingFormat", "TrainingPlan",
    "TrainingSession", "TrainingTopic", "WorkArea", "default_email_kinds", "default_time_zone",
]

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import (
    ActionItem,
    AgendaItem,
    AnswerTag,
    AuditEvent,
    CalendarFeed,
    Decision,
    Meeting,
    MeetingSeries,
    Membership,
    Notification,
    NotificationSettings,
    Responsibility,
    RoleSkillRequirement,
    SkillAssessment,
    SkillLevel,
    Task,
    TaskComment,
    Team,
    TrainingAttendance,
    TrainingPlan,
    TrainingSession,
)


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["user"]


@admin.register(Team)
class TeamAdmin(SimpleHistoryAdmin):
    list_display = ["name", "slug", "created_at"]
    search_fields = ["name", "slug"]
    list_filter = ["created_at"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [MembershipInline]


@admin.register(Membership)
class MembershipAdmin(SimpleHistoryAdmin):
    list_display = ["user", "team", "role", "strengths", "joined_at"]
    search_fields = ["user__username", "team__name", "strengths"]
    list_filter = ["role", "team"]
    autocomplete_fields = ["user", "team"]


class TaskCommentInline(admin.TabularInline):
    model = TaskComment
    extra = 0
    readonly_fields = ["author", "created_at"]


@admin.register(Task)
class TaskAdmin(SimpleHistoryAdmin):
    list_display = ["title", "team", "owner", "due_date", "status", "priority", "source_type"]
    search_fields = ["title", "description", "owner__username"]
    list_filter = ["status", "priority", "team", "due_date"]
    autocomplete_fields = ["owner", "team"]
    inlines = [TaskCommentInline]


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    list_display = ["at", "actor", "team", "action", "message", "target_type", "target_id"]
    search_fields = ["action", "summary", "reason", "actor__username", "target_id"]
    list_filter = ["action", "team", "at"]
    readonly_fields = [f.name for f in AuditEvent._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(SkillLevel)
class SkillLevelAdmin(admin.ModelAdmin):
    list_display = ["membership", "skill", "level", "assessed_at", "assessed_by"]
    list_filter = ["skill", "level", "membership__team"]
    search_fields = ["membership__user__username"]


@admin.register(SkillAssessment)
class SkillAssessmentAdmin(admin.ModelAdmin):
    list_display = ["membership", "skill", "previous_level", "level", "assessed_at", "assessed_by"]
    list_filter = ["skill", "membership__team"]
    search_fields = ["membership__user__username", "note"]
    readonly_fields = [f.name for f in SkillAssessment._meta.fields]

    def has_add_permission(self, request):
        return False  # assessments are made through the member's page, which keeps the level


@admin.register(RoleSkillRequirement)
class RoleSkillRequirementAdmin(admin.ModelAdmin):
    search_fields = ["team__name", "skill"]
    list_display = ["team", "role", "skill", "level"]
    list_filter = ["team", "role", "skill"]


@admin.register(Responsibility)
class ResponsibilityAdmin(admin.ModelAdmin):
    search_fields = ["team__name", "membership__user__username"]
    list_display = ["team", "campaign_type", "campaign_id", "area", "membership", "role"]
    list_filter = ["team", "area", "role"]


class AgendaItemInline(admin.TabularInline):
    model = AgendaItem
    extra = 0
    fields = ["section", "order", "msgid", "params", "available", "url"]


class ActionItemInline(admin.TabularInline):
    model = ActionItem
    extra = 0
    fields = ["title", "owner", "due_date", "task"]
    readonly_fields = ["task"]


@admin.register(MeetingSeries)
class MeetingSeriesAdmin(admin.ModelAdmin):
    search_fields = ["title"]
    list_display = ["title", "team", "kind", "rrule", "first_starts_at", "active"]
    list_filter = ["team", "kind", "active"]
    filter_horizontal = ["participants"]


@admin.register(Meeting)
class MeetingAdmin(admin.ModelAdmin):
    search_fields = ["title", "minutes"]
    list_display = ["title", "team", "starts_at", "status", "agenda_written_at"]
    list_filter = ["team", "kind", "status"]
    date_hierarchy = "starts_at"
    inlines = [AgendaItemInline, ActionItemInline]


@admin.register(Decision)
class DecisionAdmin(admin.ModelAdmin):
    search_fields = ["title"]
    list_display = ["title", "team", "meeting", "status", "decided_at"]
    list_filter = ["team", "status"]


class TrainingSessionInline(admin.TabularInline):
    model = TrainingSession
    extra = 0


@admin.register(TrainingPlan)
class TrainingPlanAdmin(admin.ModelAdmin):
    search_fields = ["title", "content"]
    list_display = ["title", "team", "topic", "format", "skill", "starts_on", "ends_on"]
    list_filter = ["team", "topic", "format"]
    inlines = [TrainingSessionInline]


@admin.register(TrainingAttendance)
class TrainingAttendanceAdmin(admin.ModelAdmin):
    search_fields = ["membership__user__username", "session__plan__title"]
    list_display = ["session", "membership", "attended", "score", "assessed_level"]
    list_filter = ["session__plan__team", "attended"]


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ["created_at", "recipient", "kind", "message", "read_at", "emailed_at"]
    list_filter = ["kind", "read_at"]
    search_fields = ["recipient__username", "msgid"]


@admin.register(AgendaItem)
class AgendaItemAdmin(admin.ModelAdmin):
    list_display = ["meeting", "section", "order", "msgid", "available"]
    list_filter = ["section", "available"]
    search_fields = ["meeting__title", "msgid"]


@admin.register(ActionItem)
class ActionItemAdmin(admin.ModelAdmin):
    list_display = ["title", "meeting", "owner", "due_date", "task"]
    list_filter = ["due_date"]
    search_fields = ["title", "meeting__title"]
    raw_id_fields = ["task"]


@admin.register(TaskComment)
class TaskCommentAdmin(admin.ModelAdmin):
    list_display = ["task", "author", "created_at"]
    list_filter = ["created_at"]
    search_fields = ["task__title", "body"]


@admin.register(TrainingSession)
class TrainingSessionAdmin(admin.ModelAdmin):
    list_display = ["title", "plan", "starts_at", "ends_at", "trainer"]
    list_filter = ["plan__team"]
    search_fields = ["title", "plan__title"]


@admin.register(CalendarFeed)
class CalendarFeedAdmin(admin.ModelAdmin):
    # The token is a password to the feed: never shown here.
    list_display = ["user", "rotated_at"]
    list_filter = ["rotated_at"]
    search_fields = ["user__username"]
    exclude = ["token"]


@admin.register(NotificationSettings)
class NotificationSettingsAdmin(admin.ModelAdmin):
    list_display = ["user", "email_kinds", "last_digest_on"]
    list_filter = ["last_digest_on"]
    search_fields = ["user__username"]


@admin.register(AnswerTag)
class AnswerTagAdmin(admin.ModelAdmin):
    """Read-only: set by the writes cached answers show, never by hand."""

    list_display = ["team_id", "value"]
    list_filter = ["value"]
    search_fields = ["=team_id"]
    readonly_fields = ["team_id", "value"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

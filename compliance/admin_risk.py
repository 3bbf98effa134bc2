"""Admin for incidents, plans, drills, opinion rules and the privacy ledger."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models_privacy import (
    ConsentRecord,
    DataSubjectRequest,
    RetentionPolicy,
    RetentionRun,
)
from .models_risk import (
    Drill,
    DrillRun,
    EmergencyPlan,
    EmergencyPlanStep,
    Incident,
    IncidentStep,
    IncidentUpdate,
    OpinionAlertRule,
    OpinionSignal,
)


@admin.register(OpinionAlertRule)
class OpinionAlertRuleAdmin(admin.ModelAdmin):
    list_display = ["team", "window_minutes", "min_negative_count", "min_negative_share",
                    "baseline_multiplier", "severity", "is_active"]
    search_fields = ["team__name"]
    list_filter = ["is_active", "severity"]


@admin.register(OpinionSignal)
class OpinionSignalAdmin(admin.ModelAdmin):
    list_display = ["occurred_at", "team", "source", "platform_code", "label", "score"]
    search_fields = ["source", "external_id", "excerpt"]
    list_filter = ["label", "team", "platform_code"]
    date_hierarchy = "occurred_at"


class EmergencyPlanStepInline(admin.TabularInline):
    model = EmergencyPlanStep
    extra = 1


@admin.register(EmergencyPlan)
class EmergencyPlanAdmin(SimpleHistoryAdmin):
    list_display = ["name", "team", "incident_type", "approved_by", "approved_at"]
    search_fields = ["name", "description"]
    list_filter = ["incident_type", "team"]
    inlines = [EmergencyPlanStepInline]


@admin.register(EmergencyPlanStep)
class EmergencyPlanStepAdmin(admin.ModelAdmin):
    list_display = ["title", "plan", "order", "owner_role", "owner", "due_offset_hours"]
    search_fields = ["title", "plan__name"]
    list_filter = ["owner_role", "plan__incident_type"]


class IncidentStepInline(admin.TabularInline):
    model = IncidentStep
    extra = 0
    raw_id_fields = ["task"]


class IncidentUpdateInline(admin.TabularInline):
    model = IncidentUpdate
    extra = 0


@admin.register(Incident)
class IncidentAdmin(SimpleHistoryAdmin):
    list_display = ["title", "team", "incident_type", "severity", "status", "owner", "opened_at"]
    search_fields = ["title", "source", "spike_key"]
    list_filter = ["status", "severity", "incident_type", "team"]
    inlines = [IncidentStepInline, IncidentUpdateInline]


@admin.register(IncidentStep)
class IncidentStepAdmin(admin.ModelAdmin):
    list_display = ["title", "incident", "order", "owner", "due_at", "done_at"]
    search_fields = ["title", "incident__title"]
    list_filter = ["incident__incident_type"]
    raw_id_fields = ["task"]


@admin.register(IncidentUpdate)
class IncidentUpdateAdmin(admin.ModelAdmin):
    list_display = ["incident", "at", "kind", "author", "text"]
    search_fields = ["message", "summary", "incident__title"]
    list_filter = ["kind"]


class DrillRunInline(admin.TabularInline):
    model = DrillRun
    extra = 0


@admin.register(Drill)
class DrillAdmin(admin.ModelAdmin):
    list_display = ["title", "team", "plan", "owner", "next_due", "interval_days", "is_active"]
    search_fields = ["title"]
    list_filter = ["is_active", "team"]
    inlines = [DrillRunInline]


@admin.register(DrillRun)
class DrillRunAdmin(admin.ModelAdmin):
    list_display = ["drill", "ran_on", "recorded_by"]
    search_fields = ["drill__title", "log", "lessons_learned"]
    list_filter = ["ran_on"]


@admin.register(ConsentRecord)
class ConsentRecordAdmin(SimpleHistoryAdmin):
    list_display = ["subject_ref", "team", "purpose", "legal_basis", "notice_version",
                    "consented_at", "withdrawn_at"]
    search_fields = ["subject_ref", "purpose"]
    list_filter = ["legal_basis", "team", "sensitive_consent", "cross_border_consent",
                   "guardian_consent"]


@admin.register(DataSubjectRequest)
class DataSubjectRequestAdmin(SimpleHistoryAdmin):
    list_display = ["subject_ref", "team", "kind", "status", "received_at", "due_date"]
    search_fields = ["subject_ref", "details"]
    list_filter = ["kind", "status", "team"]


@admin.register(RetentionPolicy)
class RetentionPolicyAdmin(admin.ModelAdmin):
    list_display = ["data_category", "retention_days", "action", "is_active"]
    search_fields = ["data_category"]
    list_filter = ["action", "is_active"]


@admin.register(RetentionRun)
class RetentionRunAdmin(admin.ModelAdmin):
    list_display = ["started_at", "finished_at", "anonymised_count", "deleted_count"]
    search_fields = ["details"]
    list_filter = ["started_at"]
    readonly_fields = ["started_at", "finished_at", "anonymised_count", "deleted_count",
                       "details"]

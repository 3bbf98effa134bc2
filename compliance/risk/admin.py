"""Admin for incidents, plans, drills and opinion rules."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import (
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
    # Status moves go through the incident machine (pages and API), never a raw edit.
    readonly_fields = ["status", "resolved_at"]


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

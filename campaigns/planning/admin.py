from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import KPI, Campaign, Goal, Milestone, Phase


class GoalInline(admin.TabularInline):
    model = Goal
    extra = 0
    fields = ["statement", "objective", "order"]


class PhaseInline(admin.TabularInline):
    model = Phase
    extra = 0
    fields = ["kind", "name", "start_date", "end_date", "order", "parallel"]


@admin.register(Campaign)
class CampaignAdmin(SimpleHistoryAdmin):
    list_display = ["name", "team", "owner", "objective", "status", "start_date", "end_date", "budget"]
    search_fields = ["name", "description", "owner__username", "team__name"]
    list_filter = ["status", "objective", "team", "start_date"]
    date_hierarchy = "start_date"
    autocomplete_fields = ["team", "owner"]
    inlines = [GoalInline, PhaseInline]


class KPIInline(admin.TabularInline):
    model = KPI
    extra = 0
    fields = ["metric", "platform", "baseline", "target", "direction", "deadline", "weight"]


@admin.register(Goal)
class GoalAdmin(SimpleHistoryAdmin):
    list_display = ["statement", "campaign", "objective", "order"]
    search_fields = ["statement", "campaign__name"]
    list_filter = ["objective", "campaign__team"]
    list_select_related = ["campaign"]
    inlines = [KPIInline]


@admin.register(KPI)
class KPIAdmin(SimpleHistoryAdmin):
    list_display = ["metric", "goal", "platform", "baseline", "target", "direction", "deadline"]
    search_fields = ["goal__statement", "goal__campaign__name", "metric"]
    list_filter = ["metric", "direction", "platform"]
    list_select_related = ["goal", "platform"]


class MilestoneInline(admin.TabularInline):
    model = Milestone
    extra = 0
    fields = ["title", "due_date", "owner", "done_at"]


@admin.register(Phase)
class PhaseAdmin(SimpleHistoryAdmin):
    list_display = ["__str__", "campaign", "kind", "start_date", "end_date", "parallel"]
    search_fields = ["name", "campaign__name"]
    list_filter = ["kind", "parallel", "campaign__team"]
    list_select_related = ["campaign"]
    inlines = [MilestoneInline]


@admin.register(Milestone)
class MilestoneAdmin(SimpleHistoryAdmin):
    list_display = ["title", "phase", "due_date", "owner", "done_at"]
    search_fields = ["title", "phase__campaign__name", "owner__username"]
    list_filter = ["due_date", "phase__kind"]
    list_select_related = ["phase", "owner"]


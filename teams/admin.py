from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import AuditEvent, Membership, Task, Team


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


@admin.register(Task)
class TaskAdmin(SimpleHistoryAdmin):
    list_display = ["title", "team", "owner", "due_date", "status", "source_type"]
    search_fields = ["title", "description", "owner__username"]
    list_filter = ["status", "team", "due_date"]
    autocomplete_fields = ["owner", "team"]


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

"""Admin of publishing: read-mostly. Statuses change only through the services
(the PUBLICATION machine), so the status, outcome and attempt fields are read-only here."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from .models import Publication, PublicationAttempt, PublishingPlan, Slot

OUTCOME_FIELDS = [
    "status", "idempotency_key", "attempts", "publish_started_at", "published_at",
    "external_id", "url", "pending_ref", "outcome_checked_at", "error_kind", "error_code",
    "error_summary", "created_by", "created_at", "updated_at",
]


class AttemptInline(admin.TabularInline):
    model = PublicationAttempt
    extra = 0
    can_delete = False
    fields = ["number", "started_at", "finished_at", "outcome", "error_summary", "retried_by"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    @admin.display(description=_("why"))
    def error_summary(self, obj) -> str:
        return obj.error_summary


@admin.register(Publication)
class PublicationAdmin(SimpleHistoryAdmin):
    list_display = ["item", "account", "scheduled_at", "status", "attempts", "external_id", "team"]
    list_filter = ["status", "team", "account__platform"]
    search_fields = ["item__title", "external_id", "idempotency_key", "account__handle"]
    list_select_related = ["item", "account__platform", "team"]
    date_hierarchy = "scheduled_at"
    raw_id_fields = ["item", "account", "slot"]
    readonly_fields = OUTCOME_FIELDS
    inlines = [AttemptInline]

    def has_add_permission(self, request) -> bool:
        return False  # scheduling goes through the calendar (checks, audit, the item's status)

    def has_delete_permission(self, request, obj=None) -> bool:
        return False  # a cancelled publication keeps its history

    @admin.display(description=_("why"))
    def error_summary(self, obj) -> str:
        return obj.error_summary


@admin.register(PublishingPlan)
class PublishingPlanAdmin(SimpleHistoryAdmin):
    list_display = ["name", "campaign", "account", "content_kind", "rrule", "time_of_day",
                    "starts_on", "ends_on"]
    list_filter = ["content_kind", "team"]
    search_fields = ["name", "campaign__name", "account__handle"]
    list_select_related = ["campaign", "account__platform"]
    raw_id_fields = ["campaign", "account", "created_by"]


@admin.register(Slot)
class SlotAdmin(admin.ModelAdmin):
    list_display = ["starts_at", "account", "plan", "item", "team"]
    list_filter = ["team", "account__platform"]
    search_fields = ["plan__name", "account__handle", "item__title"]
    list_select_related = ["account__platform", "plan", "item", "team"]
    date_hierarchy = "starts_at"
    raw_id_fields = ["plan", "account", "item"]


@admin.register(PublicationAttempt)
class PublicationAttemptAdmin(admin.ModelAdmin):
    """Every call to a platform, across publications: the place to look when one
    platform starts failing. Written only by the publishing services."""

    list_display = ["publication", "number", "started_at", "finished_at", "outcome",
                    "error_kind", "error_code", "retried_by"]
    list_filter = ["outcome", "error_kind", "publication__account__platform",
                   "publication__team"]
    search_fields = ["publication__item__title", "publication__external_id", "error_code"]
    list_select_related = ["publication__item", "publication__account__platform", "retried_by"]
    date_hierarchy = "started_at"
    readonly_fields = ["publication", "number", "started_at", "finished_at", "outcome",
                       "error_kind", "error_code", "retried_by"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

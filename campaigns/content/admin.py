"""Django admin for content. Statuses, versions and reviews are read-only here: they
change only through the services (the CONTENT machine, a version per edit, the checklist)."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import ContentItem, ContentReview, ContentVariant, ContentVersion, MediaAsset


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


class VariantInline(admin.TabularInline):
    model = ContentVariant
    extra = 0
    fields = ["account", "title", "body"]
    raw_id_fields = ["account"]


class VersionInline(ReadOnlyInline):
    model = ContentVersion
    fields = ["number", "author", "created_at"]
    readonly_fields = fields


class ReviewInline(ReadOnlyInline):
    model = ContentReview
    fields = ["version", "reviewer", "decision", "accuracy_ok", "compliance_ok", "safety_ok",
              "comment", "created_at"]
    readonly_fields = fields


@admin.register(ContentItem)
class ContentItemAdmin(SimpleHistoryAdmin):
    list_display = ["title", "campaign", "team", "kind", "status", "owner", "planned_at", "version"]
    list_filter = ["status", "kind", "is_paid_promotion", "team"]
    search_fields = ["title", "body", "campaign__name", "owner__username"]
    list_select_related = ["campaign", "team", "owner"]
    date_hierarchy = "planned_at"
    raw_id_fields = ["campaign", "team", "owner", "filing", "approved_by"]
    filter_horizontal = ["media"]
    readonly_fields = ["status", "version", "submitted_at", "approved_by", "approved_at",
                       "blocked_version", "created_at", "updated_at"]
    inlines = [VariantInline, VersionInline, ReviewInline]


@admin.register(MediaAsset)
class MediaAssetAdmin(admin.ModelAdmin):
    list_display = ["title", "team", "source", "content_type", "size", "licence_reference",
                    "licence_expires_on", "uploaded_by", "uploaded_at"]
    list_filter = ["source", "content_type", "team"]
    search_fields = ["title", "licence_reference"]
    list_select_related = ["team", "uploaded_by"]
    raw_id_fields = ["team", "uploaded_by"]
    # The type was judged from the content on upload; a file swapped here would skip that.
    readonly_fields = ["file", "content_type", "size", "uploaded_at"]


@admin.register(ContentVersion)
class ContentVersionAdmin(admin.ModelAdmin):
    list_display = ["item", "number", "author", "created_at"]
    list_filter = ["created_at"]
    search_fields = ["item__title"]
    list_select_related = ["item", "author"]
    readonly_fields = ["item", "number", "snapshot", "author", "created_at"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


@admin.register(ContentReview)
class ContentReviewAdmin(admin.ModelAdmin):
    list_display = ["item", "version", "reviewer", "decision", "created_at"]
    list_filter = ["decision"]
    search_fields = ["item__title", "comment"]
    list_select_related = ["item", "reviewer"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


@admin.register(ContentVariant)
class ContentVariantAdmin(admin.ModelAdmin):
    list_display = ["item", "account", "title"]
    list_filter = ["account__platform"]
    search_fields = ["item__title", "title", "body"]
    list_select_related = ["item", "account__platform"]
    raw_id_fields = ["item", "account"]

from django.contrib import admin

from .models import (
    AccountPullState,
    Conversion,
    DailyRollup,
    DashboardArchive,
    DashboardGeneration,
    EvaluationReport,
    Finding,
    FormulaMetric,
    ImportBatch,
    MetricPoint,
    OptimisationAction,
    PhaseReview,
    TrackingLink,
    TrackingSecret,
)


@admin.register(MetricPoint)
class MetricPointAdmin(admin.ModelAdmin):
    list_display = ["date", "hour", "metric", "value", "source", "campaign", "account"]
    list_filter = ["source", "metric"]
    search_fields = ["metric", "campaign__name", "account__handle"]
    raw_id_fields = ["campaign", "account", "content_item", "publication", "batch"]
    # Millions of rows: never count them all for the list page.
    show_full_result_count = False


@admin.register(DailyRollup)
class DailyRollupAdmin(admin.ModelAdmin):
    list_display = ["date", "metric", "value", "campaign", "platform", "account"]
    list_filter = ["metric", "platform"]
    search_fields = ["metric", "campaign__name"]
    raw_id_fields = ["campaign", "account"]
    show_full_result_count = False


@admin.register(DashboardArchive)
class DashboardArchiveAdmin(admin.ModelAdmin):
    """Read-only: archives are built by the product; deleting one only makes it rebuild."""

    list_display = ["campaign", "language", "built_for", "generation", "built_at"]
    list_filter = ["language", "built_for"]
    search_fields = ["campaign__name"]
    raw_id_fields = ["campaign"]
    readonly_fields = ["campaign", "language", "built_for", "generation", "body", "built_at"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


@admin.register(DashboardGeneration)
class DashboardGenerationAdmin(admin.ModelAdmin):
    """Read-only: counted by the writes a dashboard shows, never by hand."""

    list_display = ["campaign_id", "value"]
    list_filter = ["value"]
    search_fields = ["=campaign_id"]
    readonly_fields = ["campaign_id", "value"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(FormulaMetric)
class FormulaMetricAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "team", "as_percentage"]
    list_filter = ["team", "as_percentage"]
    search_fields = ["code", "name"]


@admin.register(ImportBatch)
class ImportBatchAdmin(admin.ModelAdmin):
    list_display = [
        "original_name", "campaign", "status", "rows_done", "rows_invalid", "points_added",
        "points_updated", "created_by", "created_at",
    ]
    list_filter = ["status", "preset"]
    search_fields = ["original_name", "campaign__name", "sha256"]
    readonly_fields = ["errors", "sha256"]
    raw_id_fields = ["campaign", "account"]


@admin.register(AccountPullState)
class AccountPullStateAdmin(admin.ModelAdmin):
    list_display = ["account", "pulled_through", "last_success_at", "consecutive_failures",
                    "error_kind"]
    list_filter = ["error_kind"]
    search_fields = ["account__handle"]


@admin.register(TrackingLink)
class TrackingLinkAdmin(admin.ModelAdmin):
    list_display = ["code", "campaign", "account", "content_item", "utm_source", "utm_medium",
                    "created_at"]
    list_filter = ["utm_medium"]
    search_fields = ["code", "campaign__name", "utm_campaign"]
    raw_id_fields = ["campaign", "account", "content_item"]


@admin.register(TrackingSecret)
class TrackingSecretAdmin(admin.ModelAdmin):
    # The ciphertext is never shown; the secret is (re)generated from the campaign page.
    list_display = ["campaign", "rotated_at"]
    search_fields = ["campaign__name"]
    list_filter = ["rotated_at"]
    exclude = ["secret_ciphertext"]

    def has_add_permission(self, request) -> bool:
        return False


@admin.register(Conversion)
class ConversionAdmin(admin.ModelAdmin):
    list_display = ["order_id", "link", "revenue", "occurred_at"]
    list_filter = ["occurred_at"]
    search_fields = ["order_id", "link__code"]
    raw_id_fields = ["link"]


@admin.register(PhaseReview)
class PhaseReviewAdmin(admin.ModelAdmin):
    list_display = ["phase", "campaign", "created_at", "summary_by"]
    list_filter = ["created_at"]
    search_fields = ["campaign__name", "summary"]


@admin.register(EvaluationReport)
class EvaluationReportAdmin(admin.ModelAdmin):
    list_display = ["campaign", "period_start", "period_end", "created_at"]
    list_filter = ["period_start"]
    search_fields = ["campaign__name"]


@admin.register(Finding)
class FindingAdmin(admin.ModelAdmin):
    list_display = ["campaign", "kind", "platform_code", "period_start", "period_end"]
    list_filter = ["kind", "platform_code"]
    search_fields = ["campaign__name"]


@admin.register(OptimisationAction)
class OptimisationActionAdmin(admin.ModelAdmin):
    list_display = ["title", "campaign", "owner", "due_date", "status", "value_before",
                    "value_after"]
    list_filter = ["status"]
    search_fields = ["title", "campaign__name"]
    raw_id_fields = ["campaign", "finding", "kpi", "task"]

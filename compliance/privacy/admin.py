"""Admin for the privacy ledger: consents, data-subject requests, retention."""

from django import forms
from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import ConsentRecord, DataSubjectRequest, RetentionPolicy, RetentionRun
from .services import personal_detail_errors


class ConsentRecordAdminForm(forms.ModelForm):
    """Admin is one more door to a person's phone and ID number: the service's format
    rules (the resident ID checksum among them) hold here too."""

    class Meta:
        model = ConsentRecord
        fields = "__all__"  # noqa: DJ007 - the admin's own field list decides

    def clean(self):
        data = super().clean()
        for field, message in personal_detail_errors(
            data.get("subject_phone"), data.get("subject_id_number")
        ).items():
            self.add_error(field, message)
        return data


@admin.register(ConsentRecord)
class ConsentRecordAdmin(SimpleHistoryAdmin):
    form = ConsentRecordAdminForm
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
    # Status moves go through the request machine (the ledger page and API), so a
    # completed deletion is never reopened here and its erasure never rerun.
    readonly_fields = ["status", "completed_at", "refusal_reason", "handled_by"]


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

from django.contrib import admin
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from .models import Platform, PlatformAccount, QualificationDocument, SandboxPost


@admin.register(Platform)
class PlatformAdmin(SimpleHistoryAdmin):
    list_display = [
        "code", "name_zh", "name_en", "category", "ad_flexibility", "is_active", "sort_order",
    ]
    search_fields = ["code", "name_zh", "name_en"]
    list_filter = ["category", "ad_flexibility", "is_active"]
    list_editable = ["is_active", "sort_order"]


@admin.display(description=_("file"))
def document_download(document: QualificationDocument) -> str:
    """A link to the checked download view: admin never links a file under /media/."""
    if not document.pk or not document.file:
        return "—"
    return format_html('<a href="{}">{}</a>', document.get_file_url(), _("download"))


class QualificationDocumentInline(admin.TabularInline):
    model = QualificationDocument
    extra = 0
    # Files are filed through the account page or the API, where uploads are checked.
    fields = ["kind", "number", document_download, "content_type", "issued_on", "expires_on"]
    readonly_fields = [document_download, "content_type"]


@admin.register(PlatformAccount)
class PlatformAccountAdmin(SimpleHistoryAdmin):
    # Credentials are write-only: the ciphertext field is not editable and not
    # listed; people set credentials through the account page or the API.
    list_display = [
        "handle", "platform", "team", "connector", "verification_status",
        "certification_expires_on", "needs_reconnection",
    ]
    search_fields = ["handle", "external_id", "enterprise_certificate_number", "team__name"]
    list_filter = ["platform", "connector", "verification_status", "needs_reconnection", "team"]
    list_select_related = ["platform", "team"]
    exclude = ["credentials_ciphertext"]
    readonly_fields = ["last_sync_at", "health_check_requested_at", "last_checked_at",
                       "last_check_ok", "last_error", "last_error_kind", "last_error_code",
                       "last_error_at", "token_expires_at"]
    inlines = [QualificationDocumentInline]


@admin.register(QualificationDocument)
class QualificationDocumentAdmin(SimpleHistoryAdmin):
    list_display = ["account", "kind", "number", "issued_on", "expires_on", "uploaded_at"]
    search_fields = ["number", "account__handle"]
    list_filter = ["kind", "expires_on"]
    list_select_related = ["account__platform"]
    exclude = ["file"]
    readonly_fields = [document_download, "content_type"]


@admin.register(SandboxPost)
class SandboxPostAdmin(admin.ModelAdmin):
    """What the simulated platform holds: every publish call is one row."""

    list_display = ["external_id", "account", "client_key", "title", "created_at"]
    search_fields = ["external_id", "client_key", "title"]
    list_filter = ["account__platform", "created_at"]
    list_select_related = ["account__platform"]
    readonly_fields = ["account", "external_id", "url", "client_key", "title", "created_at"]

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import Platform


@admin.register(Platform)
class PlatformAdmin(SimpleHistoryAdmin):
    list_display = ["code", "name_zh", "name_en", "category", "is_active", "sort_order"]
    search_fields = ["code", "name_zh", "name_en"]
    list_filter = ["category", "is_active"]
    list_editable = ["is_active", "sort_order"]

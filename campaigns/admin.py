from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import Campaign


@admin.register(Campaign)
class CampaignAdmin(SimpleHistoryAdmin):
    list_display = ["name", "team", "owner", "objective", "status", "start_date", "end_date", "budget"]
    search_fields = ["name", "description", "owner__username", "team__name"]
    list_filter = ["status", "objective", "team", "start_date"]
    date_hierarchy = "start_date"
    autocomplete_fields = ["team", "owner"]

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EngagementConfig(AppConfig):
    """S2.3.2: the interaction inbox, replies and SLAs, Q&A, polls, lotteries, segments."""

    name = "campaigns.engagement"
    label = "engagement"
    verbose_name = _("Engagement")

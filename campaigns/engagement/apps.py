from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EngagementConfig(AppConfig):
    """S2.3.2: the interaction inbox, replies and SLAs, Q&A, polls, lotteries, segments."""

    name = "campaigns.engagement"
    label = "engagement"
    verbose_name = _("Engagement")

    def ready(self) -> None:
        from compliance.privacy.models import DataCategory
        from compliance.privacy.services import (
            register_personal_data_provider,
            register_retention_handler,
        )
        from teams.demo import register_demo_seeder

        from . import demo, selectors, services

        register_demo_seeder("engagement", demo.seed, order=55)
        # Home dashboard: overdue replies (teams.panels).
        from .panels import register as register_panels

        register_panels()
        # What the inbox, the audience and the lotteries hold on a person goes
        # into their data-subject export; their words expire with behaviour data.
        register_personal_data_provider("engagement", selectors.personal_data)
        register_retention_handler(
            "interactions", DataCategory.BEHAVIOUR, services.interactions_apply_retention
        )

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RiskConfig(AppConfig):
    """S3.2.1, S3.2.3: sentiment, opinion signals and spikes, incidents, plans, drills."""

    name = "compliance.risk"
    label = "risk"
    verbose_name = _("Risk control")

    def ready(self) -> None:
        from compliance.privacy.models import DataCategory
        from compliance.privacy.services import register_retention_handler
        from teams.demo import register_demo_seeder

        from . import demo, services

        register_demo_seeder("risk", demo.seed, order=31)
        # Home dashboard: open incidents (teams.panels).
        from .panels import register as register_panels

        register_panels()
        # Opinion signals hold excerpts of people's comments (behaviour data).
        register_retention_handler(
            "signals", DataCategory.BEHAVIOUR, services.opinion_signals_apply_retention
        )

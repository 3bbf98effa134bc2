from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PrivacyConfig(AppConfig):
    """PIPL (S3.1.3): consent ledger, data-subject requests, retention, PII masking."""

    name = "compliance.privacy"
    label = "privacy"
    verbose_name = _("Privacy")

    def ready(self) -> None:
        from teams.demo import register_demo_seeder

        from . import demo

        register_demo_seeder("privacy", demo.seed, order=25)

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PrivacyConfig(AppConfig):
    """PIPL (S3.1.3): consent ledger, data-subject requests, retention, PII masking."""

    name = "compliance.privacy"
    label = "privacy"
    verbose_name = _("Privacy")

    def ready(self) -> None:
        from platforms.models import DocumentKind
        from platforms.services import register_document_number_check
        from teams.demo import register_demo_seeder

        from . import demo, services

        register_demo_seeder("privacy", demo.seed, order=25)
        # An administrator's ID document carries a resident ID number: the one
        # place that knows its checksum checks it on every door that files one.
        register_document_number_check(
            DocumentKind.ADMINISTRATOR_ID, services.resident_id_number_problem
        )

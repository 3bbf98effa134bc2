from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def _load_default_rules(sender, using="default", **kwargs) -> None:
    """After migrate, make sure the shipped rule catalogue is in the database."""
    from .services import ruleset_ensure_default

    ruleset_ensure_default()


class ComplianceConfig(AppConfig):
    name = "compliance"
    verbose_name = _("Compliance and risk")

    def ready(self) -> None:
        from teams.demo import register_demo_seeder

        from . import demo, demo_risk

        post_migrate.connect(
            _load_default_rules, sender=self, dispatch_uid="compliance.load_default_rules"
        )
        register_demo_seeder("compliance", demo.seed, order=30)
        register_demo_seeder("compliance-risk", demo_risk.seed, order=31)

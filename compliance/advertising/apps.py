from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def _load_default_rules(sender, using="default", **kwargs) -> None:
    """After migrate, make sure the shipped rule catalogue is in the database."""
    from .services import ruleset_ensure_default

    ruleset_ensure_default()


class AdvertisingConfig(AppConfig):
    """Advertising Law and platform rules (S3.1.1–2, S3.2.2): checker, overrides, filings.

    The label stays ``compliance``: the checker's tables and migrations were
    the compliance app's, and the privacy and risk models moved out of it.
    """

    name = "compliance.advertising"
    label = "compliance"
    verbose_name = _("Advertising compliance")

    def ready(self) -> None:
        from teams.demo import register_demo_seeder

        from . import demo

        post_migrate.connect(
            _load_default_rules, sender=self, dispatch_uid="compliance.load_default_rules"
        )
        register_demo_seeder("compliance", demo.seed, order=30)

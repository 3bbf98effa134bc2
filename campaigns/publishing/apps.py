from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PublishingConfig(AppConfig):
    """S2.3.1: the calendar, recurring publishing plans, exactly-once publications."""

    name = "campaigns.publishing"
    label = "publishing"
    verbose_name = _("Publishing")

    def ready(self) -> None:
        from campaigns.content.services import register_status_listener
        from teams.demo import register_demo_seeder

        from .demo import seed
        from .services import publication_withdraw_follow

        # Content never imports publishing: it tells listeners of its moves.
        register_status_listener(publication_withdraw_follow)
        register_demo_seeder("publishing", seed, order=50)
        # Home dashboard: failed and unknown publications (teams.panels).
        from .panels import register as register_panels

        register_panels()

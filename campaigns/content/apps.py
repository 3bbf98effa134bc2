from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ContentConfig(AppConfig):
    """S2.2.3: content items, variants, versions, media and their licences, review."""

    name = "campaigns.content"
    label = "content"
    verbose_name = _("Content")

    def ready(self) -> None:
        from teams.demo import register_demo_seeder

        from .demo import seed

        register_demo_seeder("content", seed, order=45)
        # Home dashboard: items awaiting my review (teams.panels).
        from .panels import register as register_panels

        register_panels()

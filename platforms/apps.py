from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PlatformsConfig(AppConfig):
    name = "platforms"
    verbose_name = _("Platforms")

    def ready(self) -> None:
        from teams.demo import register_demo_seeder

        from .demo import seed

        register_demo_seeder("platforms", seed, order=20)

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PlanningConfig(AppConfig):
    """S2.1 campaign planning. The label stays ``campaigns`` so its tables and migrations stay."""

    name = "campaigns.planning"
    label = "campaigns"
    verbose_name = _("Campaigns")

    def ready(self) -> None:
        from teams.demo import register_demo_seeder

        from .demo import seed

        register_demo_seeder("campaigns", seed, order=40)
        # Home dashboard: my campaigns, and plans awaiting approval (teams.panels).
        from .panels import register as register_panels

        register_panels()
        # The campaign list API's answer tags (teams.models.AnswerTag).
        from .signals import connect

        connect()

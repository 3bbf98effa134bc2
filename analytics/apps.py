from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AnalyticsConfig(AppConfig):
    name = "analytics"
    verbose_name = _("Analytics")

    def ready(self) -> None:
        from teams.demo import register_demo_seeder

        from .services import demo
        from .services.agenda import connect_to_teams

        register_demo_seeder("analytics", demo.seed, order=60)

        # Meeting agendas read KPI pacing, content and replies: analytics writes
        # them into teams' records, so teams never imports a higher floor.
        connect_to_teams()

        # The home page's "my campaigns" panel shows each campaign's KPI progress.
        from teams.panels import register_campaign_progress

        from .selectors.home import campaign_kpi_progress

        register_campaign_progress(campaign_kpi_progress)

        # Archived dashboards go out of date with what they show.
        from . import signals

        signals.connect()

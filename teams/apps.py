from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class TeamsConfig(AppConfig):
    name = "teams"
    verbose_name = _("Teams")

    def ready(self) -> None:
        from .demo import register_demo_seeder
        from .demo_data import seed
        from .permissions import sync_role_groups

        # Permissions of every app exist only after migrate; the role groups
        # are brought up to date then, so new models get their permissions.
        post_migrate.connect(sync_role_groups, dispatch_uid="teams.sync_role_groups")
        # After campaigns (40) and analytics: RACI and the agenda read their data.
        register_demo_seeder("teams-collaboration", seed, order=70)
        # Home dashboard: my tasks; the other apps add their panels in their ready().
        from .panels import register_own_panels

        register_own_panels()

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from teams.demo import DemoContext, demo_seeders
from teams.models import Team
from teams.roles import Role
from teams.services import membership_set

DEMO_TEAM = ("演示品牌团队", "demo")
OTHER_TEAM = ("华东区域团队", "east-region")


class Command(BaseCommand):
    help = "Create the demo team, one user per role and every app's demo data. Idempotent."

    def add_arguments(self, parser):
        parser.add_argument(
            "--force", action="store_true",
            help="Seed although this is a production installation (creates known logins).",
        )

    def handle(self, *args, **options):
        # The demo users share one known password and include a superuser:
        # on a production installation that is a way in for anyone.
        if settings.PRODUCTION and not options["force"]:
            raise CommandError(
                "seed_demo creates logins with a known password, including a superuser; "
                "it runs only in the embedded or developer mode. Use --force to seed "
                "this production installation anyway."
            )
        User = get_user_model()
        password = settings.DEMO_PASSWORD
        with transaction.atomic():
            team, _ = Team.objects.get_or_create(
                slug=DEMO_TEAM[1], defaults={"name": DEMO_TEAM[0]}
            )
            other, _ = Team.objects.get_or_create(
                slug=OTHER_TEAM[1], defaults={"name": OTHER_TEAM[0]}
            )
            users = {}
            for role in Role.values:
                user, created = User.objects.get_or_create(
                    username=role,
                    defaults={"email": f"{role}@demo.campaignops.local", "is_staff": role == Role.ADMIN,
                              "is_superuser": role == Role.ADMIN},
                )
                if created:
                    user.set_password(password)
                    user.save()
                if not user.memberships.filter(team=team, role=role).exists():
                    membership_set(actor=None, team=team, user=user, role=role)
                users[role] = user
            other_user, created = User.objects.get_or_create(username="east_marketer")
            if created:
                other_user.set_password(password)
                other_user.save()
            if not other_user.memberships.filter(team=other).exists():
                membership_set(actor=None, team=other, user=other_user, role=Role.MARKETER)

            context = DemoContext(team=team, users=users, other_team=other)
            for name, seeder in demo_seeders():
                seeder(context)
                self.stdout.write(f"  demo data: {name}")
        for line in context.log:
            self.stdout.write(f"  {line}")
        self.stdout.write(self.style.SUCCESS(f"Demo team “{team.name}”. Logins (password: {password}):"))
        for role in Role.values:
            self.stdout.write(f"  {role:<9} / {password}")

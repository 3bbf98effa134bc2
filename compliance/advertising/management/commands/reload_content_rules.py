"""Reset the shipped content rules to ``compliance/rules/default.toml`` (S3.1.1).

``manage.py reload_content_rules`` brings a rule set loaded from an older data file
up to date: each shipped rule's words, patterns, exemptions, ``unless`` pattern and
parameters become the file's (admin-added words of those rules are removed; enabled,
severity and platform choices stay). A new rule-set version is recorded and audited.
"""

from django.core.management.base import BaseCommand

from compliance.advertising import services


class Command(BaseCommand):
    help = "Reset the shipped content rules' words and patterns to the data file."

    def add_arguments(self, parser):
        parser.add_argument("--name", default="default", help="Rule set name.")

    def handle(self, *args, **options):
        counts = services.ruleset_reload_default(actor=None, name=options["name"])
        self.stdout.write(f"Reloaded: {counts['added']} added, {counts['removed']} removed.")

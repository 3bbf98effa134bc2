from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from teams.backups import BackupError, backup_create


class Command(BaseCommand):
    help = (
        "Back up the database (pg_dump on PostgreSQL, SQLite's backup API embedded) and the "
        "uploaded files into one tar file with a manifest of every table's rows and checksum."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--to", default=str(settings.VAR_DIR / "backups"),
            help="Folder the backup is written to (default: var/backups).",
        )

    def handle(self, *args, **options):
        try:
            archive = backup_create(destination=Path(options["to"]))
        except BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(str(archive))

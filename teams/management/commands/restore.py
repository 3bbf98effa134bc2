from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from teams.backups import BackupError, backup_restore


class Command(BaseCommand):
    help = (
        "Restore a backup made by `manage.py backup` (database and uploaded files), replacing "
        "what is there, then check every table against the backup's manifest."
    )

    def add_arguments(self, parser):
        parser.add_argument("archive", help="The backup's .tar file.")
        parser.add_argument(
            "--yes", action="store_true", help="Do not ask before replacing the current data.",
        )

    def handle(self, *args, **options):
        archive = Path(options["archive"])
        if not archive.is_file():
            raise CommandError(f"No backup at {archive}.")
        if not options["yes"]:
            answer = input("This replaces the database and the uploaded files. Type 'yes': ")
            if answer.strip() != "yes":
                raise CommandError("Restore cancelled.")
        try:
            result = backup_restore(archive=archive)
        except BackupError as error:
            raise CommandError(str(error)) from error
        if result["differ"] or result["missing"]:
            raise CommandError(
                f"Restored, but the data does not match the backup: differing tables "
                f"{result['differ']}, missing tables {result['missing']}."
            )
        self.stdout.write(f"Restored {archive}; every table matches its manifest.")

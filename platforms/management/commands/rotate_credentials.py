from django.core.management.base import BaseCommand, CommandError

from platforms.services import credentials_rotate_all


class Command(BaseCommand):
    help = (
        "Re-encrypt every platform credential with the first key of CREDENTIALS_KEYS. "
        "Put the new key first, keep the old ones after it, run this, then drop the old keys. "
        "Credentials encrypted before any key was set (key derived from SECRET_KEY) are read "
        "and moved onto the new key too."
    )

    def handle(self, *args, **options):
        report = credentials_rotate_all()
        self.stdout.write(
            self.style.SUCCESS(f"Re-encrypted credentials of {report.rotated} account(s).")
        )
        for pk, label in report.failed:
            self.stderr.write(
                self.style.ERROR(
                    f"Account {pk} ({label}): no configured key decrypts its credentials; "
                    "left unchanged. Reconnect the account or restore the old key."
                )
            )
        if report.failed:
            raise CommandError(
                f"{len(report.failed)} account(s) could not be rotated; the others were."
            )

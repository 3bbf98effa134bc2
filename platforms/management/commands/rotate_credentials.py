from django.core.management.base import BaseCommand

from platforms.services import credentials_rotate_all


class Command(BaseCommand):
    help = (
        "Re-encrypt every platform credential with the first key of CREDENTIALS_KEYS. "
        "Put the new key first, keep the old ones after it, run this, then drop the old keys."
    )

    def handle(self, *args, **options):
        count = credentials_rotate_all()
        self.stdout.write(self.style.SUCCESS(f"Re-encrypted credentials of {count} account(s)."))

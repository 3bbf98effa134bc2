"""``manage.py import_metrics FILE --campaign ID [--preset P --account HANDLE] [--dry-run]
[--skip-invalid]``.

The same import as the upload page and ``POST /api/v1/imports/``, run in this
process: the file is stored as an import batch, read as a stream and its points
written through the store. ``--preset`` names the layout (``generic``, an
analytics tool's ``baidu_tongji`` / ``sycm`` / ``ga4``, or ``auto``); a tool's
export names no account, so ``--account`` gives the handle of the team's
account it belongs to (the website account for the web tools). Exits non-zero
when rows are invalid and ``--skip-invalid`` is not given (nothing is written
then). The import's notes (rates kept as given, columns left out) are printed
with the row errors.
"""

from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils import translation

from analytics.models import ImportStatus
from analytics.services import imports
from campaigns.planning.models import Campaign
from platforms.models import PlatformAccount


class Command(BaseCommand):
    help = "Import a CSV or XLSX export of platform metrics into a campaign."

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument("--campaign", type=int, required=True, help="The campaign's id.")
        parser.add_argument("--dry-run", action="store_true",
                            help="Check the file and count what would change; write nothing.")
        parser.add_argument("--skip-invalid", action="store_true",
                            help="Import the valid rows and list the invalid ones.")
        parser.add_argument(
            "--preset", default="generic", choices=[code for code, _l in imports.layout_choices()],
            help="The file's layout (default: generic; auto: detect it from the file).",
        )
        parser.add_argument(
            "--account", default="",
            help="The handle of the team's account the file belongs to, for layouts whose "
                 "files name none (the website account for baidu_tongji and ga4, the shop's "
                 "account for sycm).",
        )
        parser.add_argument("--language", default=settings.LANGUAGE_CODE,
                            help="Language of the messages (e.g. en); default: the site's.")

    def handle(self, *args, **options):
        path: Path = options["file"]
        campaign = Campaign.objects.select_related("team").filter(pk=options["campaign"]).first()
        if campaign is None:
            raise CommandError(f"No campaign with id {options['campaign']}.")
        if not path.is_file():
            raise CommandError(f"No file at {path}.")
        account = None
        if options["account"]:
            account = self._account(campaign, options["account"], options["preset"])
        with translation.override(options["language"]):
            try:
                # Judged by its size before it is opened, then stored as the batch's file.
                imports.import_refuse_oversized(path.stat().st_size)
                with path.open("rb") as handle:
                    batch = imports.import_create(
                        actor=None, campaign=campaign, file=handle, original_name=path.name,
                        size=path.stat().st_size, skip_invalid=options["skip_invalid"],
                        dry_run=options["dry_run"], preset=options["preset"], account=account,
                        run=False,
                    )
            except ValidationError as exc:
                raise CommandError(" ".join(exc.messages)) from exc
            batch = imports.import_run(batch=batch)
        for line in batch.errors:
            self.stderr.write(line)
        summary = (
            f"Import {batch.pk} ({batch.preset}): {batch.get_status_display()} — "
            f"{batch.rows_done} row(s) read, "
            f"{batch.rows_invalid} invalid; points added {batch.points_added}, "
            f"updated {batch.points_updated}, unchanged {batch.points_unchanged}"
            + (" (dry run: nothing written)" if batch.dry_run else "") + "."
        )
        if batch.status != ImportStatus.DONE:
            raise CommandError(summary)
        self.stdout.write(self.style.SUCCESS(summary))

    def _account(self, campaign: Campaign, handle: str, preset: str) -> PlatformAccount:
        """The team's account with ``handle`` — on the preset's platforms when several match."""
        accounts = list(
            PlatformAccount.objects.filter(team_id=campaign.team_id, handle=handle.strip())
            .select_related("platform")
        )
        layout = imports.LAYOUTS.get(preset)
        if len(accounts) > 1 and layout is not None and layout.platforms:
            accounts = [a for a in accounts if a.platform.code in layout.platforms] or accounts
        if not accounts:
            raise CommandError(f"The campaign's team has no account {handle!r}.")
        if len(accounts) > 1:
            platforms = ", ".join(sorted(a.platform.code for a in accounts))
            raise CommandError(
                f"The campaign's team has several accounts {handle!r} ({platforms}): "
                "name the layout with --preset."
            )
        return accounts[0]

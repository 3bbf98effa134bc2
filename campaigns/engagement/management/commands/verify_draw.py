"""``manage.py verify_draw PROOF.json``: re-check a lottery's proof file by itself.

Reads nothing from the database: everything is recomputed from the file
(commitment from the seed, entrant list hash from the entrants, winners from
seed, beacon, entrants and prize count). Exits 0 when every check holds,
1 on any mismatch, 2 when the file cannot be read as JSON.
"""

import json
import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from campaigns.engagement import draw


class Command(BaseCommand):
    help = "Check a lottery proof file (algorithm hmac-sha256-fisher-yates-v1)."
    requires_system_checks: list = []
    requires_migrations_checks = False

    def add_arguments(self, parser):
        parser.add_argument("proof", help="Path of the proof JSON file, or - for stdin.")

    def handle(self, *args, **options):
        source = options["proof"]
        try:
            text = sys.stdin.read() if source == "-" else Path(source).read_text(encoding="utf-8")
            proof = json.loads(text)
        except (OSError, UnicodeDecodeError, ValueError) as exc:
            raise CommandError(f"cannot read {source} as JSON: {exc}", returncode=2) from exc
        problems = draw.verify_proof(proof)
        if problems:
            for problem in problems:
                self.stderr.write(f"MISMATCH {problem}")
            raise CommandError(f"the proof does not hold ({len(problems)} problem(s))", returncode=1)
        self.stdout.write(
            f"OK {draw.ALGORITHM}: commitment, entrant list hash and "
            f"{len(proof['winners'])} winner(s) of {len(proof['entrants'])} entrant(s) verified"
        )

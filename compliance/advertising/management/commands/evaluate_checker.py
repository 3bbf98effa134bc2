"""Score the checker on the labelled corpus: ``manage.py evaluate_checker`` (S3.1.1).

Prints precision and recall per rule family for the development part and the
blind part of ``tests/compliance/advertising/corpus/`` (how they are scored:
``compliance.advertising.evaluation``). The blind part is frozen: its SHA-256
must still be the recorded one, else the figures are not comparable and the
command says so and fails. ``--failures`` lists the development lines that
went wrong; the blind part's lines are listed only with ``--blind-failures``,
to write new development lines of their kind, never to choose a pattern.
"""

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from compliance.advertising import checker, evaluation
from compliance.advertising.checker.shipped import compile_shipped


class Command(BaseCommand):
    help = "Precision and recall of the content checker per rule family on the labelled corpus."

    def add_arguments(self, parser):
        parser.add_argument("--corpus", type=Path, default=evaluation.CORPUS_DIR,
                            help="Corpus folder (dev.jsonl, blind.jsonl, BLIND.sha256).")
        parser.add_argument("--part", choices=[*evaluation.PARTS, "both"], default="both")
        parser.add_argument("--shipped", action="store_true",
                            help="Score the shipped rules/default.toml instead of the active rule set.")
        parser.add_argument("--failures", action="store_true",
                            help="List the development lines with a miss or a false alarm.")
        parser.add_argument("--blind-failures", action="store_true",
                            help="List the blind lines that went wrong (to write new development lines).")
        parser.add_argument("--json", action="store_true", help="Print the figures as JSON.")

    def handle(self, *args, **options):
        directory = options["corpus"]
        parts = evaluation.PARTS if options["part"] == "both" else (options["part"],)
        if "blind" in parts:
            try:
                recorded, actual = evaluation.blind_hash(directory)
            except OSError as exc:
                raise CommandError(f"Cannot read the blind part: {exc}") from exc
            if recorded != actual:
                raise CommandError(
                    f"The blind part changed (sha256 {actual}, recorded {recorded}): "
                    "its figures would not be comparable."
                )
        compiled = compile_shipped() if options["shipped"] else checker.compiled_rules()
        reports = evaluation.evaluate_corpus(compiled, directory, parts)
        if options["json"]:
            self.stdout.write(json.dumps({p: r.as_dict() for p, r in reports.items()}, indent=2))
            return
        source = "shipped rules (default.toml)" if options["shipped"] else (
            f"active rule set, version {compiled.version}"
        )
        self.stdout.write(f"Content checker on the labelled corpus ({source})")
        for part, report in reports.items():
            self.stdout.write("\n".join(evaluation.format_report(part, report)))
            if (part == "dev" and options["failures"]) or (part == "blind" and options["blind_failures"]):
                for outcome in report.failures():
                    line = outcome.line
                    missed = ", ".join(f"{m.family}{list(m.span) if m.span else ''}" for m in outcome.missed)
                    alarms = ", ".join(f"{r} “{t}”" for r, _s, _e, t in outcome.false_alarms)
                    self.stdout.write(
                        f"  {line.id} [{line.platform or '-'}] {line.text}"
                        + (f"\n      missed: {missed}" if missed else "")
                        + (f"\n      false alarms: {alarms}" if alarms else "")
                    )

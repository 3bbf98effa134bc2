"""Check texts from a JSONL file: ``manage.py check_content --jsonl FILE`` (S3.1.1).

Each input line is ``{"text", "platform", "is_paid_promotion"}``; each output
line is the result for the input line of the same number, in order. A line
that cannot be read gives ``{"line": n, "error": ...}`` and the rest go on.
"""

import json
import sys

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils import translation

from compliance import checker, services


class Command(BaseCommand):
    help = "Check one JSON object per line and print one result per line, in order."

    def add_arguments(self, parser):
        parser.add_argument("--jsonl", required=True, help="Input file, or - for standard input.")
        parser.add_argument("--language", default=None, help="Language of messages (zh-hans, en).")

    def handle(self, *args, **options):
        path = options["jsonl"]
        try:
            stream = sys.stdin if path == "-" else open(path, encoding="utf-8")  # noqa: SIM115
        except OSError as exc:
            raise CommandError(f"Cannot read {path}: {exc}") from exc
        language = options["language"] or translation.get_language() or "zh-hans"
        failed = 0
        with translation.override(language), stream:
            rules = checker.compiled_rules()
            for number, raw in enumerate(stream, start=1):
                result = self._one(number, raw, rules, language)
                if "error" in result:
                    failed += 1
                self.stdout.write(json.dumps(result, ensure_ascii=False))
        if failed:
            self.stderr.write(f"{failed} line(s) could not be checked.")

    def _one(self, number: int, raw: str, rules, language: str) -> dict:
        try:
            item = json.loads(raw)
        except json.JSONDecodeError as exc:
            return {"line": number, "error": f"invalid JSON: {exc.msg}"}
        if not isinstance(item, dict):
            return {"line": number, "error": "expected a JSON object"}
        try:
            text, platform = services.check_input_clean(
                text=item.get("text"), platform=item.get("platform")
            )
        except ValidationError as exc:
            return {"line": number, "error": exc.message_dict}
        result = checker.check_text(
            text, platform=platform, is_paid_promotion=bool(item.get("is_paid_promotion")),
            rules=rules,
        )
        return {"line": number, **result.to_dict(language)}

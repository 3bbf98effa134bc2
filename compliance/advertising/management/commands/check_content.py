"""Check texts from a JSONL file: ``manage.py check_content --jsonl FILE`` (S3.1.1).

Each input line is ``{"text", "platform", "is_paid_promotion"}`` (``platform`` a
code, a name or an alias: 微信, 小红书, B站 …); each output line is the result for
the input line of the same number, in order, with the ``platform`` understood. A line
that cannot be read (not UTF-8, not JSON, blank, a bad field) gives
``{"line": n, "error": ...}`` and the rest go on, so output line n is always
about input line n. Lines are decoded one by one (``utf-8-sig``, so a byte
order mark is ignored) and ``is_paid_promotion`` is parsed as by the API.
"""

import json
import sys

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils import translation

from compliance.advertising import checker, services


def _lines(stream):
    """Raw lines as bytes, without their line ending; a final newline ends no extra line."""
    data = stream.read()
    if not data:
        return []
    lines = data.split(b"\n")
    if lines[-1] == b"":
        lines.pop()
    return [line[:-1] if line.endswith(b"\r") else line for line in lines]


class Command(BaseCommand):
    help = "Check one JSON object per line and print one result per line, in order."

    def add_arguments(self, parser):
        parser.add_argument("--jsonl", required=True, help="Input file, or - for standard input.")
        parser.add_argument("--language", default=None, help="Language of messages (zh-hans, en).")

    def handle(self, *args, **options):
        path = options["jsonl"]
        try:
            stream = sys.stdin.buffer if path == "-" else open(path, "rb")  # noqa: SIM115
        except OSError as exc:
            raise CommandError(f"Cannot read {path}: {exc}") from exc
        language = options["language"] or translation.get_language() or "zh-hans"
        self._platforms: dict[str, object] = {}
        failed = 0
        with translation.override(language):
            try:
                raw_lines = _lines(stream)
            finally:
                if stream is not sys.stdin.buffer:
                    stream.close()
            rules = checker.compiled_rules()
            for number, raw in enumerate(raw_lines, start=1):
                result = self._one(number, raw, rules, language)
                if "error" in result:
                    failed += 1
                self.stdout.write(json.dumps(result, ensure_ascii=False))
        if failed:
            self.stderr.write(f"{failed} line(s) could not be checked.")

    def _one(self, number: int, raw: bytes, rules, language: str) -> dict:
        try:
            line = raw.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            return {"line": number, "error": f"not UTF-8 (byte {exc.start + 1})"}
        if not line.strip():
            return {"line": number, "error": "blank line"}
        try:
            item = json.loads(line)
        except json.JSONDecodeError as exc:
            return {"line": number, "error": f"invalid JSON: {exc.msg}"}
        if not isinstance(item, dict):
            return {"line": number, "error": "expected a JSON object"}
        raw_platform = item.get("platform")
        if isinstance(raw_platform, str) and raw_platform.strip():
            # One look-up per distinct name in the file, not per line.
            if raw_platform not in self._platforms:
                self._platforms[raw_platform] = services.platform_resolve(raw_platform)
            raw_platform = self._platforms[raw_platform] or raw_platform
        try:
            text, platform = services.check_input_clean(text=item.get("text"), platform=raw_platform)
            paid = services.paid_flag_clean(item.get("is_paid_promotion"))
        except ValidationError as exc:
            return {"line": number, "error": exc.message_dict}
        result = checker.check_text(text, platform=platform, is_paid_promotion=paid, rules=rules)
        return {
            "line": number, "platform": services.platform_understood(platform),
            **result.to_dict(language),
        }

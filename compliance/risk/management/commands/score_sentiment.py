"""Score texts from a JSONL file: ``{"text"}`` in, ``{"score", "label"}`` out, in order (S3.2.1)."""

import json
import sys

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from compliance.risk.sentiment import score_sentiment

BATCH = 1000
MAX_TEXT_CHARS = 50_000


class Command(BaseCommand):
    help = "Score the sentiment of one JSON object per line ({\"text\": ...}); '-' reads stdin."

    def add_arguments(self, parser):
        parser.add_argument("--jsonl", required=True, help="input file, or - for stdin")

    def handle(self, *args, jsonl: str, **options):
        # Bytes in, decoded line by line: one undecodable line is reported by number
        # and the rest are still scored; output stays aligned line-for-line with input.
        try:
            stream = (getattr(sys.stdin, "buffer", sys.stdin) if jsonl == "-"
                      else open(jsonl, "rb"))  # noqa: SIM115
        except OSError as exc:
            raise CommandError(str(exc)) from exc
        pending: list[tuple[int, str | None, str]] = []  # (line, text, error)
        with stream:
            for number, raw in enumerate(stream, start=1):
                pending.append((number, *self._parse(raw, first=number == 1)))
                if len(pending) >= BATCH:
                    self._flush(pending)
                    pending = []
        self._flush(pending)

    def _decode(self, raw: bytes | str, *, first: bool) -> str:
        # A byte-order mark may open the file; elsewhere it is just a stray character.
        if isinstance(raw, bytes):
            raw = raw.decode("utf-8-sig" if first else "utf-8")
        elif first:
            raw = raw.removeprefix("\ufeff")
        return raw.rstrip("\r\n")

    def _parse(self, raw: bytes | str, *, first: bool = False) -> tuple[str | None, str]:
        try:
            line = self._decode(raw, first=first)
        except UnicodeDecodeError as exc:
            return None, _("Not valid UTF-8 (byte %(position)s).") % {"position": exc.start + 1}
        if not line.strip():
            return None, _("Empty line: expected an object with a string \"text\".")
        try:
            item = json.loads(line)
        except json.JSONDecodeError as exc:
            return None, _("Not valid JSON: %(error)s") % {"error": exc.msg}
        if not isinstance(item, dict) or not isinstance(item.get("text"), str):
            return None, _("Expected an object with a string \"text\".")
        if len(item["text"]) > MAX_TEXT_CHARS:
            return None, _("Text longer than %(n)s characters.") % {"n": MAX_TEXT_CHARS}
        return item["text"], ""

    def _flush(self, pending) -> None:
        results = iter(score_sentiment([text for _n, text, _e in pending if text is not None]))
        for number, text, error in pending:
            line = {"line": number, "error": error} if text is None else next(results).as_dict()
            self.stdout.write(json.dumps(line, ensure_ascii=False))

"""The API's JSON parser: a body that could crash a view is a 400 before any view sees it.

Python's ``json`` accepts what the rest of the stack cannot hold:

- nesting a few thousand levels deep raises ``RecursionError`` while parsing,
  and a few hundred levels still overflow later (validation, ``JSONField``);
- a lone surrogate (``"\\ud800"``) is a valid JSON escape but not text: the
  database cannot store it and an error message echoing it cannot be encoded;
- a NUL character is refused by PostgreSQL text and ``jsonb`` columns;
- ``1e999`` parses to infinity and a 30-digit integer overflows SQLite and
  64-bit database columns.

``SafeJSONParser`` refuses each of these with a translated ``ParseError`` (400).
It is the default JSON parser of every API view (``REST_FRAMEWORK`` settings).
"""

from __future__ import annotations

import codecs
import json
import math
from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _
from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser

# Deeper than any payload the API documents (a plan's steps, a figure's traces)
# by a wide margin, and far below where recursion becomes a risk.
MAX_DEPTH = 32
# The range of a signed 64-bit column: PostgreSQL ``bigint`` and SQLite ``INTEGER``.
MAX_INTEGER = 2**63 - 1


def _refuse_constant(name: str) -> float:
    raise ValueError(f"{name} is not a JSON number")


def _finite_float(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise ParseError(_("A number in the request is too large."))
    return value


def _bounded_int(text: str) -> int:
    value = int(text)
    if abs(value) > MAX_INTEGER:
        raise ParseError(_("A number in the request is too large."))
    return value


def _check_text(text: str) -> None:
    if "\x00" in text:
        raise ParseError(_("The request contains a NUL character, which text may not hold."))
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        raise ParseError(_(
            "The request contains an invalid character (a lone UTF-16 surrogate)."
        )) from None


def check_structure(data: Any, *, max_depth: int = MAX_DEPTH) -> None:
    """Raise ``ParseError`` for nesting deeper than ``max_depth`` or unstorable text.

    Iterative, so the check itself never recurses.
    """
    stack: list[tuple[Any, int]] = [(data, 0)]
    while stack:
        value, depth = stack.pop()
        if isinstance(value, str):
            _check_text(value)
        elif isinstance(value, dict | list):
            if depth >= max_depth:
                raise ParseError(_(
                    "The request is nested more than %(depth)s levels deep."
                ) % {"depth": max_depth})
            if isinstance(value, dict):
                for key, item in value.items():
                    _check_text(key)
                    stack.append((item, depth + 1))
            else:
                stack.extend((item, depth + 1) for item in value)


class SafeJSONParser(JSONParser):
    """DRF's JSON parser with the depth, character and number checks above."""

    def parse(self, stream, media_type=None, parser_context=None):
        parser_context = parser_context or {}
        encoding = parser_context.get("encoding", settings.DEFAULT_CHARSET)
        try:
            text = codecs.getreader(encoding)(stream).read()
            data = json.loads(
                text, parse_constant=_refuse_constant, parse_float=_finite_float,
                parse_int=_bounded_int,
            )
        except RecursionError:
            raise ParseError(_(
                "The request is nested more than %(depth)s levels deep."
            ) % {"depth": MAX_DEPTH}) from None
        except ValueError as exc:
            raise ParseError(_("JSON parse error - %s") % str(exc)) from None
        check_structure(data)
        return data

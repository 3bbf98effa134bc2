"""Mask personal data in a stored text for readers without the privacy permission (S3.1.3).

Masking keeps the text's length, so the findings' offsets still mark the right
characters: a phone keeps its first 3 and last 4 digits (138****5678, separators
and a +86 prefix stay), a resident ID its first 6 and last 4 characters.
"""

from __future__ import annotations

from . import detectors
from .engine import normalise


def mask_personal(text: str) -> str:
    """``text`` with mobile numbers and valid resident IDs masked; same length."""
    if not text:
        return text
    norm = normalise(text)
    if detectors._DIGIT.search(norm) is None:
        return text
    chars = list(text)
    for start, end in detectors.run("mobile_number", norm):
        digits = [i for i in range(start, end) if norm[i].isdigit()][-11:]
        for i in digits[3:7]:
            chars[i] = "*"
    for start, end in detectors.run("resident_id", norm):
        for i in range(start + 6, end - 4):
            chars[i] = "*"
    return "".join(chars)

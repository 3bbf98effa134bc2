"""Personal information: the one place phones and resident IDs are recognised and masked.

Spec S3.1.3 (PIPL) and RULES.md PI-01/PI-02. The privacy ledger validates and
masks its personal fields with these functions, and the advertising checker
finds phone numbers and ID numbers in copy with the same patterns, so a number
one of them recognises the other recognises too.

Everything here is pure: no database, no settings read at import time.
"""

from __future__ import annotations

import datetime
import re

from django.conf import settings
from django.utils import timezone
from django.utils.crypto import salted_hmac

__all__ = [
    "MOBILE",
    "RESIDENT_ID",
    "halfwidth",
    "is_phone_number",
    "looks_like_mobile",
    "looks_like_resident_id",
    "mask_email",
    "mask_id_number",
    "mask_identifier",
    "mask_name",
    "mask_personal",
    "mask_phone",
    "mask_subject_ref",
    "mask_text",
    "mobile_spans",
    "pseudonym",
    "resident_id_spans",
    "resident_id_valid",
]

Span = tuple[int, int]

# --- patterns -----------------------------------------------------------------

# RULES.md PI-01: a mainland mobile number. Separators between the groups are
# tolerated, and so is a country code (+86, 0086). The leading literal lets the
# regex engine skip ahead; the character before a match is checked in Python (a
# lookbehind would defeat that): a letter or digit there makes it an order,
# parcel or model number, not a phone. A counter right after (件, 元…) makes it
# a quantity.
MOBILE = re.compile(
    r"1[3-9]\d(?:[\s\-]?\d{4}){2}"
    r"(?![\d\-]|\s*(?:件|个|元|次|份|台|单|笔|万|亿|条|人|只|瓶|盒|箱|克|斤))"
)
# A country code right before the number (looked for behind each match, which
# keeps the regex's fast literal start).
_COUNTRY_CODE = re.compile(r"(?:\+|00)\s*86[\s\-]?$")
_PHONE_LABEL = re.compile(r"(?:tel|mob|mobile|phone|cell|call)\s*[:.]?\s*$", re.IGNORECASE)
# RULES.md PI-02: 17 digits + check character, not inside a longer run.
RESIDENT_ID = re.compile(r"\d{17}[\dXx](?![0-9A-Za-z])")
_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"

_DIGIT = re.compile(r"\d")
_SEPARATORS = re.compile(r"[\s\-]")
# A phone number as a person writes it in a form: an optional +, then digits
# with spaces or hyphens between them.
_PHONE_FORM = re.compile(r"\+?\d[\d \-]*")
_PHONE_DIGITS = (7, 15)  # a local landline number … E.164's longest
_EMAIL = re.compile(r"^([^@\s]+)@([^@\s]+)$")

# Full-width digits and letters (１３８…, ＋８６) are read as their half-width
# twins. One character maps to one, so offsets stay those of the text.
_FULLWIDTH = re.compile(r"[\uff10-\uff19\uff21-\uff3a\uff41-\uff5a]")
_TO_HALFWIDTH = {
    cp: cp - 0xFEE0
    for cp in [*range(0xFF10, 0xFF1A), *range(0xFF21, 0xFF3B), *range(0xFF41, 0xFF5B)]
} | {0xFF0B: 0x2B, 0xFF0D: 0x2D, 0xFF0E: 0x2E}  # ＋ － ． once digits are present


def halfwidth(text: str) -> str:
    """``text`` with full-width ASCII made half-width; same length, same offsets."""
    if _FULLWIDTH.search(text) is None:
        return text
    return text.translate(_TO_HALFWIDTH)


# --- recognising -----------------------------------------------------------------

def resident_id_valid(number: str) -> bool:
    """GB 11643 / ISO 7064 MOD 11-2 checksum, plus a real birth date."""
    if len(number) != 18 or not number[:17].isdigit():
        return False
    total = sum(int(d) * w for d, w in zip(number[:17], _ID_WEIGHTS, strict=True))
    if _ID_CHECK[total % 11] != number[17].upper():
        return False
    try:
        born = datetime.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        return False
    return datetime.date(1900, 1, 1) <= born <= timezone.localdate()


def _glued_before(text: str, start: int) -> bool:
    """A letter, digit, + or - right before a number makes it part of a code
    (SN13812345678, 型号X139…), unless the letters label a phone (Tel138…)."""
    char = text[start - 1]
    if char.isdigit() or char in "-+_":
        return True
    if char.isascii() and char.isalpha():
        return _PHONE_LABEL.search(text, max(0, start - 8), start) is None
    return False


def mobile_spans(text: str) -> list[Span]:
    """Where mobile numbers (with any country code before them) stand in ``text``."""
    if _DIGIT.search(text) is None:
        return []
    spans = []
    for m in MOBILE.finditer(text):
        start = m.start()
        if start >= 2 and text[start - 1] in "86- \t":
            code = _COUNTRY_CODE.search(text, max(0, start - 7), start)
            if code is not None:
                start = code.start()
        if start == 0 or not _glued_before(text, start):
            spans.append((start, m.end()))
    return spans


def resident_id_spans(text: str) -> list[Span]:
    """Where valid resident ID numbers stand in ``text`` (checksum and birth date hold)."""
    if _DIGIT.search(text) is None:
        return []
    return [
        m.span() for m in RESIDENT_ID.finditer(text)
        # Letters may precede an ID (ID330106…, 身份证号:…); a digit may not.
        if (m.start() == 0 or not text[m.start() - 1].isdigit())
        and resident_id_valid(m.group(0))
    ]


def _national_digits(digits: str) -> str:
    """A mobile number's 11 digits without a +86 / 0086 / 86 country code before them."""
    for code in ("0086", "86"):
        if len(digits) == 11 + len(code) and digits.startswith(code):
            return digits[len(code):]
    return digits


def looks_like_mobile(value: str) -> bool:
    """Whether the whole of ``value`` is one mobile number (separators, country code allowed)."""
    compact = _SEPARATORS.sub("", halfwidth(value or "")).removeprefix("+")
    return bool(MOBILE.fullmatch(_national_digits(compact)))


def looks_like_resident_id(value: str) -> bool:
    """Whether ``value`` has the shape of a resident ID (17 digits and a check character).

    Shape only: masking hides anything that looks like an ID, valid or not.
    """
    compact = _SEPARATORS.sub("", halfwidth(value or ""))
    return RESIDENT_ID.fullmatch(compact) is not None


def is_phone_number(value: str) -> bool:
    """A phone as written in a form: optional +, digits with spaces or hyphens, 7–15 digits."""
    value = halfwidth((value or "").strip())
    if not _PHONE_FORM.fullmatch(value):
        return False
    return _PHONE_DIGITS[0] <= len(_DIGIT.findall(value)) <= _PHONE_DIGITS[1]


# --- masking ---------------------------------------------------------------------

def mask_phone(value: str) -> str:
    """138****5678: keep the first 3 and last 4 digits of the number.

    A country code (+86, 0086) is dropped first, so it never passes for the
    number's own first digits.
    """
    digits = _national_digits(re.sub(r"\D", "", value or ""))
    if len(digits) < 7:
        return "*" * len(digits)
    return f"{digits[:3]}{'*' * (len(digits) - 7)}{digits[-4:]}"


def mask_id_number(value: str) -> str:
    """Resident ID: keep the first 6 and last 4 characters (RULES.md)."""
    value = (value or "").strip()
    if len(value) <= 10:
        return "*" * len(value)
    return f"{value[:6]}{'*' * (len(value) - 10)}{value[-4:]}"


def mask_name(value: str) -> str:
    """张三 → 张*, 欧阳娜娜 → 欧**娜, Alice → A****."""
    value = (value or "").strip()
    if len(value) <= 1:
        return value
    if len(value) == 2 or not all("\u4e00" <= ch <= "\u9fff" for ch in value):
        return value[0] + "*" * (len(value) - 1)
    return value[0] + "*" * (len(value) - 2) + value[-1]


def mask_email(value: str) -> str:
    """zhang.san@example.com → z***@example.com: the domain stays, the person goes."""
    match = _EMAIL.match((value or "").strip())
    if not match:
        return mask_identifier(value)
    return f"{match.group(1)[0]}***@{match.group(2)}"


def mask_identifier(value: str) -> str:
    """Any other identifier: keep a short prefix and suffix, hide the middle.

    member-1002 → me*******02, u-77 → u**7; two characters or fewer are all hidden.
    """
    value = (value or "").strip()
    if len(value) <= 2:
        return "*" * len(value)
    keep = 1 if len(value) <= 6 else 2
    return f"{value[:keep]}{'*' * (len(value) - 2 * keep)}{value[-keep:]}"


def mask_subject_ref(value: str) -> str:
    """A subject identifier as a reader without ``privacy.view_personal`` sees it (S3.1.3).

    Identifiers are meant to be pseudonymous, but in practice they are often a phone
    number, an ID number or an email address: each is masked in its usual form, and
    anything else keeps only a short prefix and suffix.
    """
    if looks_like_resident_id(value):
        return mask_id_number(_SEPARATORS.sub("", value))
    if looks_like_mobile(value):
        return mask_phone(value)
    if _EMAIL.match((value or "").strip()):
        return mask_email(value)
    return mask_identifier(value)


def mask_personal(text: str) -> str:
    """``text`` with mobile numbers and valid resident IDs masked; same length.

    Keeping the length keeps the offsets of the checker's findings on the right
    characters: a phone keeps its first 3 and last 4 digits (138****5678,
    separators and a +86 prefix stay), a resident ID its first 6 and last 4.
    """
    if not text:
        return text
    norm = halfwidth(text)
    if _DIGIT.search(norm) is None:
        return text
    chars = list(text)
    for start, end in mobile_spans(norm):
        digits = [i for i in range(start, end) if norm[i].isdigit()][-11:]
        for i in digits[3:7]:
            chars[i] = "*"
    for start, end in resident_id_spans(norm):
        for i in range(start + 6, end - 4):
            chars[i] = "*"
    return "".join(chars)


# Free text: an e-mail address anywhere in it, and anything shaped like a resident
# ID whether or not its check character is right (a mistyped ID is still an ID).
_EMAIL_IN_TEXT = re.compile(r"[A-Za-z0-9._%+\-]+@[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)+")
_ID_SHAPED = re.compile(r"(?<![0-9A-Za-z])\d{17}[\dXx](?![0-9A-Za-z])")


def mask_text(text: str) -> str:
    """Free text (a request's details, a note) as a reader without the personal-data
    permission sees it; same length.

    Beyond ``mask_personal`` (mobile numbers, valid resident IDs): e-mail
    addresses keep the first character of the name and the domain, and any
    18-character ID-shaped number keeps its first 6 and last 4 characters,
    valid checksum or not.
    """
    if not text:
        return text
    chars = list(mask_personal(text))
    norm = halfwidth(text)
    for match in _ID_SHAPED.finditer(norm):
        for i in range(match.start() + 6, match.end() - 4):
            chars[i] = "*"
    for match in _EMAIL_IN_TEXT.finditer(norm):
        at = norm.index("@", match.start())
        for i in range(match.start() + 1, at):
            chars[i] = "*"
    return "".join(chars)


# --- pseudonyms -----------------------------------------------------------------

_PSEUDONYM_SALT = "compliance.privacy.pii.pseudonym"


def pseudonym(subject_ref: str, *, key: str | None = None) -> str:
    """A stable pseudonym for a subject identifier, keyed so it cannot be reversed.

    HMAC-SHA256 under ``settings.PSEUDONYM_KEY``: without the key, enumerating
    every phone number does not lead back to the person. The same identifier
    and key always give the same pseudonym, so anonymised records of one person
    still belong together.
    """
    if key is None:
        # Until a dedicated key is configured, SECRET_KEY keys it (salted, so the
        # pseudonym reveals nothing about SECRET_KEY's other uses).
        key = getattr(settings, "PSEUDONYM_KEY", None) or settings.SECRET_KEY
    digest = salted_hmac(_PSEUDONYM_SALT, subject_ref, secret=key, algorithm="sha256")
    return "anon-" + digest.hexdigest()[:16]

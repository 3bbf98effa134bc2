"""One way to write numbers, money and dates on every page: ``{% load formats %}``.

Whatever the page, a reader sees the same shapes in their language:

- ``{{ value|number }}`` → 120,000 (``|number:2`` → 120,000.00);
- ``{{ value|money }}`` → ¥50,000.00 (yuan, always two decimals);
- ``{{ value|day }}`` → 2028-01-05;
- ``{{ value|moment }}`` → 2028-01-05 14:30 (local time).

The date shapes are the languages' ``DATE_FORMAT`` and ``DATETIME_FORMAT``
(``config/formats``: one shape for both languages), so code formatting a date
with ``django.utils.formats.date_format`` writes the same. Empty values give "" so
``|default:"—"`` can follow. Registered as a template
library in settings (``TEMPLATES`` → ``libraries``), so every app's templates
load it without importing config.
"""

from __future__ import annotations

import datetime
from decimal import Decimal, InvalidOperation

from django import template
from django.utils import formats, timezone

register = template.Library()


def _decimal(value: object) -> Decimal | None:
    if value is None or value == "" or isinstance(value, bool):
        return None
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError, TypeError):
        return None
    return number if number.is_finite() else None


@register.filter
def number(value: object, places: int | str | None = None) -> str:
    """Thousands separators; ``places`` decimals (default: none for whole numbers, else 2)."""
    amount = _decimal(value)
    if amount is None:
        return "" if value is None else str(value)
    if places in (None, ""):
        places = 0 if amount == amount.to_integral_value() else 2
    return f"{amount:,.{int(places)}f}"


@register.filter
def money(value: object) -> str:
    """Yuan with the ¥ sign, thousands separators and two decimals."""
    amount = _decimal(value)
    if amount is None:
        return "" if value is None else str(value)
    sign = "-" if amount < 0 else ""
    return f"{sign}¥{abs(amount):,.2f}"


@register.filter
def day(value: object) -> str:
    """A date (or the local date of a date-time) in the reader's language."""
    if isinstance(value, datetime.datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value)
        value = value.date()
    if not isinstance(value, datetime.date):
        return "" if value is None else str(value)
    return formats.date_format(value, "DATE_FORMAT")


@register.filter
def moment(value: object) -> str:
    """A date-time in local time, in the reader's language, to the minute."""
    if not isinstance(value, datetime.datetime):
        return day(value)
    if timezone.is_aware(value):
        value = timezone.localtime(value)
    return formats.date_format(value, "DATETIME_FORMAT")

"""What every planning service shares: who may act, how input is checked, the audit row.

Every check raises ``ValidationError`` keyed by the field at fault, so the page
shows it under that field (``teams.doors.apply_validation_error``) and the API
answers 400 with the same key.
"""

import datetime
from collections.abc import Callable, Iterable
from decimal import Decimal, InvalidOperation
from typing import Any, Literal, overload

from django.contrib.auth.models import User
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.utils.translation import gettext as _

from teams.models import Task, Team
from teams.selectors import user_can
from teams.services import audit_record

from ..models import AgeBand, Campaign, Gender
from ..selectors import plan_lock_reason
from ..transitions import LOCKED_STATUSES

# Campaign dates are kept to a sensible calendar window, so date arithmetic
# (shifting, the Gantt's end line, duplicating) never overflows.
MIN_YEAR, MAX_YEAR = 2000, 2100
# DecimalField(max_digits=18, decimal_places=4) holds values below 10^14.
MAX_KPI_VALUE = Decimal("99999999999999")
# DecimalField(max_digits=14, decimal_places=2) holds budgets below 10^12.
MAX_BUDGET = Decimal("999999999999")
# A relative goal beyond a thousandfold change is a typo, not a plan.
MAX_CHANGE_PERCENT = Decimal("100000")
MAX_KPI_WEIGHT = 1000
TEXT_LIMIT = 200  # CharField(max_length=200): names, titles
# Free texts (TextField) are bounded too, so a pasted novel is refused, not stored.
DESCRIPTION_LIMIT = 5000
STATEMENT_LIMIT = 1000
REASON_LIMIT = 1000


def _require(
    actor: User | None, team: Team | int, capability: str, message: str
) -> None:
    if actor is None or not user_can(actor, team, capability):
        raise PermissionDenied(message)


def _require_edit(actor: User, campaign: Campaign) -> None:
    _require(actor, campaign.team_id, "campaign.edit", _("You may not change this campaign."))
    if campaign.status in LOCKED_STATUSES:
        raise ValidationError(
            _("A %(status)s campaign can no longer be changed.")
            % {"status": campaign.get_status_display()}
        )


def _require_plan_edit(actor: User, campaign: Campaign) -> None:
    """Goals, KPIs, phases and dates change freely only while the plan is a draft.

    Once a manager approved the plan (S2.1), changing it without their say would
    make the approval meaningless: only approvers may still adjust it; others
    ask for it to be returned to draft, which sends it through approval again.
    The pages ask the same selector (``selectors.plan_lock_reason``).
    """
    _require_edit(actor, campaign)
    reason = plan_lock_reason(actor, campaign)
    if reason:
        raise ValidationError(reason)


def _collect_errors(*checks: Callable[[], Any]) -> list[Any]:
    """Run every check; raise one ``ValidationError`` holding all their field errors.

    A form then shows every mistake at once instead of one per submission.
    """
    results: list[Any] = []
    errors: dict[str, list] = {}
    for check in checks:
        try:
            results.append(check())
        except ValidationError as exc:
            if not hasattr(exc, "error_dict"):
                raise
            for field, field_errors in exc.error_dict.items():
                errors.setdefault(field, []).extend(field_errors)
            results.append(None)
    if errors:
        raise ValidationError(errors)
    return results


@overload
def _decimal(
    value: object, field: str, *, required: Literal[True] = ...,
    minimum: Decimal | None = ..., maximum: Decimal | None = ...,
) -> Decimal: ...


@overload
def _decimal(
    value: object, field: str, *, required: bool,
    minimum: Decimal | None = ..., maximum: Decimal | None = ...,
) -> Decimal | None: ...


def _decimal(
    value: object, field: str, *, required: bool = True, minimum: Decimal | None = Decimal(0),
    maximum: Decimal | None = MAX_KPI_VALUE,
) -> Decimal | None:
    if value is None or value == "":
        if required:
            raise ValidationError({field: _("This field is required.")})
        return None
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError, TypeError):
        raise ValidationError({field: _("Enter a number.")}) from None
    if not number.is_finite():
        raise ValidationError({field: _("Enter a number.")})
    if minimum is not None and number < minimum:
        raise ValidationError({field: _("Must not be negative.")})
    if maximum is not None and abs(number) > maximum:
        raise ValidationError({field: _("This value is too large.")})
    return number


def _date(value: object, field: str) -> datetime.date:
    parsed = None
    if isinstance(value, datetime.datetime):
        parsed = value.date()
    elif isinstance(value, datetime.date):
        parsed = value
    elif isinstance(value, str):
        try:
            parsed = datetime.date.fromisoformat(value)
        except ValueError:
            parsed = None
    if parsed is None:
        raise ValidationError({field: _("Enter a valid date.")})
    if not MIN_YEAR <= parsed.year <= MAX_YEAR:
        raise ValidationError({field: _(
            "Enter a date between the years %(min)s and %(max)s."
        ) % {"min": MIN_YEAR, "max": MAX_YEAR}})
    return parsed


def _shifted(value: datetime.date, delta: datetime.timedelta, field: str) -> datetime.date:
    """``value + delta``, as a field error when it leaves the allowed years."""
    try:
        moved = value + delta
    except OverflowError:
        moved = None
    if moved is None or not MIN_YEAR <= moved.year <= MAX_YEAR:
        raise ValidationError({field: _(
            "Moving the plan this far would put dates outside the years %(min)s – %(max)s."
        ) % {"min": MIN_YEAR, "max": MAX_YEAR}})
    return moved


def _text(value: object, field: str, max_length: int) -> str:
    text = str(value or "").strip()
    if len(text) > max_length:
        raise ValidationError({field: _(
            "Keep this to %(max)s characters (it has %(count)s)."
        ) % {"max": max_length, "count": len(text)}})
    return text


def _check_dates(start: datetime.date, end: datetime.date) -> None:
    """The one "end ≥ start" rule of campaigns and phases."""
    if end < start:
        raise ValidationError({"end_date": _("The end date must not be before the start date.")})


def _check_choice(value: object, choices: type[models.TextChoices], field: str) -> None:
    if value not in choices.values:
        raise ValidationError({field: _("Choose one of the listed options.")})


def _clean_audience(
    age_bands: Iterable[str] | None, gender: str, interests: str | Iterable[object] | None
) -> tuple[list[str], str, list[str]]:
    bands = list(age_bands or [])
    for band in bands:
        if band not in AgeBand.values:
            raise ValidationError({"target_age_bands": _("Unknown age band.")})
    _check_choice(gender, Gender, "target_gender")
    if isinstance(interests, str):
        interests = interests.split(",")
    cleaned = [str(item).strip().lower() for item in (interests or []) if str(item).strip()]
    return bands, gender, cleaned


def _audit(
    actor: User | None, action: str, summary: str, campaign: Campaign, *,
    reason: str = "", **data: object,
) -> None:
    audit_record(
        actor=actor, action=action, summary=summary, target=campaign, team=campaign.team,
        reason=reason, data=data,
    )


def _tasks_of(source: models.Model) -> models.QuerySet[Task]:
    """The tasks handed out for ``source`` (a campaign or a milestone)."""
    return Task.objects.filter(
        source_type=ContentType.objects.get_for_model(type(source)), source_id=str(source.pk)
    )

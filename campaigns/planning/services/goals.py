"""SMART goals (S2.1.1) and the KPIs that measure them (S2.1.2)."""

from decimal import Decimal

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from platforms.metrics import METRICS, Metric, MetricKind
from platforms.models import Platform

from ..models import KPI, Campaign, Direction, Goal, Objective
from ._validation import (
    MAX_CHANGE_PERCENT,
    MAX_KPI_VALUE,
    MAX_KPI_WEIGHT,
    STATEMENT_LIMIT,
    _audit,
    _check_choice,
    _collect_errors,
    _date,
    _decimal,
    _require_edit,
    _require_plan_edit,
    _text,
)

KPI_FIELDS = (
    "metric", "direction", "baseline", "no_baseline_reason", "target",
    "target_change_percent", "deadline", "platform", "unit", "weight", "achieved",
)
# The values of a rate KPI that are rates themselves (the change in % is not).
RATE_FIELDS = ("baseline", "target", "achieved")


# --- goals ------------------------------------------------------------------------------


def _clean_goal(campaign: Campaign, statement: object, objective: object) -> tuple[str, str]:
    statement = _text(statement, "statement", STATEMENT_LIMIT)
    if not statement:
        raise ValidationError({"statement": _("Say what the goal is.")})
    objective = objective or campaign.objective
    _check_choice(objective, Objective, "objective")
    return statement, str(objective)


def _add_goal(actor: User, campaign: Campaign, statement: str, objective: str) -> Goal:
    goal = Goal.objects.create(
        campaign=campaign, statement=statement, objective=objective,
        order=campaign.goals.count(),
    )
    _audit(actor, "goal.create", gettext_noop("Goal added: %(goal)s"), campaign,
           goal=statement[:120])
    return goal


def goal_create(
    *, actor: User, campaign: Campaign, statement: str, objective: str = ""
) -> Goal:
    """Add a goal; its objective defaults to the campaign's."""
    _require_plan_edit(actor, campaign)
    statement, objective = _clean_goal(campaign, statement, objective)
    with transaction.atomic():
        return _add_goal(actor, campaign, statement, objective)


def goal_create_with_kpi(
    *, actor: User, campaign: Campaign, statement: str, objective: str = "",
    rates_as_percent: bool = False, **kpi_values: object,
) -> tuple[Goal, KPI]:
    """Add a goal together with its first KPI, so it is measurable from the start.

    Both are saved or neither; the goal's and the KPI's field errors are
    reported together.
    """
    _require_plan_edit(actor, campaign)
    (statement, objective), cleaned = _collect_errors(
        lambda: _clean_goal(campaign, statement, objective),
        lambda: _clean_kpi(campaign, kpi_values, rates_as_percent=rates_as_percent),
    )
    with transaction.atomic():
        goal = _add_goal(actor, campaign, statement, objective)
        kpi = _add_kpi(actor, goal, cleaned)
    return goal, kpi


def goal_update(*, actor: User, goal: Goal, statement: str, objective: str) -> Goal:
    """Change a goal's statement and objective."""
    _require_plan_edit(actor, goal.campaign)
    statement, objective = _clean_goal(goal.campaign, statement, objective)
    with transaction.atomic():
        goal.statement, goal.objective = statement, objective
        goal.save()
        _audit(actor, "goal.update", gettext_noop("Goal edited: %(goal)s"), goal.campaign,
               goal=statement[:120])
    return goal


def goal_delete(*, actor: User, goal: Goal) -> None:
    """Remove a goal with its KPIs."""
    campaign = goal.campaign
    _require_plan_edit(actor, campaign)
    with transaction.atomic():
        _audit(actor, "goal.delete", gettext_noop("Goal removed: %(goal)s"), campaign,
               goal=goal.statement[:120])
        goal.delete()


# --- KPIs -------------------------------------------------------------------------------


def _is_rate(metric: object) -> bool:
    return metric in METRICS and METRICS[metric].kind == MetricKind.RATIO


def _rates_from_percent(metric: object, values: dict) -> dict:
    """Rates typed as percentages (the pages' unit: 5 = 5%) as the stored ratios (0.05)."""
    if not _is_rate(metric):
        return values
    converted = dict(values)
    errors: dict[str, str] = {}
    for field in RATE_FIELDS:
        if values.get(field) in (None, ""):
            continue
        try:
            number = _decimal(values[field], field)
        except ValidationError as exc:
            errors.update({f: e[0] for f, e in exc.message_dict.items()})
            continue
        if number > 100:
            errors[field] = _("A rate is a percentage between 0 and 100.")
        else:
            converted[field] = number / Decimal(100)
    if errors:
        raise ValidationError(errors)
    return converted


def _clean_kpi(campaign: Campaign, values: dict, *, rates_as_percent: bool = False) -> dict:
    metric = values.get("metric")
    _check_choice(metric, Metric, "metric")
    if rates_as_percent:
        values = _rates_from_percent(metric, values)
    direction = values.get("direction") or Direction.INCREASE
    _check_choice(direction, Direction, "direction")
    baseline = _decimal(values.get("baseline"), "baseline", required=False)
    percent = _decimal(
        values.get("target_change_percent"), "target_change_percent", required=False,
        minimum=None, maximum=MAX_CHANGE_PERCENT,
    )
    if percent is None and values.get("target") in (None, ""):
        raise ValidationError({"target": _("Enter a target or a change in %.")})
    target = _decimal(values.get("target"), "target", required=percent is None)
    if percent is not None:
        # A relative goal ("+20 %", the S2.1.1 example) is stored with its
        # baseline so the absolute target is known.
        if baseline is None:
            raise ValidationError({"baseline": _("A relative target needs a baseline.")})
        sign = 1 if direction == Direction.INCREASE else -1
        target = (baseline * (1 + sign * percent / 100)).quantize(Decimal("0.0001"))
        if target < 0:
            raise ValidationError({"target_change_percent": _("Must not be negative.")})
        if target > MAX_KPI_VALUE:
            raise ValidationError({"target_change_percent": _(
                "The resulting target would be too large."
            )})
    achieved = _decimal(values.get("achieved"), "achieved", required=False)
    if _is_rate(metric):
        field = "target_change_percent" if percent is not None else "target"
        for name, number in (("baseline", baseline), (field, target), ("achieved", achieved)):
            _check_ratio(number, name)
    deadline = values.get("deadline")
    deadline = campaign.end_date if deadline in (None, "") else _date(deadline, "deadline")
    if not campaign.start_date <= deadline <= campaign.end_date:
        raise ValidationError({"deadline": _(
            "The deadline must lie within the campaign (%(start)s – %(end)s)."
        ) % {"start": campaign.start_date, "end": campaign.end_date}})
    platform = values.get("platform")
    if platform is not None and platform != "" and not isinstance(platform, Platform):
        lookup = {"pk": platform} if str(platform).isdigit() else {"code": str(platform)}
        platform = Platform.objects.filter(**lookup).first()
        if platform is None:
            raise ValidationError({"platform": _("Unknown platform.")})
    weight = values.get("weight")
    if weight is None or weight == "":
        weight = 1
    try:
        weight = int(weight)
    except (TypeError, ValueError):
        raise ValidationError({"weight": _("Enter a whole number.")}) from None
    if not 1 <= weight <= MAX_KPI_WEIGHT:
        raise ValidationError({"weight": _(
            "The weight must be between 1 and %(max)s."
        ) % {"max": MAX_KPI_WEIGHT}})
    return {
        "metric": metric, "direction": direction, "baseline": baseline,
        "no_baseline_reason": _text(values.get("no_baseline_reason"), "no_baseline_reason", 300),
        "target": target, "target_change_percent": percent, "deadline": deadline,
        "platform": platform or None, "unit": _text(values.get("unit"), "unit", 30),
        "weight": weight, "achieved": achieved,
    }


def _check_ratio(number: Decimal | None, field: str) -> None:
    """Rates are stored as ratios: 0.05 means 5 %."""
    if number is not None and number > 1:
        raise ValidationError({field: _(
            "Rates are ratios: 0.05 = 5%. Enter a value between 0 and 1."
        )})


def _add_kpi(actor: User, goal: Goal, cleaned: dict) -> KPI:
    kpi = KPI.objects.create(goal=goal, **cleaned)
    _audit(actor, "kpi.create", gettext_noop("KPI added: %(metric)s → %(target)s"),
           goal.campaign, metric=kpi.metric, target=kpi.target_display)
    return kpi


def kpi_create(
    *, actor: User, goal: Goal, rates_as_percent: bool = False, **values: object
) -> KPI:
    """Add a KPI to a goal; a relative target is turned into an absolute one.

    Rates are ratios (0.05), or percentages (5) with ``rates_as_percent``.
    """
    campaign = goal.campaign
    _require_plan_edit(actor, campaign)
    cleaned = _clean_kpi(campaign, values, rates_as_percent=rates_as_percent)
    with transaction.atomic():
        return _add_kpi(actor, goal, cleaned)


def kpi_update(
    *, actor: User, kpi: KPI, rates_as_percent: bool = False, **values: object
) -> KPI:
    """Change a KPI under the same rules as adding one; fields not given stay."""
    campaign = kpi.goal.campaign
    _require_plan_edit(actor, campaign)
    if rates_as_percent:
        # Only what was typed is in percent; what is kept is already a ratio.
        values = _rates_from_percent(values.get("metric") or kpi.metric, values)
    merged = {f: getattr(kpi, f) for f in KPI_FIELDS}
    merged.update(values)
    if "target" in values and "target_change_percent" not in values:
        merged["target_change_percent"] = None
    cleaned = _clean_kpi(campaign, merged)
    with transaction.atomic():
        for field, value in cleaned.items():
            setattr(kpi, field, value)
        kpi.save()
        _audit(actor, "kpi.update", gettext_noop("KPI edited: %(metric)s → %(target)s"),
               campaign, metric=kpi.metric, target=kpi.target_display)
    return kpi


def kpi_record_achieved(
    *, actor: User | None, kpi: KPI, achieved: object, rates_as_percent: bool = False
) -> KPI:
    """Record the result a KPI reached (evaluation); allowed whatever the plan's state.

    ``actor=None`` is the evaluation job filling the result from the metric store at
    each review (also for closed campaigns: that is when results matter for the
    SMART check's "best earlier result").
    """
    campaign = kpi.goal.campaign
    if actor is not None:
        _require_edit(actor, campaign)
    if rates_as_percent:
        achieved = _rates_from_percent(kpi.metric, {"achieved": achieved})["achieved"]
    value = _decimal(achieved, "achieved", required=False)
    if kpi.is_rate:
        _check_ratio(value, "achieved")
    with transaction.atomic():
        kpi.achieved = value
        kpi.save(update_fields=["achieved"])
        _audit(actor, "kpi.achieved", gettext_noop("KPI result recorded: %(metric)s"),
               campaign, metric=kpi.metric)
    return kpi


def kpi_delete(*, actor: User, kpi: KPI) -> None:
    """Remove a KPI from its goal."""
    campaign = kpi.goal.campaign
    _require_plan_edit(actor, campaign)
    with transaction.atomic():
        _audit(actor, "kpi.delete", gettext_noop("KPI removed: %(metric)s"), campaign,
               metric=kpi.metric)
        kpi.delete()

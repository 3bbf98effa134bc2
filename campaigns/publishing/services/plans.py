"""Recurring publishing plans (S2.3.1(1)) and the slots they make.

A plan's RRULE runs on the team's wall clock from ``starts_on`` at
``time_of_day``; each occurrence in the coming weeks becomes a slot, stored as
an aware instant. Generating is idempotent: the unique (plan, starts_at) lets
a second run create nothing, whichever process runs it.
"""

from __future__ import annotations

import datetime

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from campaigns.content.models import ContentKind
from campaigns.planning.models import Campaign
from platforms.models import PlatformAccount
from platforms.selectors import account_can_publish

from .. import timing
from ..models import PublishingPlan, Slot
from ._common import audit, now, require_publish

# How far ahead slots exist: enough for this month's and next month's calendar.
HORIZON = datetime.timedelta(weeks=6)

PLAN_FIELDS = (
    "name", "content_kind", "rrule", "starts_on", "ends_on", "time_of_day", "account",
    "campaign",
)

RULE_MESSAGES = {
    "empty": gettext_noop("Enter a recurrence rule, e.g. FREQ=WEEKLY;BYDAY=FR."),
    "invalid": gettext_noop("This is not a recurrence rule (iCalendar RRULE) we can read."),
    "dtstart": gettext_noop("Leave DTSTART out: the plan's start date and time apply."),
    "set": gettext_noop("Enter one RRULE only (no EXDATE, RDATE or several rules)."),
    "frequency": gettext_noop(
        "Plans repeat daily at most often (FREQ=DAILY, WEEKLY, MONTHLY or YEARLY)."
    ),
    "until": gettext_noop(
        "Write UNTIL without a time zone (the team's time applies), or use the end date."
    ),
}


def _rule_error(code: str) -> str:
    return _(RULE_MESSAGES.get(code, RULE_MESSAGES["invalid"]))


def _validate(
    *, campaign: Campaign | None, account: PlatformAccount | None, name: str, content_kind: str,
    rrule: str, starts_on: datetime.date | None, ends_on: datetime.date | None,
    time_of_day: datetime.time | None,
) -> str:
    """Every field error of a plan at once; the normalised rule when there is none."""
    errors: dict[str, list[str]] = {}
    if campaign is None:
        errors["campaign"] = [_("Choose a campaign.")]
    if account is None:
        errors["account"] = [_("Choose an account.")]
    elif campaign is not None and account.team_id != campaign.team_id:
        errors["account"] = [_("The account belongs to another team than the campaign.")]
    else:
        allowed, reasons = account_can_publish(account)
        if not allowed:
            errors["account"] = list(reasons)
    if not (name or "").strip():
        errors["name"] = [_("Give the plan a name.")]
    elif len(name) > 200:
        errors["name"] = [_("At most 200 characters.")]
    if content_kind not in ContentKind.values:
        errors["content_kind"] = [_("Choose a content kind.")]
    if starts_on is None:
        errors["starts_on"] = [_("Enter the date the plan starts.")]
    if time_of_day is None:
        errors["time_of_day"] = [_("Enter the time of day.")]
    if starts_on is not None and ends_on is not None and ends_on < starts_on:
        errors["ends_on"] = [_("The plan cannot end before it starts.")]
    rule = timing.normalise_rule(rrule)
    if len(rule) > 300:
        errors["rrule"] = [_("At most 300 characters.")]
    elif starts_on is not None and time_of_day is not None:
        try:
            timing.parse_rule(rule, starts_on=starts_on, time_of_day=time_of_day)
        except timing.RuleError as exc:
            errors["rrule"] = [_rule_error(exc.code)]
    elif not rule:
        errors["rrule"] = [_rule_error("empty")]
    if errors:
        raise ValidationError(errors)
    return rule


def _with_preset(preset: str, values: dict) -> dict:
    if not preset:
        return values
    chosen = timing.PRESETS.get(preset)
    if chosen is None:
        raise ValidationError({"preset": _("Unknown preset.")})
    values = dict(values)
    values["content_kind"] = values.get("content_kind") or chosen.content_kind
    values["rrule"] = values.get("rrule") or chosen.rrule
    values["time_of_day"] = values.get("time_of_day") or chosen.time_of_day
    return values


def plan_create(
    *,
    actor: User,
    campaign: Campaign | None,
    account: PlatformAccount | None,
    name: str,
    content_kind: str = "",
    rrule: str = "",
    starts_on: datetime.date | None = None,
    ends_on: datetime.date | None = None,
    time_of_day: datetime.time | None = None,
    preset: str = "",
) -> PublishingPlan:
    """A recurring plan for one account of the campaign's team, with its slots made at once.

    A ``preset`` ("image-text daily at 20:00", "video weekly on Friday", "live
    stream monthly") fills the kind, rule and time left blank. The account must
    be able to publish; the rule must be one readable RRULE, daily at most.
    """
    if campaign is not None:
        require_publish(actor, campaign.team_id)
    values = _with_preset(preset, {
        "content_kind": content_kind, "rrule": rrule, "time_of_day": time_of_day,
    })
    rule = _validate(
        campaign=campaign, account=account, name=name, starts_on=starts_on, ends_on=ends_on,
        **values,
    )
    # _validate refused a missing campaign, account or start date.
    assert campaign is not None
    assert account is not None
    assert starts_on is not None
    with transaction.atomic():
        plan = PublishingPlan.objects.create(
            team_id=campaign.team_id, campaign=campaign, account=account, name=name.strip(),
            content_kind=values["content_kind"], rrule=rule, starts_on=starts_on,
            ends_on=ends_on, time_of_day=values["time_of_day"], created_by=actor,
        )
        made = plan_slots_generate(plan=plan)
        audit(actor, "plan.create", gettext_noop("Plan “%(name)s” created with %(slots)s slots"),
              plan, name=plan.name, slots=made)
    return plan


def plan_update(
    *, actor: User, plan: PublishingPlan, **changes
) -> PublishingPlan:
    """Change a plan; future unfilled slots that no longer fit the rhythm are removed.

    Filled slots stay where they are (their publications do not move); the
    campaign and account stay within the plan's team.
    """
    require_publish(actor, plan.team_id)
    preset = changes.pop("preset", "")
    unknown = set(changes) - set(PLAN_FIELDS)
    if unknown:
        raise ValidationError({name: _("This field cannot be changed here.") for name in unknown})
    values = {field: getattr(plan, field) for field in PLAN_FIELDS}
    values.update(changes)
    if preset:
        chosen = timing.PRESETS.get(preset)
        if chosen is None:
            raise ValidationError({"preset": _("Unknown preset.")})
        values.update(
            content_kind=chosen.content_kind, rrule=chosen.rrule, time_of_day=chosen.time_of_day
        )
    if values["campaign"] is not None and values["campaign"].team_id != plan.team_id:
        raise ValidationError({"campaign": _("The campaign belongs to another team.")})
    rule = _validate(**values)
    with transaction.atomic():
        plan = PublishingPlan.objects.select_for_update().get(pk=plan.pk)
        for field, value in values.items():
            setattr(plan, field, value)
        plan.name = plan.name.strip()
        plan.rrule = rule
        plan.save()
        wanted = set(_occurrences(plan))
        stale = plan.slots.filter(item__isnull=True, starts_at__gt=now()).filter(
            ~Q(starts_at__in=wanted) | ~Q(account_id=plan.account_id)
        )
        removed = stale.count()
        stale.delete()
        made = plan_slots_generate(plan=plan)
        audit(
            actor, "plan.update",
            gettext_noop("Plan “%(name)s” changed: %(removed)s slots removed, %(slots)s added"),
            plan, name=plan.name, removed=removed, slots=made,
        )
    return plan


def plan_delete(*, actor: User, plan: PublishingPlan) -> None:
    """Remove a plan and its unfilled slots; filled slots stay on the calendar without it."""
    require_publish(actor, plan.team_id)
    with transaction.atomic():
        plan = (
            PublishingPlan.objects.select_for_update(of=("self",)).select_related("team")
            .get(pk=plan.pk)
        )
        plan.slots.filter(item__isnull=True).delete()
        plan.slots.update(plan=None)
        audit(actor, "plan.delete", gettext_noop("Plan “%(name)s” removed"), plan,
              team=plan.team, name=plan.name)
        plan.delete()


def _occurrences(
    plan: PublishingPlan, start: datetime.datetime | None = None,
    horizon: datetime.timedelta = HORIZON,
) -> list[datetime.datetime]:
    start = start or now()
    rule = timing.parse_rule(plan.rrule, starts_on=plan.starts_on, time_of_day=plan.time_of_day)
    return timing.occurrences(
        rule, tz=plan.team.zone, window_start=start, window_end=start + horizon,
        ends_on=plan.ends_on,
    )


def plan_slots_generate(
    *, plan: PublishingPlan, start: datetime.datetime | None = None,
    horizon: datetime.timedelta = HORIZON,
) -> int:
    """Make the plan's slots from ``start`` (now) over ``horizon``; how many were new.

    Idempotent and safe to run concurrently: existing (plan, starts_at) pairs
    are skipped by the unique constraint, never duplicated. A plan whose stored
    rule can no longer be read makes no slots.
    """
    try:
        instants = _occurrences(plan, start, horizon)
    except timing.RuleError:
        return 0
    if not instants:
        return 0
    existing = set(plan.slots.filter(starts_at__in=instants).values_list("starts_at", flat=True))
    fresh = [
        Slot(team_id=plan.team_id, plan=plan, account_id=plan.account_id, starts_at=instant)
        for instant in instants if instant not in existing
    ]
    Slot.objects.bulk_create(fresh, ignore_conflicts=True)
    return len(fresh)


__all__ = [
    "HORIZON",
    "PLAN_FIELDS",
    "plan_create",
    "plan_delete",
    "plan_slots_generate",
    "plan_update",
]

"""Audience segments by rule and their strategy (S2.3.2(3)); the audience they read.

Members come from the inbox (commenters, with their platform id) and from
files exported by a platform's back-end (followers, buyers). What leaves the
product for a segment is the nickname and the platform id only: the privacy
ledger (S3.1.3) allows no more for marketing lists.
"""

from __future__ import annotations

import csv
import datetime
import io
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from campaigns.planning.models import Campaign
from platforms.models import PlatformAccount
from teams.models import Team

from .. import selectors
from ..models import AudienceMember, ReplyTemplate, Segment, SegmentRule, SegmentStrategy
from ._common import REPLY, audit, csv_cell, named_rows, read_csv, require

MAX_DAYS = 3650
EXPORT_COLUMNS = ("platform", "account", "platform_user_id", "nickname")


def _message() -> str:
    return _("You may not work with this team's audience.")


# --- segments --------------------------------------------------------------------------


def _clean_segment(team: Team, data: dict[str, Any]) -> dict[str, Any]:
    errors: dict[str, str] = {}
    name = (data.get("name") or "").strip()
    if not name:
        errors["name"] = _("Name the segment.")
    rule, strategy = data.get("rule"), data.get("strategy")
    if rule not in SegmentRule.values:
        errors["rule"] = _("Choose a rule.")
    if strategy not in SegmentStrategy.values:
        errors["strategy"] = _("Choose a strategy.")
    days, min_orders, min_spend = data.get("days"), data.get("min_orders"), data.get("min_spend")
    campaign: Campaign | None = data.get("campaign")
    template: ReplyTemplate | None = data.get("template")
    if rule in (SegmentRule.NEW_FOLLOWERS, SegmentRule.DORMANT) and (
        days is None or not 1 <= days <= MAX_DAYS
    ):
        errors["days"] = _("Enter a number of days from 1 to %(max)s.") % {"max": MAX_DAYS}
    if rule == SegmentRule.RETURNING_BUYERS and (min_orders is None or min_orders < 2):
        errors["min_orders"] = _("A returning buyer has at least 2 orders: enter 2 or more.")
    if rule == SegmentRule.HIGH_VALUE:
        try:
            if min_spend is None or Decimal(str(min_spend)) <= 0:
                raise InvalidOperation
        except InvalidOperation:
            errors["min_spend"] = _("Enter the minimum spend in CNY (more than 0).")
    if rule == SegmentRule.COMMENTERS and campaign is None:
        errors["campaign"] = _("Choose the campaign whose commenters form the segment.")
    if campaign is not None and campaign.team_id != team.pk:
        errors["campaign"] = _("Choose a campaign of the segment's team.")
    if template is not None and template.team_id != team.pk:
        errors["template"] = _("Choose a template of the segment's team.")
    if errors:
        raise ValidationError(errors)
    # Only the parameter the rule reads is kept, so a segment never carries a stale one.
    return {
        "name": name[:120], "rule": rule, "strategy": strategy, "template": template,
        "days": days if rule in (SegmentRule.NEW_FOLLOWERS, SegmentRule.DORMANT) else None,
        "min_orders": min_orders if rule == SegmentRule.RETURNING_BUYERS else None,
        "min_spend": Decimal(str(min_spend)) if rule == SegmentRule.HIGH_VALUE else None,
        "campaign": campaign if rule == SegmentRule.COMMENTERS else None,
    }


def segment_create(*, actor: User, team: Team, **data: Any) -> Segment:
    """A segment: its rule with the one parameter the rule needs, and its strategy."""
    require(actor, team.pk, REPLY, _message())
    fields = _clean_segment(team, data)
    try:
        with transaction.atomic():
            segment = Segment.objects.create(team=team, **fields)
            audit(actor, "segment.create", gettext_noop("Segment “%(name)s” created"), segment,
                  name=segment.name)
    except IntegrityError as exc:
        raise ValidationError({"name": _("The team already has a segment of this name.")}) from exc
    return segment


def segment_update(*, actor: User, segment: Segment, **data: Any) -> Segment:
    require(actor, segment.team_id, REPLY, _message())
    merged = {
        name: data.get(name, getattr(segment, name))
        for name in ("name", "rule", "strategy", "template", "days", "min_orders", "min_spend",
                     "campaign")
    }
    fields = _clean_segment(segment.team, merged)
    try:
        with transaction.atomic():
            for name, value in fields.items():
                setattr(segment, name, value)
            segment.save()
            audit(actor, "segment.update", gettext_noop("Segment “%(name)s” changed"), segment,
                  name=segment.name)
    except IntegrityError as exc:
        raise ValidationError({"name": _("The team already has a segment of this name.")}) from exc
    return segment


def segment_delete(*, actor: User, segment: Segment) -> None:
    require(actor, segment.team_id, REPLY, _message())
    with transaction.atomic():
        audit(actor, "segment.delete", gettext_noop("Segment “%(name)s” deleted"), segment,
              name=segment.name)
        segment.delete()


def segment_export(
    *, actor: User, segment: Segment, now: datetime.datetime | None = None
) -> str:
    """The segment's members as CSV: platform, account, platform user id, nickname; audited."""
    require(actor, segment.team_id, REPLY, _message())
    members = selectors.segment_members(segment, now=now)
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(EXPORT_COLUMNS)
    count = 0
    for member in members.iterator(chunk_size=2000):
        writer.writerow([
            csv_cell(member.account.platform.code), csv_cell(member.account.handle),
            csv_cell(member.external_ref), csv_cell(member.nickname),
        ])
        count += 1
    audit(actor, "segment.export", gettext_noop("Segment “%(name)s” exported: %(count)s members"),
          segment, name=segment.name, count=count)
    return buffer.getvalue()


# --- the audience ------------------------------------------------------------------------


@dataclass(frozen=True)
class AudienceImported:
    created: int
    updated: int


def _moment(raw: str, zone) -> datetime.datetime | None:
    """A date or date-time from a file, in the team's zone when it names none."""
    value = parse_datetime(raw)
    if value is None:
        day = parse_date(raw)
        if day is None:
            raise ValueError(raw)
        value = datetime.datetime.combine(day, datetime.time())
    if timezone.is_naive(value):
        value = value.replace(tzinfo=zone)
    return value


def audience_import(
    *, actor: User, account: PlatformAccount, upload
) -> AudienceImported:
    """Followers and buyers from a platform's export into the account's audience.

    Columns: ``platform_user_id`` (required), ``nickname``, ``followed_at``,
    ``orders``, ``total_spend``, ``last_order_at``; a member already known by
    their platform id is updated. All or nothing: bad rows are named with their
    line and nothing is stored.
    """
    require(actor, account.team_id, REPLY, _message())
    rows = read_csv(upload, field="file", required=("platform_user_id",))
    zone = account.team.zone
    parsed: dict[str, dict[str, Any]] = {}
    problems = []
    for line, row in rows:
        ref = row.get("platform_user_id", "")
        values: dict[str, Any] = {"nickname": row.get("nickname", "")[:120]}
        try:
            if not ref or len(ref) > 200:
                raise ValueError("platform_user_id")
            for column in ("followed_at", "last_order_at"):
                if row.get(column):
                    values[column] = _moment(row[column], zone)
            if row.get("orders"):
                orders = int(row["orders"])
                if orders < 0:
                    raise ValueError("orders")
                values["orders_count"] = orders
            if row.get("total_spend"):
                spend = Decimal(row["total_spend"].replace(",", ""))
                if not spend.is_finite() or spend < 0 or spend >= Decimal("1e12"):
                    raise InvalidOperation
                values["total_spend"] = spend.quantize(Decimal("0.01"))
        except (ValueError, InvalidOperation):
            problems.append(_(
                "Line %(line)s: a platform user id is required; dates as 2025-03-01, "
                "orders as a whole number, spend as an amount."
            ) % {"line": line})
            continue
        parsed[ref] = values
    if problems:
        raise ValidationError({"file": named_rows(problems)})
    with transaction.atomic():
        existing = {
            m.external_ref: m
            for m in AudienceMember.objects.filter(account=account, external_ref__in=list(parsed))
        }
        created, changed = [], []
        for ref, values in parsed.items():
            member = existing.get(ref)
            if member is None:
                created.append(AudienceMember(
                    team_id=account.team_id, account=account, external_ref=ref, **values
                ))
                continue
            for name, value in values.items():
                if name != "nickname" or value:
                    setattr(member, name, value)
            changed.append(member)
        AudienceMember.objects.bulk_create(created)
        AudienceMember.objects.bulk_update(
            changed, ["nickname", "followed_at", "orders_count", "total_spend", "last_order_at"],
            batch_size=1000,
        )
        audit(actor, "audience.import",
              gettext_noop("Audience imported: %(created)s new, %(updated)s updated"), account,
              created=len(created), updated=len(changed))
    return AudienceImported(created=len(created), updated=len(changed))

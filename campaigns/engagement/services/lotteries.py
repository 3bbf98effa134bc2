"""Lotteries anyone can check (S2.3.2(2); the draw is pinned in ``draw.py``).

Rules, prizes and draw time are stated before entries open and pass the
compliance checker on the lottery's platform. The commitment SHA-256(seed) is
known from creation, the hash of the sorted entrant list from the close, the
seed, winners and proof from the draw. Every entrant has a consent in the
privacy ledger for the lottery's purpose (S3.1.3).
"""

from __future__ import annotations

import datetime
import secrets
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from campaigns.planning.models import Campaign
from compliance.advertising.models import Severity
from compliance.advertising.services import content_check_run
from compliance.privacy.models import ConsentRecord
from platforms.models import Platform

from .. import draw
from ..models import (
    Interaction,
    InteractionKind,
    Lottery,
    LotteryEntrant,
    LotteryStatus,
)
from ..transitions import LOTTERY
from ._common import REPLY, audit, named_rows, read_csv, require

MAX_PRIZE_LINES = 20
MAX_PRIZE_COUNT = 10_000
MAX_BEACON_CHARS = 500
MAX_RULES_CHARS = 10_000


def _message() -> str:
    return _("You may not run activities for this team.")


def _local(value: datetime.datetime, lottery_or_team) -> str:
    team = getattr(lottery_or_team, "team", lottery_or_team)
    return timezone.localtime(value, team.zone).strftime("%Y-%m-%d %H:%M")


# --- what is stated in advance ---------------------------------------------------------


def _clean_prizes(prizes: Any) -> list[dict]:
    if not isinstance(prizes, list) or not prizes:
        raise ValidationError({"prizes": _("State at least one prize.")})
    if len(prizes) > MAX_PRIZE_LINES:
        raise ValidationError({"prizes": _(
            "At most %(count)s prize lines."
        ) % {"count": MAX_PRIZE_LINES}})
    cleaned, problems = [], []
    for number, prize in enumerate(prizes, start=1):
        if not isinstance(prize, dict):
            problems.append(_("Prize %(n)s: give a name and a count.") % {"n": number})
            continue
        name = str(prize.get("name") or "").strip()
        count = prize.get("count")
        value = prize.get("value_cny")
        if not name or len(name) > 100:
            problems.append(_("Prize %(n)s: name it (at most 100 characters).") % {"n": number})
        if isinstance(count, str) and count.strip().isdigit():
            count = int(count)
        if isinstance(count, bool) or not isinstance(count, int) or not 1 <= count <= MAX_PRIZE_COUNT:
            problems.append(_("Prize %(n)s: the count must be a whole number from 1 to %(max)s.")
                            % {"n": number, "max": MAX_PRIZE_COUNT})
        amount = ""
        if value not in (None, ""):
            try:
                parsed = Decimal(str(value))
                if not parsed.is_finite() or parsed < 0 or parsed > Decimal("1000000000"):
                    raise InvalidOperation
                amount = str(parsed.quantize(Decimal("0.01")))
            except InvalidOperation:
                problems.append(_("Prize %(n)s: the value must be an amount in CNY.")
                                % {"n": number})
        cleaned.append({"name": name, "count": count, "value_cny": amount})
    if problems:
        raise ValidationError({"prizes": problems})
    return cleaned


def lottery_public_text(
    *, title: str, rules: str, prizes: list[dict], draw_at: datetime.datetime, team
) -> str:
    """The announcement as posted: what the compliance checker reads.

    Written in Chinese whatever the reader's language, because the checker's
    platform rules (share-to-enter, prize caps, draw time) are written for
    Chinese copy; it is input to the checker, never shown as a page label.
    """
    lines = [f"抽奖活动：{title}", rules]
    for prize in prizes:
        value = f"，价值{prize['value_cny']}元" if prize.get("value_cny") else ""
        lines.append(f"奖品：{prize['name']} × {prize['count']}{value}")
    lines.append(f"开奖时间：{_local(draw_at, team)}")
    return "\n".join(lines)


def _finding_messages(check) -> list[str]:
    zh = (translation.get_language() or "").startswith("zh")
    return [
        _("%(rule)s “%(match)s”: %(message)s") % {
            "rule": f.get("rule", ""), "match": f.get("match", ""),
            "message": f.get("message_zh" if zh else "message_en", ""),
        }
        for f in check.findings or []
        if f.get("severity") == Severity.BLOCK
    ]


def _clean_lottery(
    *, campaign: Campaign, title: str, rules: str, prizes: Any,
    entries_open_at: datetime.datetime | None, entries_close_at: datetime.datetime | None,
    draw_at: datetime.datetime | None, item, now: datetime.datetime,
) -> tuple[dict, list[dict]]:
    errors: dict[str, list[str]] = {}

    def add(field: str, message: str) -> None:
        errors.setdefault(field, []).append(message)

    title, rules = (title or "").strip(), (rules or "").strip()
    if not title:
        add("title", _("Give the lottery a title."))
    if not rules:
        add("rules", _("State the rules: who may enter, how and how winners are told."))
    elif len(rules) > MAX_RULES_CHARS:
        add("rules", _("The rules may have at most %(count)s characters.")
            % {"count": MAX_RULES_CHARS})
    cleaned_prizes: list[dict] = []
    try:
        cleaned_prizes = _clean_prizes(prizes)
    except ValidationError as exc:
        for field, messages in exc.message_dict.items():
            errors.setdefault(field, []).extend(messages)
    if entries_open_at is None:
        add("entries_open_at", _("State when entries open."))
    if entries_close_at is None:
        add("entries_close_at", _("State when entries close."))
    if draw_at is None:
        add("draw_at", _("State when the winners are drawn."))
    if entries_open_at and entries_close_at and entries_close_at <= entries_open_at:
        add("entries_close_at", _("Entries must close after they open."))
    if entries_close_at and draw_at and draw_at < entries_close_at:
        add("draw_at", _("The draw cannot be before entries close."))
    if draw_at and draw_at <= now:
        add("draw_at", _("The draw time must be in the future."))
    if entries_close_at and entries_close_at <= now:
        add("entries_close_at", _("Entries must close in the future."))
    if item is not None and item.campaign_id != campaign.pk:
        add("item", _("Choose content of the lottery's campaign."))
    if errors:
        raise ValidationError(errors)
    return {"title": title[:200], "rules": rules}, cleaned_prizes


def _checked(actor: User, lottery: Lottery) -> None:
    """Run the checker on the announcement; blocking findings refuse the whole change."""
    text = lottery_public_text(
        title=lottery.title, rules=lottery.rules, prizes=lottery.prizes,
        draw_at=lottery.draw_at, team=lottery.team,
    )
    check = content_check_run(
        actor=actor, team=lottery.team, text=text, platform=lottery.platform, content=lottery,
    )
    if not check.passed:
        # The caller's transaction rolls back: nothing of the refused lottery stays.
        raise ValidationError({"rules": _finding_messages(check)})
    lottery.compliance_check = check
    lottery.save(update_fields=["compliance_check"])


def lottery_create(
    *, actor: User, campaign: Campaign, title: str, rules: str, prizes: Any,
    entries_open_at: datetime.datetime | None, entries_close_at: datetime.datetime | None,
    draw_at: datetime.datetime | None, platform: Platform | None = None, item=None,
    consent_purpose: str = "", now: datetime.datetime | None = None,
) -> Lottery:
    """A draft lottery with its rules, prizes and times stated and its seed committed.

    Refused with every reason at once: no prize, no draw time, times out of
    order or past, and blocking findings of the checker on the lottery's
    platform (share-to-enter on WeChat, prizes above the cap…). The seed comes
    from ``secrets``; only its SHA-256 is shown until the draw.
    """
    require(actor, campaign.team_id, REPLY, _message())
    now = now or timezone.now()
    fields, cleaned_prizes = _clean_lottery(
        campaign=campaign, title=title, rules=rules, prizes=prizes,
        entries_open_at=entries_open_at, entries_close_at=entries_close_at, draw_at=draw_at,
        item=item, now=now,
    )
    # _clean_lottery refused any missing time.
    assert entries_open_at is not None
    assert entries_close_at is not None
    assert draw_at is not None
    seed = secrets.token_bytes(32).hex()
    with transaction.atomic():
        lottery = Lottery.objects.create(
            team_id=campaign.team_id, campaign=campaign, item=item, platform=platform,
            prizes=cleaned_prizes, entries_open_at=entries_open_at,
            entries_close_at=entries_close_at, draw_at=draw_at, seed=seed,
            commitment=draw.commitment_for(seed),
            consent_purpose=(consent_purpose or "").strip()[:200] or fields["title"],
            created_by=actor, **fields,
        )
        _checked(actor, lottery)
        audit(actor, "lottery.create", gettext_noop("Lottery “%(title)s” created"), lottery,
              title=lottery.title, commitment=lottery.commitment)
    return lottery


def lottery_update(
    *, actor: User, lottery: Lottery, now: datetime.datetime | None = None,
    **changes: Any,
) -> Lottery:
    """Change a draft's rules, prizes, times, platform or consent purpose; checked again."""
    require(actor, lottery.team_id, REPLY, _message())
    if lottery.status != LotteryStatus.DRAFT:
        raise ValidationError({"status": _(
            "Rules, prizes and times are fixed once entries open."
        )})
    now = now or timezone.now()
    values = {
        name: changes.get(name, getattr(lottery, name))
        for name in ("title", "rules", "prizes", "entries_open_at", "entries_close_at",
                     "draw_at", "item", "platform", "consent_purpose")
    }
    fields, cleaned_prizes = _clean_lottery(
        campaign=lottery.campaign, title=values["title"], rules=values["rules"],
        prizes=values["prizes"], entries_open_at=values["entries_open_at"],
        entries_close_at=values["entries_close_at"], draw_at=values["draw_at"],
        item=values["item"], now=now,
    )
    with transaction.atomic():
        lottery.title, lottery.rules, lottery.prizes = fields["title"], fields["rules"], cleaned_prizes
        lottery.entries_open_at = values["entries_open_at"]
        lottery.entries_close_at = values["entries_close_at"]
        lottery.draw_at, lottery.item, lottery.platform = (
            values["draw_at"], values["item"], values["platform"])
        lottery.consent_purpose = (values["consent_purpose"] or "").strip()[:200] or lottery.title
        lottery.save()
        _checked(actor, lottery)
        audit(actor, "lottery.update", gettext_noop("Lottery “%(title)s” changed"), lottery,
              title=lottery.title)
    return lottery


def _locked(lottery: Lottery) -> Lottery:
    return Lottery.objects.select_for_update().select_related("team").get(pk=lottery.pk)


def _refresh(lottery: Lottery, locked: Lottery) -> Lottery:
    for name in ("status", "entrant_list_hash", "entries_closed_at", "winners", "drawn_at",
                 "proof", "beacon"):
        setattr(lottery, name, getattr(locked, name))
    return lottery


def lottery_open(
    *, actor: User, lottery: Lottery, now: datetime.datetime | None = None
) -> Lottery:
    """Open entries: the rules, prizes, times and commitment are public from now on."""
    now = now or timezone.now()
    with transaction.atomic():
        locked = _locked(lottery)
        LOTTERY.check(actor=actor, team=locked.team_id, source=locked.status,
                      target=LotteryStatus.OPEN)
        if locked.entries_close_at <= now:
            raise ValidationError({"status": _(
                "Entries were to close at %(time)s; change the times first."
            ) % {"time": _local(locked.entries_close_at, locked)}})
        locked.status = LotteryStatus.OPEN
        locked.save(update_fields=["status"])
        audit(actor, "lottery.open", gettext_noop("Entries opened; commitment %(commitment)s"),
              locked, commitment=locked.commitment)
    return _refresh(lottery, locked)


def _entries_open_now(lottery: Lottery, now: datetime.datetime) -> None:
    if lottery.status != LotteryStatus.OPEN:
        raise ValidationError({"status": _("Entrants can be added only while entries are open.")})
    if now < lottery.entries_open_at:
        raise ValidationError({"status": _("Entries open at %(time)s.") % {
            "time": _local(lottery.entries_open_at, lottery)}})
    if now >= lottery.entries_close_at:
        raise ValidationError({"status": _("Entries closed at %(time)s.") % {
            "time": _local(lottery.entries_close_at, lottery)}})


def _active_consents(lottery: Lottery, refs: list[str]) -> dict[str, ConsentRecord]:
    found: dict[str, ConsentRecord] = {}
    for consent in ConsentRecord.objects.filter(
        team_id=lottery.team_id, purpose=lottery.consent_purpose, subject_ref__in=refs,
        withdrawn_at__isnull=True, anonymised_at__isnull=True,
    ).order_by("subject_ref", "-consented_at", "-pk"):
        found.setdefault(consent.subject_ref, consent)
    return found


@dataclass(frozen=True)
class EntrantsAdded:
    added: int
    already_entered: int
    refused: tuple[str, ...] = ()


def _add_entrants(
    actor: User, lottery: Lottery, people: dict[str, str],
    consents: dict[str, ConsentRecord], source: str,
) -> EntrantsAdded:
    existing = set(lottery.entrants.values_list("entrant_id", flat=True))
    new = [
        LotteryEntrant(lottery=lottery, entrant_id=ref, display_name=name[:120],
                       consent=consents[ref], source=source)
        for ref, name in people.items() if ref not in existing
    ]
    LotteryEntrant.objects.bulk_create(new, ignore_conflicts=True)
    audit(actor, "lottery.entrants", gettext_noop("%(count)s entrant(s) added from %(source)s"),
          lottery, count=len(new), source=source)
    return EntrantsAdded(added=len(new), already_entered=len(people) - len(new))


def lottery_entrants_import(
    *, actor: User, lottery: Lottery, upload, now: datetime.datetime | None = None
) -> EntrantsAdded:
    """Add the entrants of a CSV file (columns ``entrant_id`` and optional ``display_name``).

    All or nothing: a row without an id, or whose person has no active consent
    for the lottery's purpose in the privacy ledger, refuses the file and is
    named with its line.
    """
    require(actor, lottery.team_id, REPLY, _message())
    now = now or timezone.now()
    _entries_open_now(lottery, now)
    rows = read_csv(upload, field="file", required=("entrant_id",))
    people: dict[str, str] = {}
    lines: dict[str, int] = {}
    problems = []
    for line, row in rows:
        ref = row.get("entrant_id", "")
        if not ref:
            problems.append(_("Line %(line)s: the entrant id is empty.") % {"line": line})
        elif len(ref) > 120:
            problems.append(_("Line %(line)s: the entrant id is longer than 120 characters.")
                            % {"line": line})
        else:
            people.setdefault(ref, row.get("display_name", ""))
            lines.setdefault(ref, line)
    consents = _active_consents(lottery, list(people))
    problems += [
        _("Line %(line)s: %(id)s has no active consent for “%(purpose)s” in the privacy ledger.")
        % {"line": lines[ref], "id": ref, "purpose": lottery.consent_purpose}
        for ref in people if ref not in consents
    ]
    if problems:
        raise ValidationError({"file": named_rows(problems)})
    with transaction.atomic():
        return _add_entrants(actor, lottery, people, consents, "file")


def lottery_entrants_collect(
    *, actor: User, lottery: Lottery, now: datetime.datetime | None = None
) -> EntrantsAdded:
    """Enter the people who commented during the entry period (on the lottery's content,
    else anywhere in its campaign). Commenters without an active consent for the
    lottery's purpose are not entered; their platform ids come back as ``refused``."""
    require(actor, lottery.team_id, REPLY, _message())
    now = now or timezone.now()
    _entries_open_now(lottery, now)
    comments = Interaction.objects.filter(
        team_id=lottery.team_id, kind=InteractionKind.COMMENT,
        occurred_at__gte=lottery.entries_open_at, occurred_at__lt=lottery.entries_close_at,
    ).exclude(author_ref="")
    if lottery.item_id:
        comments = comments.filter(publication__item_id=lottery.item_id)
    else:
        comments = comments.filter(campaign_id=lottery.campaign_id)
    people: dict[str, str] = {}
    for ref, name in comments.order_by("occurred_at", "pk").values_list("author_ref", "author_name"):
        if len(ref) <= 120:
            people.setdefault(ref, name)
    consents = _active_consents(lottery, list(people))
    refused = tuple(sorted(ref for ref in people if ref not in consents))
    with transaction.atomic():
        added = _add_entrants(
            actor, lottery, {r: n for r, n in people.items() if r in consents}, consents,
            "comments",
        )
    return EntrantsAdded(added=added.added, already_entered=added.already_entered, refused=refused)


def lottery_close(
    *, actor: User | None, lottery: Lottery, now: datetime.datetime | None = None
) -> Lottery:
    """Close entries at the announced time and fix the hash of the sorted entrant list."""
    now = now or timezone.now()
    with transaction.atomic():
        locked = _locked(lottery)
        LOTTERY.check(actor=actor, team=locked.team_id, source=locked.status,
                      target=LotteryStatus.CLOSED)
        if now < locked.entries_close_at:
            raise ValidationError({"status": _(
                "Entries close at %(time)s, as announced."
            ) % {"time": _local(locked.entries_close_at, locked)}})
        entrants = draw.sorted_entrants(locked.entrants.values_list("entrant_id", flat=True))
        locked.entrant_list_hash = draw.entrant_list_hash(entrants)
        locked.entries_closed_at = now
        locked.status = LotteryStatus.CLOSED
        locked.save(update_fields=["entrant_list_hash", "entries_closed_at", "status"])
        audit(actor, "lottery.close",
              gettext_noop("Entries closed: %(count)s entrants, list hash %(hash)s"), locked,
              count=len(entrants), hash=locked.entrant_list_hash)
    return _refresh(lottery, locked)


def lottery_draw(
    *, actor: User, lottery: Lottery, beacon: str = "",
    now: datetime.datetime | None = None,
) -> Lottery:
    """Draw the winners at or after the announced time and keep the proof.

    The winners are the first prize-count entrants of the pinned shuffle of
    the sorted entrant list, keyed by the committed seed and mixed with the
    public ``beacon``. The proof is stored as published and never rewritten.
    """
    now = now or timezone.now()
    beacon = (beacon or "").strip()
    if len(beacon) > MAX_BEACON_CHARS:
        raise ValidationError({"beacon": _(
            "The beacon may have at most %(count)s characters."
        ) % {"count": MAX_BEACON_CHARS}})
    with transaction.atomic():
        locked = _locked(lottery)
        LOTTERY.check(actor=actor, team=locked.team_id, source=locked.status,
                      target=LotteryStatus.DRAWN)
        if now < locked.draw_at:
            raise ValidationError({"status": _(
                "The draw is at %(time)s, as announced."
            ) % {"time": _local(locked.draw_at, locked)}})
        ids = list(locked.entrants.values_list("entrant_id", flat=True))
        if not ids:
            raise ValidationError({"status": _("Nobody entered: there is nothing to draw.")})
        proof = draw.build_proof(
            seed_hex=locked.seed, beacon=beacon, entrant_ids=ids, prizes=locked.prize_count
        )
        if proof["entrant_list_hash"] != locked.entrant_list_hash:
            raise ValidationError({"status": _(
                "The entrants differ from the list fixed when entries closed."
            )})
        locked.beacon, locked.winners, locked.proof = beacon, proof["winners"], proof
        locked.drawn_at, locked.status = now, LotteryStatus.DRAWN
        locked.save(update_fields=["beacon", "winners", "proof", "drawn_at", "status"])
        audit(actor, "lottery.draw", gettext_noop("Winners drawn: %(winners)s"), locked,
              winners=", ".join(proof["winners"]))
    return _refresh(lottery, locked)


def lottery_cancel(*, actor: User, lottery: Lottery, reason: str = "") -> Lottery:
    """Call the lottery off before its draw, with a reason; audited."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Say why the lottery is called off.")})
    with transaction.atomic():
        locked = _locked(lottery)
        LOTTERY.check(actor=actor, team=locked.team_id, source=locked.status,
                      target=LotteryStatus.CANCELLED)
        locked.status = LotteryStatus.CANCELLED
        locked.save(update_fields=["status"])
        audit(actor, "lottery.cancel", gettext_noop("Lottery called off"), locked, reason=reason)
    return _refresh(lottery, locked)

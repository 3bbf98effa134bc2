"""Write side of content (S2.2.3, S3.1.2): items, versions, media, review, moves.

Every service takes keyword arguments and the acting user, checks the actor's
capability in the item's team, runs in one transaction and writes its audit row
there. Status changes go only through the CONTENT machine (``transitions.py``).
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from django.conf import settings
from django.contrib.auth.models import User
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone, translation
from django.utils.text import Truncator, slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from campaigns.planning.models import Campaign
from campaigns.planning.transitions import LOCKED_STATUSES
from compliance.advertising.checker import compiled_rules
from compliance.advertising.models import ContentCheck, FindingOverride, PromotionFiling, Severity
from compliance.advertising.selectors import filing_valid_for
from compliance.advertising.services import MAX_TEXT_LENGTH, content_check_run, finding_override
from platforms.connectors import PublishContent
from platforms.connectors.wechat_official_account import COVER_MAX_BYTES, COVER_TYPES
from platforms.models import PlatformAccount
from platforms.selectors import account_can_publish
from teams.models import Team
from teams.selectors import user_can
from teams.services import audit_record, task_create
from teams.uploads import MEDIA_TYPES, upload_storage_failed, upload_validate

from .models import (
    ContentItem,
    ContentKind,
    ContentReview,
    ContentStatus,
    ContentVariant,
    ContentVersion,
    InteractionPrompt,
    MediaAsset,
    MediaSource,
    ReviewDecision,
)
from .transitions import CONTENT, EDITABLE

S = ContentStatus

# Statuses in which an approval given by a reviewer still holds: the item may be
# (re)scheduled from them. Publishing retries a failed or unknown item and moves
# a scheduled one to another time.
SCHEDULABLE = frozenset({S.APPROVED, S.SCHEDULED, S.PUBLISHING, S.FAILED, S.UNKNOWN})

# Statuses an item leaves for "expired" once its planned time passes unapproved.
EXPIRABLE = frozenset({S.DRAFT, S.IN_REVIEW, S.CHANGES_REQUESTED})

# A time "now" computed by the caller is a few moments old when it arrives here.
PAST_GRACE = datetime.timedelta(minutes=1)

# A WeChat Official Account publishes only articles (draft/add + freepublish), so
# every kind of content goes out there as an article, with a cover (its
# thumb_media_id): the connector uploads the item's first picture WeChat takes
# as image material. No kind is refused there outright.
WECHAT_OA = "wechat_oa"

# Sources whose right of use rests on a record: the licence or authorisation.
NEEDS_LICENCE = frozenset({MediaSource.LICENSED, MediaSource.AUTHORISED, MediaSource.USER_GENERATED})

TITLE_LIMIT = 200
PROMPT_LIMIT = 300

# Moves with a service of their own: submitting runs the compliance checker,
# reviewing needs the checklist. ``content_item_move`` refuses them.
_DEDICATED_MOVES = {
    (S.DRAFT, S.IN_REVIEW), (S.CHANGES_REQUESTED, S.IN_REVIEW),
    (S.IN_REVIEW, S.APPROVED), (S.IN_REVIEW, S.CHANGES_REQUESTED),
}

StatusListener = Callable[[ContentItem, str, str], None]
_status_listeners: list[StatusListener] = []


def register_status_listener(listener: StatusListener) -> None:
    """Let a higher app act on every status move ``(item, from, to)``, in the move's transaction.

    Publishing registers here from its ``AppConfig.ready()`` (for example to cancel
    the publications of a withdrawn item); content never imports it.
    """
    if listener not in _status_listeners:
        _status_listeners.append(listener)


# --- shared helpers -------------------------------------------------------------------


def _require(actor: User | None, team_id: int, capability: str, message: str) -> None:
    if actor is None or not user_can(actor, team_id, capability):
        raise PermissionDenied(message)


def _audit(
    actor: User | None, action: str, summary: str, target, *, reason: str = "",
    **data: Any,
) -> None:
    audit_record(
        actor=actor, action=action, summary=summary, target=target, team=target.team,
        reason=reason, data=data,
    )


def _apply_move(
    *, actor: User | None, item: ContentItem, to: str, reason: str = ""
) -> None:
    """Move a locked item: the machine decides, listeners hear it, the audit row records it."""
    frm = item.status
    CONTENT.check(actor=actor, team=item.team_id, source=frm, target=to)
    item.status = to
    fields = ["status", "updated_at"]
    if to not in SCHEDULABLE and to != S.PUBLISHING and to != S.PUBLISHED:
        # Leaving approval behind: a later approval must be given afresh.
        item.approved_by = None
        item.approved_at = None
        fields += ["approved_by", "approved_at"]
    item.save(update_fields=fields)
    for listener in _status_listeners:
        listener(item, frm, to)
    _audit(
        actor, "content.transition", gettext_noop("Moved from %(from)s to %(to)s"), item,
        reason=reason, **{"from": frm, "to": to},
    )


def _lock(item: ContentItem) -> ContentItem:
    return ContentItem.objects.select_for_update().select_related("team").get(pk=item.pk)


def _zone_date(item: ContentItem, at: datetime.datetime) -> datetime.date:
    """The calendar day ``at`` falls on in the item's team's time zone."""
    return timezone.localtime(at, item.team.zone).date()


def _media_errors(media: Iterable[MediaAsset], on_date: datetime.date) -> list[str]:
    return [
        _("The licence of “%(title)s” expires on %(date)s, before %(on)s.")
        % {"title": m.title, "date": m.licence_expires_on.isoformat(), "on": on_date.isoformat()}
        for m in media
        if m.licence_expires_on is not None and m.licence_expires_on < on_date
    ]


def _account_errors(accounts: Iterable[PlatformAccount], on_date: datetime.date) -> list[str]:
    errors = []
    for account in accounts:
        allowed, reasons = account_can_publish(account, on_date)
        if not allowed:
            errors.append(
                _("%(account)s cannot publish: %(reasons)s")
                % {"account": str(account), "reasons": " ".join(reasons)}
            )
    return errors


def takes_as_wechat_cover(asset: MediaAsset) -> bool:
    """Whether WeChat takes this file as an article cover (its image material rules)."""
    return asset.content_type in COVER_TYPES.values() and asset.size <= COVER_MAX_BYTES


def _cover_errors(
    item: ContentItem, accounts: Iterable[PlatformAccount], media: list[MediaAsset]
) -> list[str]:
    """Why the item cannot go out on a WeChat Official Account: no cover picture.

    Whatever its kind, the connector publishes it as an article, which WeChat
    refuses without a cover; the kind is named when it is not an article, so
    the marketer sees why an image-text post or a video needs a picture too.
    """
    if any(takes_as_wechat_cover(m) for m in media):
        return []
    wechat_accounts = [a for a in accounts if a.platform.code == WECHAT_OA]
    if item.kind == ContentKind.ARTICLE:
        return [
            _("An article on %(account)s needs a cover: attach a JPEG or PNG picture of at "
              "most 10 MB.") % {"account": str(account)}
            for account in wechat_accounts
        ]
    return [
        _("%(account)s publishes every post as a WeChat article, so this “%(kind)s” item "
          "needs a cover too: attach a JPEG or PNG picture of at most 10 MB.")
        % {"account": str(account), "kind": item.get_kind_display()}
        for account in wechat_accounts
    ]


def _filing_errors(
    item: ContentItem, accounts: Iterable[PlatformAccount], on_date: datetime.date
) -> list[str]:
    if not item.is_paid_promotion:
        return []
    errors = []
    for platform in {a.platform_id: a.platform for a in accounts}.values():
        if filing_valid_for(item.team_id, platform, on_date) is None:
            errors.append(
                _("Paid promotion on %(platform)s needs a filing valid on %(date)s; none is on file.")
                % {"platform": platform.name, "date": on_date.isoformat()}
            )
    return errors


def _gate_errors(
    item: ContentItem, accounts: list[PlatformAccount], on_date: datetime.date
) -> dict[str, list[str]]:
    """Why the item may not go out on ``accounts`` on ``on_date``: accounts, media (an
    expired licence, an item for a WeChat Official Account without a cover), filing."""
    errors: dict[str, list[str]] = {}
    media = list(item.media.all())
    for key, found in (
        ("accounts", _account_errors(accounts, on_date)),
        ("media", _media_errors(media, on_date) + _cover_errors(item, accounts, media)),
        ("filing", _filing_errors(item, accounts, on_date)),
    ):
        if found:
            errors[key] = found
    return errors


def _target_accounts(item: ContentItem) -> list[PlatformAccount]:
    return [
        v.account for v in item.variants.select_related("account__platform").order_by("pk")
    ]


def _planned_day(item: ContentItem) -> datetime.date:
    """The day the item is meant to go out (today when no time is planned)."""
    if item.planned_at is not None:
        return _zone_date(item, max(item.planned_at, timezone.now()))
    return timezone.localtime(timezone.now(), item.team.zone).date()


# --- contracts with publishing --------------------------------------------------------


def content_item_move(
    *, actor: User | None, item: ContentItem, to: str, reason: str = "",
    expected_from: str | None = None,
) -> ContentItem:
    """Move the item through the CONTENT machine (actor=None: a job's automatic move); audited.

    Guarantees: only declared moves, by the capability they name (jobs only the
    automatic ones); submitting and reviewing are refused here (they have their
    own services). Moving to the status the item already has changes nothing.
    With ``expected_from`` the move happens only from that status, checked under
    the row lock; a job then leaves an item someone moved meanwhile alone, a
    person gets a ``status`` error.
    """
    with transaction.atomic():
        locked = _lock(item)
        if locked.status == to:
            return locked
        if expected_from is not None and locked.status != expected_from:
            if actor is None:
                return locked
            raise ValidationError({"status": _(
                "The item's status changed meanwhile; reload the page and try again."
            )})
        if (locked.status, to) in _DEDICATED_MOVES:
            raise ValidationError({"status": _(
                "Submit the item for review or review it through its own page."
            )})
        _apply_move(actor=actor, item=locked, to=to, reason=reason)
    return locked


def content_item_check_schedulable(
    *, item: ContentItem, accounts: list[PlatformAccount], at: datetime.datetime | None
) -> None:
    """Raise ValidationError unless the item may go out on ``accounts`` at ``at``.

    Field keys "accounts", "at", "media", "filing", "status", each with every
    reason found: the item holds an approval (approved, or scheduled, failed or
    unknown after one), ``at`` is aware and not in the past, every account is
    one of the item's target accounts and can publish on ``at``'s day (team
    time zone), every media licence is valid that day, an item (of any kind)
    for a WeChat Official Account has a cover picture, and a paid item has a
    filing valid for each account's platform that day.
    """
    errors: dict[str, list[str]] = {}
    if item.status not in SCHEDULABLE:
        errors["status"] = [_(
            "Only approved content can be scheduled; this item is “%(status)s”."
        ) % {"status": item.get_status_display()}]
    if at is None or timezone.is_naive(at):
        errors["at"] = [_("Enter a date and time.")]
        raise ValidationError(errors)
    if at < timezone.now() - PAST_GRACE:
        errors["at"] = [_("The time is in the past.")]
    accounts = list(accounts)
    on_date = _zone_date(item, at)
    if not accounts:
        errors["accounts"] = [_("Choose at least one account.")]
    targets = set(item.variants.values_list("account_id", flat=True))
    foreign = [
        _("%(account)s is not a target account of this item.") % {"account": str(a)}
        for a in accounts if a.pk not in targets
    ]
    gates = _gate_errors(item, [a for a in accounts if a.pk in targets], on_date)
    if foreign or gates.get("accounts"):
        errors["accounts"] = foreign + gates.pop("accounts", [])
    errors.update(gates)
    if errors:
        raise ValidationError(errors)


def content_item_payload(
    *, item: ContentItem, account: PlatformAccount, client_key: str = ""
) -> PublishContent:
    """What the connector publishes for this account: the variant's effective title and body,
    media file URLs, client_key.

    The interaction prompt (S2.3.1(3)) closes the body. Raises ValidationError
    ("accounts") when the account is not a target account of the item.
    """
    variant = item.variants.filter(account_id=account.pk).first()
    if variant is None:
        raise ValidationError({"accounts": _("%(account)s is not a target account of this item.")
                               % {"account": str(account)}})
    media = list(item.media.order_by("pk"))
    return PublishContent(
        title=variant.effective_title,
        body=published_text(variant.effective_body, item.interaction_prompt_text),
        media_urls=tuple(m.file.url for m in media if m.file),
        extra={"media_files": [m.file.name for m in media if m.file]},
        client_key=client_key,
    )


def published_text(body: str, prompt_text: str) -> str:
    """The body as it goes out: the interaction prompt closes it."""
    if not prompt_text:
        return body
    return f"{body}\n\n{prompt_text}" if body else prompt_text


# --- editing --------------------------------------------------------------------------

_TEXT_FIELDS = ("title", "body", "planned_theme", "interaction_prompt_text")
_EDIT_FIELDS = (
    "kind", *_TEXT_FIELDS, "interaction_prompt", "is_paid_promotion", "filing", "planned_at",
)


def _snapshot(item: ContentItem, variants: list[ContentVariant], media_ids: list[int]) -> dict:
    """What a version records: the editable fields, the media and every variant's text."""
    return {
        "kind": item.kind,
        "title": item.title,
        "body": item.body,
        "planned_theme": item.planned_theme,
        "interaction_prompt": item.interaction_prompt,
        "interaction_prompt_text": item.interaction_prompt_text,
        "is_paid_promotion": item.is_paid_promotion,
        "filing": item.filing_id,
        "planned_at": item.planned_at.isoformat() if item.planned_at else None,
        "media": sorted(media_ids),
        "variants": {
            str(v.account_id): {"account": str(v.account), "title": v.title, "body": v.body}
            for v in sorted(variants, key=lambda v: v.account_id)
        },
    }


def _same_snapshot(a: dict, b: dict) -> bool:
    """Equal as far as content goes (an account's display name is not content)."""
    def strip(s: dict) -> dict:
        return {**s, "variants": {k: (v["title"], v["body"]) for k, v in s["variants"].items()}}

    return strip(a) == strip(b)


def _clean_fields(team: Team, data: Mapping[str, Any], *, creating: bool) -> dict[str, list[str]]:
    """Field errors of an edit (only the fields given, all of them when creating)."""
    errors: dict[str, list[str]] = {}

    def err(field: str, message: str) -> None:
        errors.setdefault(field, []).append(message)

    if ("kind" in data or creating) and data.get("kind") not in ContentKind.values:
        err("kind", _("Choose the kind of content."))
    if "title" in data or creating:
        title = data.get("title")
        if not isinstance(title, str) or not title.strip():
            err("title", _("Enter a title."))
        elif len(title.strip()) > TITLE_LIMIT:
            err("title", _("At most %(n)s characters.") % {"n": TITLE_LIMIT})
    if not isinstance(data.get("body", ""), str):
        err("body", _("Enter text."))
    elif len(data.get("body", "")) > MAX_TEXT_LENGTH:
        err("body", _("At most %(n)s characters.") % {"n": f"{MAX_TEXT_LENGTH:,}"})
    theme = data.get("planned_theme", "")
    if not isinstance(theme, str) or len(theme) > TITLE_LIMIT:
        err("planned_theme", _("At most %(n)s characters.") % {"n": TITLE_LIMIT})
    if "interaction_prompt" in data and data["interaction_prompt"] not in InteractionPrompt.values:
        err("interaction_prompt", _("Choose a kind of interaction prompt."))
    prompt_text = data.get("interaction_prompt_text", "")
    if not isinstance(prompt_text, str) or len(prompt_text) > PROMPT_LIMIT:
        err("interaction_prompt_text", _("At most %(n)s characters.") % {"n": PROMPT_LIMIT})
    if "is_paid_promotion" in data and not isinstance(data["is_paid_promotion"], bool):
        err("is_paid_promotion", _("Must be true or false."))
    filing = data.get("filing")
    if filing is not None and (not isinstance(filing, PromotionFiling) or filing.team_id != team.pk):
        err("filing", _("Choose a filing of this team."))
    planned_at = data.get("planned_at")
    if planned_at is not None:
        if not isinstance(planned_at, datetime.datetime) or timezone.is_naive(planned_at):
            err("planned_at", _("Enter a date and time."))
        elif planned_at < timezone.now() - PAST_GRACE:
            err("planned_at", _("The planned time is in the past."))
    return errors


def _clean_prompt(values: Mapping[str, Any]) -> dict[str, list[str]]:
    prompt, text = values.get("interaction_prompt"), (values.get("interaction_prompt_text") or "")
    if prompt and not text.strip():
        return {"interaction_prompt_text": [_(
            "Write the prompt readers see, e.g. the poll question."
        )]}
    if text.strip() and not prompt:
        return {"interaction_prompt": [_("Choose the kind of prompt for this text.")]}
    return {}


def _clean_accounts(
    team: Team, accounts: Iterable[PlatformAccount] | None, variants: Mapping | None
) -> tuple[list[PlatformAccount] | None, dict[int, dict[str, str]], dict[str, list[str]]]:
    """Target accounts (None: unchanged), variant texts by account id, and field errors."""
    errors: dict[str, list[str]] = {}
    chosen = None
    if accounts is not None:
        chosen = list(dict.fromkeys(accounts))
        if any(not isinstance(a, PlatformAccount) or a.team_id != team.pk for a in chosen):
            errors["accounts"] = [_("Choose accounts of this campaign's team.")]
    texts: dict[int, dict[str, str]] = {}
    for key, value in (variants or {}).items():
        account_id = key.pk if isinstance(key, PlatformAccount) else key
        try:
            account_id = int(account_id)
        except (TypeError, ValueError):
            errors.setdefault("variants", []).append(_("Unknown account."))
            continue
        value = value or {}
        title, body = value.get("title", "") or "", value.get("body", "") or ""
        if not isinstance(title, str) or not isinstance(body, str):
            errors.setdefault("variants", []).append(_("Enter text."))
            continue
        if len(title) > TITLE_LIMIT or len(body) > MAX_TEXT_LENGTH:
            errors.setdefault("variants", []).append(_(
                "A variant's title has at most %(title)s characters and its body at most %(body)s."
            ) % {"title": TITLE_LIMIT, "body": f"{MAX_TEXT_LENGTH:,}"})
            continue
        texts[account_id] = {"title": title.strip(), "body": body}
    return chosen, texts, errors


def _clean_media(team: Team, media: Iterable[MediaAsset] | None) -> tuple[list | None, dict]:
    if media is None:
        return None, {}
    chosen = list(dict.fromkeys(media))
    if any(not isinstance(m, MediaAsset) or m.team_id != team.pk for m in chosen):
        return chosen, {"media": [_("Choose media of this campaign's team.")]}
    return chosen, {}


def _write_variants(
    item: ContentItem, accounts: list[PlatformAccount] | None, texts: dict[int, dict[str, str]]
) -> dict[str, list[str]]:
    """Make the item's variants match the target accounts and the texts given."""
    current = {v.account_id: v for v in item.variants.select_related("account__platform")}
    if accounts is not None:
        wanted = {a.pk for a in accounts}
        gone = [pk for pk in current if pk not in wanted]
        if gone:
            item.variants.filter(account_id__in=gone).delete()
        for account in accounts:
            if account.pk not in current:
                current[account.pk] = ContentVariant.objects.create(item=item, account=account)
        current = {pk: v for pk, v in current.items() if pk in wanted}
    unknown = [pk for pk in texts if pk not in current]
    if unknown:
        return {"variants": [_("A variant was given for an account that is not a target.")]}
    for pk, text in texts.items():
        variant = current[pk]
        if (variant.title, variant.body) != (text["title"], text["body"]):
            variant.title, variant.body = text["title"], text["body"]
            variant.save(update_fields=["title", "body"])
    return {}


def _record_version(item: ContentItem, actor: User | None, snapshot: dict) -> None:
    ContentVersion.objects.create(item=item, number=item.version, snapshot=snapshot, author=actor)


def item_snapshot(item: ContentItem) -> dict:
    """The item as a version records it now."""
    variants = list(item.variants.select_related("account__platform"))
    return _snapshot(item, variants, list(item.media.values_list("pk", flat=True)))


def content_item_create(
    *,
    actor: User,
    campaign: Campaign,
    kind: str,
    title: str,
    body: str = "",
    planned_theme: str = "",
    interaction_prompt: str = "",
    interaction_prompt_text: str = "",
    is_paid_promotion: bool = False,
    filing: PromotionFiling | None = None,
    planned_at: datetime.datetime | None = None,
    accounts: Iterable[PlatformAccount] = (),
    variants: Mapping | None = None,
    media: Iterable[MediaAsset] = (),
) -> ContentItem:
    """A draft item of ``campaign`` owned by the actor, with its first version (S2.2.3).

    Every field error is raised at once; nothing is written unless all are fine.
    """
    _require(actor, campaign.team_id, "content.edit", _("You may not write content for this team."))
    team = campaign.team
    data = {
        "kind": kind, "title": title, "body": body, "planned_theme": planned_theme,
        "interaction_prompt": interaction_prompt,
        "interaction_prompt_text": interaction_prompt_text,
        "is_paid_promotion": is_paid_promotion, "filing": filing, "planned_at": planned_at,
    }
    errors = _clean_fields(team, data, creating=True)
    errors.update(_clean_prompt(data))
    if campaign.status in LOCKED_STATUSES:
        errors.setdefault("campaign", []).append(
            _("A %(status)s campaign takes no new content.")
            % {"status": campaign.get_status_display()}
        )
    chosen, texts, account_errors = _clean_accounts(team, accounts, variants)
    media_list, media_errors = _clean_media(team, media)
    errors.update(account_errors)
    errors.update(media_errors)
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        item = ContentItem.objects.create(
            campaign=campaign, team=team, owner=actor, kind=kind, title=title.strip(),
            body=body or "", planned_theme=(planned_theme or "").strip(),
            interaction_prompt=interaction_prompt or "",
            interaction_prompt_text=(interaction_prompt_text or "").strip(),
            is_paid_promotion=is_paid_promotion, filing=filing, planned_at=planned_at,
        )
        variant_errors = _write_variants(item, chosen or [], texts)
        if variant_errors:
            raise ValidationError(variant_errors)
        item.media.set(media_list or [])
        _record_version(item, actor, item_snapshot(item))
        _audit(actor, "content.create", gettext_noop("Created “%(title)s”"), item,
               title=item.title)
    return item


class _NothingChanged(Exception):
    """An edit that left the item as it was: its writes are rolled back."""


def content_item_update(
    *,
    actor: User,
    item: ContentItem,
    expected_version: int | None = None,
    accounts: Iterable[PlatformAccount] | None = None,
    variants: Mapping | None = None,
    media: Iterable[MediaAsset] | None = None,
    **changes: Any,
) -> ContentItem:
    """Edit the item; a change makes a new version (none when nothing changed).

    ``changes`` are fields of the item (kind, title, body, planned_theme,
    interaction_prompt(_text), is_paid_promotion, filing, planned_at);
    ``accounts`` replaces the target accounts (one variant each), ``variants``
    maps an account (or its id) to ``{"title", "body"}`` (blank: the original's),
    ``media`` replaces the media. Editing an approved item withdraws its approval
    and an expired one returns to draft. With ``expected_version`` an item edited
    meanwhile by someone else is refused, never overwritten.
    """
    _require(actor, item.team_id, "content.edit", _("You may not edit this content."))
    unknown = set(changes) - set(_EDIT_FIELDS)
    if unknown:
        raise TypeError(f"content_item_update() got unexpected fields {sorted(unknown)}")
    with transaction.atomic():
        locked = _lock(item)
        if expected_version is not None and locked.version != expected_version:
            raise ValidationError({"version": _(
                "Someone saved a newer version meanwhile; reload the page and redo your change."
            )})
        if locked.status not in EDITABLE:
            raise ValidationError({"status": _(
                "Content that is “%(status)s” cannot be edited."
            ) % {"status": locked.get_status_display()}})
        team = locked.team
        if "title" in changes and isinstance(changes["title"], str):
            changes["title"] = changes["title"].strip()
        if "planned_at" in changes and changes["planned_at"] == locked.planned_at:
            changes.pop("planned_at")  # an unchanged past time is not a new mistake
        errors = _clean_fields(team, changes, creating=False)
        merged = {f: changes.get(f, getattr(locked, f)) for f in _EDIT_FIELDS}
        errors.update(_clean_prompt(merged))
        chosen, texts, account_errors = _clean_accounts(team, accounts, variants)
        media_list, media_errors = _clean_media(team, media)
        errors.update(account_errors)
        errors.update(media_errors)
        if errors:
            raise ValidationError(errors)
        before = item_snapshot(locked)
        try:
            with transaction.atomic():
                for field, value in changes.items():
                    setattr(locked, field, value)
                locked.save()
                variant_errors = _write_variants(locked, chosen, texts)
                if variant_errors:
                    raise ValidationError(variant_errors)
                if media_list is not None:
                    locked.media.set(media_list)
                after = item_snapshot(locked)
                if _same_snapshot(before, after):
                    raise _NothingChanged
        except _NothingChanged:
            # Not even ``updated_at`` moves for a save that changed nothing.
            return ContentItem.objects.select_related("team").get(pk=locked.pk)
        if locked.status in (S.APPROVED, S.EXPIRED):
            _apply_move(actor=actor, item=locked, to=S.DRAFT)
        locked.version += 1
        locked.save(update_fields=["version", "updated_at"])
        _record_version(locked, actor, after)
        _audit(actor, "content.edit", gettext_noop("Saved version %(version)s"), locked,
               version=locked.version)
    return locked


# --- media ----------------------------------------------------------------------------


def _clean_licence(
    source: str, licence_reference: str, licence_expires_on: datetime.date | None, team: Team
) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if source not in MediaSource.values:
        errors["source"] = [_("Choose where the file comes from.")]
    elif source in NEEDS_LICENCE and not licence_reference.strip():
        errors["licence_reference"] = [_(
            "Enter the licence, contract or written authorisation that allows its use."
        )]
    if len(licence_reference) > TITLE_LIMIT:
        errors["licence_reference"] = [_("At most %(n)s characters.") % {"n": TITLE_LIMIT}]
    if licence_expires_on is not None:
        today = timezone.localtime(timezone.now(), team.zone).date()
        if not isinstance(licence_expires_on, datetime.date):
            errors["licence_expires_on"] = [_("Enter a date.")]
        elif licence_expires_on < today:
            errors["licence_expires_on"] = [_("The licence has already expired.")]
    return errors


def media_asset_upload(
    *,
    actor: User,
    team: Team,
    file: UploadedFile,
    title: str,
    source: str,
    licence_reference: str = "",
    licence_expires_on: datetime.date | None = None,
) -> MediaAsset:
    """Store a picture or video with the record of the right to use it (S2.2.3(2)).

    The file's type is judged by its content (``MEDIA_TYPES``); licensed,
    authorised and user-generated files need their licence or authorisation
    reference; a licence already expired is refused.
    """
    _require(actor, team.pk, "content.edit", _("You may not upload media for this team."))
    licence_reference = (licence_reference or "").strip()
    title = (title or "").strip()
    errors = _clean_licence(source, licence_reference, licence_expires_on, team)
    if not title:
        errors["title"] = [_("Enter a title.")]
    elif len(title) > TITLE_LIMIT:
        errors["title"] = [_("At most %(n)s characters.") % {"n": TITLE_LIMIT}]
    checked = None
    if file is None:
        errors["file"] = [_("Choose a file.")]
    else:
        try:
            checked = upload_validate(file, field="file", allowed=MEDIA_TYPES)
        except ValidationError as exc:
            errors.update(exc.message_dict)
    if errors:
        raise ValidationError(errors)
    assert checked is not None  # no file is a field error above
    # The stored name carries the type found in the content, not the one claimed.
    file.name = f"{slugify(title, allow_unicode=True)[:40] or 'media'}.{checked.extension}"
    try:
        with transaction.atomic():
            asset = MediaAsset.objects.create(
                team=team, title=title, file=file, content_type=checked.content_type,
                size=checked.size, source=source, licence_reference=licence_reference,
                licence_expires_on=licence_expires_on, uploaded_by=actor,
            )
            _audit(actor, "content.media_upload", gettext_noop("Uploaded “%(title)s”"), asset,
                   title=title, source=source)
    except OSError as exc:
        # The file is stored before the row is written: no row, no partial file.
        raise upload_storage_failed(exc) from exc
    return asset


def media_asset_update_licence(
    *,
    actor: User,
    asset: MediaAsset,
    licence_reference: str,
    licence_expires_on: datetime.date | None,
) -> MediaAsset:
    """Record a renewed licence or authorisation for an asset; audited."""
    _require(actor, asset.team_id, "content.edit", _("You may not change media of this team."))
    licence_reference = (licence_reference or "").strip()
    errors = _clean_licence(asset.source, licence_reference, licence_expires_on, asset.team)
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        asset.licence_reference = licence_reference
        asset.licence_expires_on = licence_expires_on
        asset.save(update_fields=["licence_reference", "licence_expires_on"])
        _audit(
            actor, "content.media_licence", gettext_noop("Licence of “%(title)s” now %(reference)s"),
            asset, title=asset.title, reference=licence_reference,
            expires_on=licence_expires_on.isoformat() if licence_expires_on else None,
        )
    return asset


# --- review ---------------------------------------------------------------------------


def check_text_for(variant: ContentVariant) -> str:
    """The text the checker reads for one account: title, body and prompt as published."""
    item = variant.item
    body = published_text(variant.effective_body, item.interaction_prompt_text)
    return f"{variant.effective_title}\n\n{body}".strip()


def _check_for(
    *, actor: User, item: ContentItem, variant: ContentVariant, on_date: datetime.date
) -> ContentCheck:
    """The stored check of this variant's text on its platform under the active rules.

    A check of the same text, platform, paid flag, filing and rule-set version is
    reused, so overrides a reviewer gave on it keep counting.
    """
    text = check_text_for(variant)
    platform = variant.account.platform
    filing = None
    if item.is_paid_promotion:
        filing = filing_valid_for(item.team_id, platform, on_date) or item.filing
    rules = compiled_rules()
    assert rules.version is not None  # the active rule set is compiled with its version
    existing = (
        ContentCheck.objects.filter(
            content_type=ContentType.objects.get_for_model(ContentItem), content_id=str(item.pk),
            platform=platform, text=text, is_paid_promotion=item.is_paid_promotion,
            filing=filing, ruleset_id=rules.key[0], ruleset_version=rules.version,
        )
        .order_by("-created_at", "-id")
        .first()
    )
    if existing is not None:
        return existing
    return content_check_run(
        actor=actor, team=item.team, text=text, platform=platform,
        is_paid_promotion=item.is_paid_promotion, filing=filing, content=item,
    )


def _finding_messages(variant: ContentVariant, check: ContentCheck) -> list[str]:
    zh = translation.get_language() and translation.get_language().startswith("zh")
    overridden = set(check.overrides.values_list("finding_index", flat=True))
    messages = []
    for i, f in enumerate(check.findings or []):
        if f.get("severity") != Severity.BLOCK or i in overridden:
            continue
        data = {
            "account": str(variant.account), "rule": f.get("rule", ""),
            "match": f.get("match", ""), "message": f.get("message_zh" if zh else "message_en", ""),
        }
        if data["match"]:
            messages.append(_("%(account)s — %(rule)s “%(match)s”: %(message)s") % data)
        else:  # a finding about the whole text (a missing label or filing)
            messages.append(_("%(account)s — %(rule)s: %(message)s") % data)
    return messages


def content_item_submit(*, actor: User, item: ContentItem) -> ContentItem:
    """Send a draft (or an item with changes requested) to review (S3.1.2).

    Refused, with every reason at once: no target account, an account that
    cannot publish on the planned day, media whose licence ends before it, an
    item of any kind for a WeChat Official Account without a cover picture ("media"), paid
    content without a filing for a platform, a planned time already past, and
    blocking findings of the compliance checker not overridden by a reviewer
    ("compliance"). The checks are stored (linked to the item) even when the
    submission is refused, so a reviewer can override a finding with a reason.
    """
    _require(actor, item.team_id, "content.edit", _("You may not submit this content."))
    item = ContentItem.objects.select_related("team").get(pk=item.pk)
    CONTENT.check(actor=actor, team=item.team_id, source=item.status, target=S.IN_REVIEW)
    variants = list(item.variants.select_related("account__platform").order_by("pk"))
    errors: dict[str, list[str]] = {}
    if not variants:
        errors["accounts"] = [_("Choose at least one account to publish on.")]
    if not item.body.strip() and not item.media.exists():
        errors["body"] = [_("Write the text or attach media before submitting.")]
    if item.planned_at is not None and item.planned_at < timezone.now():
        errors["planned_at"] = [_("The planned time has passed; choose a new one.")]
    on_date = _planned_day(item)
    errors.update(_gate_errors(item, [v.account for v in variants], on_date))
    blocking: list[str] = []
    for variant in variants:
        check = _check_for(actor=actor, item=item, variant=variant, on_date=on_date)
        if not check.cleared:
            blocking += _finding_messages(variant, check)
    if blocking:
        errors["compliance"] = blocking
        with transaction.atomic():
            ContentItem.objects.filter(pk=item.pk, version=item.version).update(
                blocked_version=item.version
            )
            _audit(actor, "content.submit_refused",
                   gettext_noop("Submission refused: %(count)s blocking findings"), item,
                   count=len(blocking), version=item.version)
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        locked = _lock(item)
        if locked.version != item.version or locked.status != item.status:
            raise ValidationError({"status": _(
                "The item changed meanwhile; reload the page and try again."
            )})
        _apply_move(actor=actor, item=locked, to=S.IN_REVIEW)
        locked.submitted_at = timezone.now()
        locked.blocked_version = None
        locked.save(update_fields=["submitted_at", "blocked_version", "updated_at"])
        _audit(actor, "content.submit", gettext_noop("Submitted version %(version)s for review"),
               locked, version=locked.version)
    return locked


def _is_own(actor: User, item: ContentItem) -> bool:
    """The actor owns the item or wrote its current version."""
    if item.owner_id == actor.pk:
        return True
    return ContentVersion.objects.filter(
        item_id=item.pk, number=item.version, author_id=actor.pk
    ).exists()


def content_finding_override(
    *,
    actor: User,
    item: ContentItem,
    check: ContentCheck,
    finding_index: int,
    reason: str,
) -> FindingOverride:
    """A reviewer lets one blocking finding of the item's check pass, with a reason.

    The check must be one of the item's; nobody overrides findings on content
    they own or wrote. The override itself (and its audit row) is compliance's.
    """
    _require(actor, item.team_id, "compliance.override", _(
        "Only reviewers, managers and administrators may override findings."
    ))
    if check.content_type_id != ContentType.objects.get_for_model(ContentItem).pk or (
        check.content_id != str(item.pk)
    ):
        raise ValidationError({"check": _("This check is not one of this item's.")})
    if _is_own(actor, item):
        raise PermissionDenied(_("You may not override findings on your own content."))
    return finding_override(actor=actor, check=check, finding_index=finding_index, reason=reason)


def _site_language_text(message: str, limit: int = TITLE_LIMIT, **data: Any) -> str:
    """``message`` (marked with ``gettext_noop``) in the site language: tasks are read later."""
    with translation.override(settings.LANGUAGE_CODE):
        data = {k: str(v) for k, v in data.items()}  # lazy labels, in this language
        return Truncator(_(message) % data).chars(limit)


def content_item_review(
    *,
    actor: User,
    item: ContentItem,
    decision: str,
    accuracy_ok: bool = False,
    compliance_ok: bool = False,
    safety_ok: bool = False,
    comment: str = "",
) -> ContentReview:
    """Record a reviewer's decision on the item's current version (S3.1.2).

    Nobody reviews an item they own or whose current version they wrote.
    Approval needs the three checklist boxes (accuracy, compliance, safety) and
    the item still fit to go out on its planned day (accounts, media licences,
    filing); asking for changes needs a comment and gives the owner a task.
    """
    _require(actor, item.team_id, "content.review", _("You may not review content of this team."))
    comment = (comment or "").strip()
    with transaction.atomic():
        locked = _lock(item)
        if locked.status != S.IN_REVIEW:
            raise ValidationError({"status": _("Only content in review can be reviewed.")})
        if _is_own(actor, locked):
            raise PermissionDenied(_("You may not review your own content."))
        errors: dict[str, list[str]] = {}
        if decision not in ReviewDecision.values:
            errors["decision"] = [_("Approve or request changes.")]
        elif decision == ReviewDecision.APPROVED:
            for field, ok in (("accuracy_ok", accuracy_ok), ("compliance_ok", compliance_ok),
                              ("safety_ok", safety_ok)):
                if ok is not True:
                    errors[field] = [_("Tick this check before approving.")]
            errors.update(_gate_errors(locked, _target_accounts(locked), _planned_day(locked)))
        elif not comment:
            errors["comment"] = [_("Say what should change.")]
        if errors:
            raise ValidationError(errors)
        review = ContentReview.objects.create(
            item=locked, version=locked.version, reviewer=actor, decision=decision,
            accuracy_ok=accuracy_ok is True, compliance_ok=compliance_ok is True,
            safety_ok=safety_ok is True, comment=comment,
        )
        _apply_move(actor=actor, item=locked, to=decision, reason=comment)
        if decision == ReviewDecision.APPROVED:
            locked.approved_by = actor
            locked.approved_at = timezone.now()
            locked.save(update_fields=["approved_by", "approved_at", "updated_at"])
        else:
            task_create(
                team=locked.team, owner=locked.owner, source=locked, created_by=actor,
                title=_site_language_text(
                    gettext_noop("Revise “%(title)s” as the reviewer asked"), title=locked.title
                ),
                description=comment,
                dedup_key=f"content-changes:{locked.pk}:{review.pk}",
            )
        _audit(actor, "content.review", gettext_noop("Reviewed version %(version)s: %(decision)s"),
               locked, reason=comment, version=locked.version, decision=decision)
    return review


def content_item_withdraw(
    *, actor: User, item: ContentItem, reason: str = ""
) -> ContentItem:
    """Take the item out of use; never once it may already be out (the machine says when)."""
    _require(actor, item.team_id, "content.edit", _("You may not withdraw this content."))
    with transaction.atomic():
        locked = _lock(item)
        _apply_move(actor=actor, item=locked, to=S.WITHDRAWN, reason=(reason or "").strip())
    return locked


# --- expiry (system) ------------------------------------------------------------------


def expiry_task_key(item: ContentItem) -> str:
    """The occasion of an expiry notice: this item missing this planned time."""
    assert item.planned_at is not None  # only a planned item can miss its time
    return f"content-expired:{item.pk}:{item.planned_at.isoformat()}"


def content_item_expire(*, item: ContentItem, now: datetime.datetime | None = None) -> bool:
    """Expire an item still unapproved at its planned time, and tell its owner (a task).

    Idempotent: an item approved, already expired or not yet due is left alone
    (False); the owner's task is de-duplicated by ``expiry_task_key``.
    """
    now = now or timezone.now()
    with transaction.atomic():
        locked = _lock(item)
        if locked.status not in EXPIRABLE or locked.planned_at is None or locked.planned_at > now:
            return False
        frm = locked.status
        _apply_move(actor=None, item=locked, to=S.EXPIRED)
        when = timezone.localtime(locked.planned_at, locked.team.zone)
        task_create(
            team=locked.team, owner=locked.owner, source=locked,
            title=_site_language_text(
                gettext_noop("“%(title)s” expired unapproved at %(when)s"), title=locked.title,
                when=when.strftime("%Y-%m-%d %H:%M"),
            ),
            description=_site_language_text(
                gettext_noop(
                    "It was “%(status)s” when its planned time passed and was not published. "
                    "Edit it with a new planned time to send it through review again."
                ),
                limit=1000, status=S(frm).label,
            ),
            due_date=timezone.localtime(now, locked.team.zone).date(),
            dedup_key=expiry_task_key(locked),
        )
    return True

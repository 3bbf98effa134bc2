"""The interaction inbox (S2.3.2(1)): pulling, triage, replies and the response policy."""

from __future__ import annotations

import datetime
import hashlib
import logging
import re
from dataclasses import dataclass

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from campaigns.publishing.models import Publication
from compliance.risk.sentiment import score_sentiment
from compliance.risk.services import opinion_ingest
from platforms.connectors import (
    ConnectorError,
    ReplyWindowClosedError,
    TransientConnectorError,
    connector_for,
)
from platforms.connectors import Interaction as PulledInteraction
from platforms.models import PlatformAccount
from platforms.services import account_record_connector_error, account_record_sync
from teams.models import Membership, Team

from .. import selectors
from ..models import (
    AudienceMember,
    Interaction,
    InteractionKind,
    InteractionNote,
    InteractionReply,
    InteractionStatus,
    Priority,
    ReplyStatus,
    ReplyTemplate,
    ResponsePolicy,
)
from ..transitions import INTERACTION
from ._common import REPLY, audit, require

logger = logging.getLogger("campaignops.engagement")

# The first pull of an account reaches this far back.
INITIAL_LOOKBACK = datetime.timedelta(days=7)
MAX_REPLY_CHARS = 2000
MAX_NOTE_CHARS = 5000
MAX_TAGS = 10
MAX_TAG_CHARS = 30
TEMPLATE_VARIABLES = ("nickname", "campaign", "account")
_PLACEHOLDER = re.compile(r"\{\{|\}\}|\{([^{}]*)\}")
# Signal external ids are at most this long in the risk app.
_SIGNAL_ID_CHARS = 120


def _reply_message() -> str:
    return _("You may not answer interactions of this team.")


# --- pulling (beat → one sync task per account) ----------------------------------


@dataclass(frozen=True)
class PullResult:
    fetched: int = 0
    created: int = 0
    error_kind: str = ""


def _aware(value: datetime.datetime) -> datetime.datetime:
    return value if timezone.is_aware(value) else value.replace(tzinfo=datetime.UTC)


def _signal_id(account: PlatformAccount, kind: str, external_id: str) -> str:
    key = f"{account.pk}:{kind}:{external_id}"
    if len(key) <= _SIGNAL_ID_CHARS:
        return key
    return f"{account.pk}:{kind}:sha256:{hashlib.sha256(external_id.encode()).hexdigest()}"


def interactions_pull(
    *, account: PlatformAccount, retry_transient: bool = False,
    now: datetime.datetime | None = None,
) -> PullResult:
    """Fetch what the account received since the newest interaction pulled and store the new.

    Every connector failure is recorded on the account (an auth failure flags it
    for reconnection); a transient one is raised again when ``retry_transient``
    so the task retries with backoff, otherwise the pull ends with its kind.
    """
    now = now or timezone.now()
    since = selectors.newest_interaction_at(account) or now - INITIAL_LOOKBACK
    try:
        found = connector_for(account).fetch_interactions(account, since)
    except TransientConnectorError as exc:
        account_record_connector_error(account=account, error=exc)
        if retry_transient:
            raise
        return PullResult(error_kind=exc.kind)
    except ConnectorError as exc:
        account_record_connector_error(account=account, error=exc)
        return PullResult(error_kind=exc.kind)
    account_record_sync(account=account)
    created = interactions_ingest(account=account, found=found, now=now)
    return PullResult(fetched=len(found), created=created)


def interactions_ingest(
    *, account: PlatformAccount, found: list[PulledInteraction],
    now: datetime.datetime | None = None,
) -> int:
    """Store the interactions not seen before; returns how many were new.

    De-duplicated on (account, kind, external id) under the unique constraint;
    each scored for sentiment, given its first-response deadline, linked to the
    publication whose external id is its post, and fed to the risk app's
    opinion signals (whose spike check runs as a task). Commenters with a
    platform id join the account's audience.
    """
    now = now or timezone.now()
    batch: dict[tuple[str, str], PulledInteraction] = {}
    for item in found:
        if item.kind in InteractionKind.values and item.external_id:
            batch.setdefault((item.kind, str(item.external_id)[:200]), item)
    if not batch:
        return 0
    seen = set(
        Interaction.objects.filter(
            account=account, external_id__in=[key[1] for key in batch]
        ).values_list("kind", "external_id")
    )
    new = [(key, item) for key, item in batch.items() if key not in seen]
    if not new:
        return 0
    team = account.team
    policy = selectors.response_policy_for(team)
    hours = selectors.working_hours_of(policy)
    scores = score_sentiment([item.text or "" for _key, item in new])
    post_refs = {item.post_id for _key, item in new if item.post_id}
    publications = {
        p.external_id: p
        for p in Publication.objects.filter(account=account, external_id__in=post_refs)
        .exclude(external_id="").select_related("item")
    }
    rows = []
    for ((kind, external_id), item), score in zip(new, scores, strict=True):
        occurred = _aware(item.created_at)
        publication = publications.get(item.post_id) if item.post_id else None
        replied = bool(item.replied)
        rows.append(Interaction(
            team=team, account=account, publication=publication,
            campaign_id=publication.item.campaign_id if publication else None,
            kind=kind, external_id=external_id, post_ref=(item.post_id or "")[:200],
            post_index=max(int(getattr(item, "post_index", 0) or 0), 0),
            author_ref=str(getattr(item, "author_id", "") or "")[:200],
            author_name=(item.author or "")[:120], text=item.text or "", occurred_at=occurred,
            sentiment_score=score.score, sentiment_label=score.label,
            # Answered on the platform already: nothing left to do here.
            status=InteractionStatus.RESOLVED if replied else InteractionStatus.NEW,
            resolved_at=now if replied else None,
            response_due_at=hours.add(occurred, policy.first_response_minutes),
        ))
    with transaction.atomic():
        Interaction.objects.bulk_create(rows, ignore_conflicts=True)
        _audience_from(account, rows)
        opinion_ingest(actor=None, team=team, items=[
            {"occurred_at": row.occurred_at, "score": row.sentiment_score,
             "label": row.sentiment_label, "text": row.text,
             "source": account.platform.code, "platform_code": account.platform.code,
             "external_id": _signal_id(account, row.kind, row.external_id)}
            for row in rows
        ])
    logger.info("Pulled account=%s new=%s", account.pk, len(rows))
    return len(rows)


def _audience_from(account: PlatformAccount, rows: list[Interaction]) -> None:
    """Commenters and writers with a platform id join (or refresh) the account's audience."""
    latest: dict[str, Interaction] = {}
    earliest: dict[str, datetime.datetime] = {}
    for row in rows:
        if not row.author_ref:
            continue
        ref = row.author_ref
        if ref not in latest or row.occurred_at > latest[ref].occurred_at:
            latest[ref] = row
        earliest[ref] = min(earliest.get(ref, row.occurred_at), row.occurred_at)
    if not latest:
        return
    existing = {
        m.external_ref: m
        for m in AudienceMember.objects.filter(account=account, external_ref__in=list(latest))
    }
    changed, created = [], []
    for ref, row in latest.items():
        member = existing.get(ref)
        if member is None:
            created.append(AudienceMember(
                team_id=account.team_id, account=account, external_ref=ref,
                nickname=row.author_name, first_seen_at=earliest[ref],
                last_interaction_at=row.occurred_at,
            ))
            continue
        if member.last_interaction_at is None or row.occurred_at > member.last_interaction_at:
            member.last_interaction_at = row.occurred_at
            member.nickname = row.author_name or member.nickname
        if member.first_seen_at is None or earliest[ref] < member.first_seen_at:
            member.first_seen_at = earliest[ref]
        changed.append(member)
    AudienceMember.objects.bulk_create(created, ignore_conflicts=True)
    AudienceMember.objects.bulk_update(
        changed, ["last_interaction_at", "nickname", "first_seen_at"]
    )


# --- triage ----------------------------------------------------------------------


def interaction_assign(
    *, actor: User, interaction: Interaction, assignee: User | None
) -> Interaction:
    """Give the interaction to a member of its team (None: to nobody); audited."""
    require(actor, interaction.team_id, REPLY, _reply_message())
    if assignee is not None and not Membership.objects.filter(
        team_id=interaction.team_id, user_id=assignee.pk
    ).exists():
        raise ValidationError({"assignee": _("Choose a member of the interaction's team.")})
    with transaction.atomic():
        interaction.assignee = assignee
        interaction.save(update_fields=["assignee"])
        audit(actor, "interaction.assign",
              gettext_noop("Interaction assigned to %(assignee)s"), interaction,
              assignee=assignee.get_username() if assignee else "—")
    return interaction


def _clean_tags(tags: object) -> list[str]:
    if not isinstance(tags, list | tuple) or not all(isinstance(t, str) for t in tags):
        raise ValidationError({"tags": _("Enter the tags as a list of words.")})
    cleaned = list(dict.fromkeys(t.strip() for t in tags if t.strip()))
    if len(cleaned) > MAX_TAGS:
        raise ValidationError({"tags": _("At most %(count)s tags.") % {"count": MAX_TAGS}})
    if any(len(t) > MAX_TAG_CHARS for t in cleaned):
        raise ValidationError({"tags": _(
            "A tag may have at most %(count)s characters."
        ) % {"count": MAX_TAG_CHARS}})
    return cleaned


def interaction_triage(
    *, actor: User, interaction: Interaction, priority: str | None = None,
    tags: list[str] | None = None,
) -> Interaction:
    """Set the priority and/or the tags; audited."""
    require(actor, interaction.team_id, REPLY, _reply_message())
    fields = []
    if priority is not None:
        if priority not in Priority.values:
            raise ValidationError({"priority": _("Unknown priority.")})
        interaction.priority = priority
        fields.append("priority")
    if tags is not None:
        interaction.tags = _clean_tags(tags)
        fields.append("tags")
    if not fields:
        return interaction
    with transaction.atomic():
        interaction.save(update_fields=fields)
        audit(actor, "interaction.triage", gettext_noop("Interaction priority or tags changed"),
              interaction, priority=interaction.priority, tags=interaction.tags)
    return interaction


def interaction_note_add(
    *, actor: User, interaction: Interaction, text: str
) -> InteractionNote:
    """An internal note: the team sees it, the platform never does."""
    require(actor, interaction.team_id, REPLY, _reply_message())
    text = (text or "").strip()
    if not text:
        raise ValidationError({"text": _("Write the note.")})
    if len(text) > MAX_NOTE_CHARS:
        raise ValidationError({"text": _(
            "A note may have at most %(count)s characters."
        ) % {"count": MAX_NOTE_CHARS}})
    with transaction.atomic():
        note = InteractionNote.objects.create(interaction=interaction, author=actor, text=text)
        audit(actor, "interaction.note", gettext_noop("Internal note added"), interaction)
    return note


def _move(actor: User, interaction: Interaction, target: str,
          now: datetime.datetime) -> None:
    INTERACTION.check(actor=actor, team=interaction.team_id, source=interaction.status,
                      target=target)
    interaction.status = target
    interaction.resolved_at = now if target == InteractionStatus.RESOLVED else None


def interaction_set_status(
    *, actor: User, interaction: Interaction, status: str
) -> Interaction:
    """Move the interaction (new / pending / resolved) through its declared machine; audited."""
    with transaction.atomic():
        locked = Interaction.objects.select_for_update().get(pk=interaction.pk)
        source = locked.status
        _move(actor, locked, status, timezone.now())
        locked.save(update_fields=["status", "resolved_at"])
        audit(actor, "interaction.status", gettext_noop("Interaction marked %(status)s"),
              locked, status=status, **{"from": source})
    interaction.status, interaction.resolved_at = locked.status, locked.resolved_at
    return interaction


# --- templates and replies ----------------------------------------------------------


def _template_variables(body: str) -> list[str]:
    return [m.group(1) for m in _PLACEHOLDER.finditer(body) if m.group(1) is not None]


def _check_template_body(body: str, field: str) -> str:
    body = (body or "").strip()
    if not body:
        raise ValidationError({field: _("Write the text.")})
    if len(body) > MAX_REPLY_CHARS:
        raise ValidationError({field: _(
            "A reply may have at most %(count)s characters."
        ) % {"count": MAX_REPLY_CHARS}})
    unknown = sorted({v for v in _template_variables(body) if v not in TEMPLATE_VARIABLES})
    if unknown:
        raise ValidationError({field: _(
            "Unknown variable(s) %(unknown)s; use %(known)s."
        ) % {"unknown": ", ".join("{" + v + "}" for v in unknown),
             "known": ", ".join("{" + v + "}" for v in TEMPLATE_VARIABLES)}})
    return body


def render_reply(body: str, interaction: Interaction) -> str:
    """The text with {nickname}, {campaign} and {account} filled in; {{ and }} are braces."""
    values = {
        "nickname": interaction.author_name,
        "campaign": interaction.campaign.name if interaction.campaign is not None else "",
        "account": interaction.account.handle,
    }

    def fill(match: re.Match) -> str:
        token = match.group(0)
        if token in ("{{", "}}"):
            return token[0]
        return values.get(match.group(1), token)

    return _PLACEHOLDER.sub(fill, body)


def reply_template_create(
    *, actor: User, team: Team, name: str, body: str
) -> ReplyTemplate:
    """A saved reply for the team; names are unique per team."""
    require(actor, team.pk, REPLY, _reply_message())
    name = (name or "").strip()
    errors: dict[str, object] = {}
    if not name:
        errors["name"] = _("Name the template.")
    try:
        body = _check_template_body(body, "body")
    except ValidationError as exc:
        errors.update(exc.message_dict)
    if errors:
        raise ValidationError(errors)
    try:
        with transaction.atomic():
            template = ReplyTemplate.objects.create(
                team=team, name=name[:120], body=body, created_by=actor
            )
            audit(actor, "reply_template.create", gettext_noop("Reply template “%(name)s” saved"),
                  template, name=template.name)
    except IntegrityError as exc:
        raise ValidationError({"name": _("The team already has a template of this name.")}) from exc
    return template


def reply_template_update(
    *, actor: User, template: ReplyTemplate, name: str | None = None,
    body: str | None = None,
) -> ReplyTemplate:
    require(actor, template.team_id, REPLY, _reply_message())
    if name is not None:
        if not name.strip():
            raise ValidationError({"name": _("Name the template.")})
        template.name = name.strip()[:120]
    if body is not None:
        template.body = _check_template_body(body, "body")
    try:
        with transaction.atomic():
            template.save()
            audit(actor, "reply_template.update",
                  gettext_noop("Reply template “%(name)s” changed"), template, name=template.name)
    except IntegrityError as exc:
        raise ValidationError({"name": _("The team already has a template of this name.")}) from exc
    return template


def reply_template_delete(*, actor: User, template: ReplyTemplate) -> None:
    require(actor, template.team_id, REPLY, _reply_message())
    with transaction.atomic():
        audit(actor, "reply_template.delete", gettext_noop("Reply template “%(name)s” deleted"),
              template, name=template.name)
        template.delete()


def _pulled_form(interaction: Interaction) -> PulledInteraction:
    """The interaction as the connector knows it (where a reply goes)."""
    return PulledInteraction(
        external_id=interaction.external_id, kind=interaction.kind, text=interaction.text,
        author=interaction.author_name, created_at=interaction.occurred_at,
        post_id=interaction.post_ref, author_id=interaction.author_ref,
        post_index=interaction.post_index,
    )


def interaction_reply(
    *, actor: User, interaction: Interaction, text: str = "",
    template: ReplyTemplate | None = None, resolve: bool = False,
) -> InteractionReply:
    """Answer through the account's connector, once; the attempt is recorded whatever happens.

    The text (or else the template's) has its variables filled in. Sent: the
    first reply sets the first response, a new item becomes pending (resolved
    when ``resolve``). A WeChat reply outside the 48-hour window is recorded as
    ``window_closed`` — the platform's rule, not a failure; other connector
    errors as ``failed`` with their kind and code (auth ones flag the account).
    """
    require(actor, interaction.team_id, REPLY, _reply_message())
    if template is not None and template.team_id != interaction.team_id:
        raise ValidationError({"template": _("Choose a template of the interaction's team.")})
    source = (text or "").strip() or (template.body if template is not None else "")
    if not source.strip():
        raise ValidationError({"text": _("Write a reply or choose a template.")})
    body = render_reply(_check_template_body(source, "text"), interaction).strip()
    if not body:
        raise ValidationError({"text": _("Write a reply or choose a template.")})
    status, external_id, error_kind, error_code = ReplyStatus.SENT, "", "", ""
    account = interaction.account
    try:
        result = connector_for(account).reply(_pulled_form(interaction), body)
        external_id = result.external_id
    except ReplyWindowClosedError as exc:
        status, error_kind, error_code = ReplyStatus.WINDOW_CLOSED, "window_closed", str(exc.code or "")
    except ConnectorError as exc:
        account_record_connector_error(account=account, error=exc)
        status, error_kind, error_code = ReplyStatus.FAILED, exc.kind, str(exc.code or "")
    now = timezone.now()
    with transaction.atomic():
        locked = Interaction.objects.select_for_update().get(pk=interaction.pk)
        reply = InteractionReply.objects.create(
            interaction=locked, author=actor, template=template, text=body, status=status,
            external_id=str(external_id)[:200], error_kind=error_kind[:20],
            error_code=error_code[:40],
        )
        fields = []
        if status == ReplyStatus.SENT:
            if locked.first_response_at is None:
                locked.first_response_at, locked.first_responder = now, actor
                fields += ["first_response_at", "first_responder"]
            if locked.status == InteractionStatus.NEW:
                _move(actor, locked, InteractionStatus.PENDING, now)
                fields += ["status", "resolved_at"]
            if resolve and locked.status != InteractionStatus.RESOLVED:
                _move(actor, locked, InteractionStatus.RESOLVED, now)
                fields += ["status", "resolved_at"]
        if fields:
            locked.save(update_fields=sorted(set(fields)))
        audit(actor, "interaction.reply", gettext_noop("Reply %(status)s"), locked,
              status=status, code=error_code)
    for name in ("status", "resolved_at", "first_response_at", "first_responder"):
        setattr(interaction, name, getattr(locked, name))
    return reply


# --- the response policy -------------------------------------------------------------


def response_policy_save(
    *, actor: User, team: Team, first_response_minutes: int,
    working_days: list[int], work_starts: datetime.time, work_ends: datetime.time,
) -> ResponsePolicy:
    """Set the team's first-response target and working week; open items get new deadlines."""
    require(actor, team.pk, "team.manage", _("Only managers and administrators set the response policy."))
    errors = {}
    if (isinstance(first_response_minutes, bool) or not isinstance(first_response_minutes, int)
            or not 1 <= first_response_minutes <= 60 * 24 * 14):
        errors["first_response_minutes"] = _("Enter minutes between 1 and 20160 (two weeks).")
    days = sorted({d for d in working_days or [] if isinstance(d, int) and not isinstance(d, bool)})
    if not days or any(d < 1 or d > 7 for d in days) or len(days) != len(working_days or []):
        errors["working_days"] = _("Choose one or more working days.")
    if work_starts is None or work_ends is None or work_ends <= work_starts:
        errors["work_ends"] = _("The working day must end after it starts.")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        policy, _created = ResponsePolicy.objects.update_or_create(
            team=team, defaults={
                "first_response_minutes": first_response_minutes, "working_days": days,
                "work_starts": work_starts, "work_ends": work_ends,
            },
        )
        policy.team = team
        hours = selectors.working_hours_of(policy)
        open_items = list(
            Interaction.objects.filter(team=team, first_response_at__isnull=True)
            .exclude(status=InteractionStatus.RESOLVED).only("pk", "occurred_at")
        )
        for item in open_items:
            item.response_due_at = hours.add(item.occurred_at, first_response_minutes)
        Interaction.objects.bulk_update(open_items, ["response_due_at"], batch_size=500)
        audit(actor, "response_policy.save",
              gettext_noop("Response policy set: first response within %(minutes)s working minutes"),
              policy, minutes=first_response_minutes)
    return policy


def interactions_apply_retention(
    *, action: str, cutoff: datetime.datetime, now: datetime.datetime
) -> int:
    """Interactions older than ``cutoff`` hold people's words: deleted, or anonymised
    (author and text blanked), as the behaviour-data policy says."""
    old = Interaction.objects.filter(occurred_at__lt=cutoff)
    if action == "delete":
        return old.delete()[1].get(Interaction._meta.label, 0)
    return old.exclude(author_ref="", author_name="", text="").update(
        author_ref="", author_name="", text=""
    )

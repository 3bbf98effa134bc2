"""Read side of content: items, versions, checks, queues and media, scoped to the acting user."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.contrib.auth.models import User
from django.contrib.contenttypes.models import ContentType
from django.db.models import Exists, F, OuterRef, Prefetch, Q, QuerySet

from compliance.advertising.models import ContentCheck, Severity
from teams.selectors import scope_to_user_teams, teams_where, user_can

from .models import (
    ContentItem,
    ContentReview,
    ContentStatus,
    ContentVariant,
    ContentVersion,
    MediaAsset,
)
from .transitions import CONTENT, EDITABLE

S = ContentStatus


def _items() -> QuerySet[ContentItem]:
    return ContentItem.objects.select_related("campaign", "team", "owner").prefetch_related(
        Prefetch(
            "variants",
            queryset=ContentVariant.objects.select_related("account__platform").order_by("pk"),
        )
    )


def items_for(user: User) -> QuerySet[ContentItem]:
    """Items of the teams the user sees, with campaign, owner and target accounts preloaded."""
    return scope_to_user_teams(_items(), user)


def item_list(
    user: User,
    *,
    campaign: int | None = None,
    status: str | None = None,
    kind: str | None = None,
    account: int | None = None,
) -> QuerySet[ContentItem]:
    """The user's items filtered by campaign, status, kind and target account (all optional)."""
    qs = items_for(user)
    if campaign:
        qs = qs.filter(campaign_id=campaign)
    if status:
        qs = qs.filter(status=status)
    if kind:
        qs = qs.filter(kind=kind)
    if account:
        qs = qs.filter(Exists(ContentVariant.objects.filter(item=OuterRef("pk"), account_id=account)))
    return qs


def item_get(user: User, pk: int) -> ContentItem:
    """One item the user may see (DoesNotExist otherwise: a 404 upstream)."""
    return items_for(user).prefetch_related("media").get(pk=pk)


def versions_of(item: ContentItem) -> QuerySet[ContentVersion]:
    """The item's versions, newest first, with their authors."""
    return item.versions.select_related("author").order_by("-number")


def version_get(item: ContentItem, number: int) -> ContentVersion:
    """One version of the item (DoesNotExist otherwise)."""
    return item.versions.select_related("author").get(number=number)


def reviews_of(item: ContentItem) -> QuerySet[ContentReview]:
    """The item's review decisions, newest first."""
    return item.reviews.select_related("reviewer").order_by("-created_at", "-id")


@dataclass(frozen=True)
class VariantCheck:
    """One target account's text and the stored check of exactly that text, if any."""

    variant: ContentVariant
    text: str
    check: ContentCheck | None
    overridden: frozenset[int]

    @property
    def blocking_open(self) -> list[int]:
        """Indexes of blocking findings nobody overrode."""
        if self.check is None:
            return []
        return [
            i for i, f in enumerate(self.check.findings or [])
            if f.get("severity") == Severity.BLOCK and i not in self.overridden
        ]


def item_checks(item: ContentItem) -> list[VariantCheck]:
    """For each target account, the latest stored check of its current text (S3.1.1)."""
    from .services import check_text_for

    checks = list(
        ContentCheck.objects.filter(
            content_type=ContentType.objects.get_for_model(ContentItem), content_id=str(item.pk)
        )
        .select_related("platform")
        .prefetch_related("overrides__overridden_by")
        .order_by("-created_at", "-id")
    )
    rows = []
    for variant in item.variants.all():
        text = check_text_for(variant)
        match = next(
            (c for c in checks
             if c.text == text and c.platform_id == variant.account.platform_id
             and c.is_paid_promotion == item.is_paid_promotion),
            None,
        )
        overridden = frozenset(o.finding_index for o in match.overrides.all()) if match else frozenset()
        rows.append(VariantCheck(variant, text, match, overridden))
    return rows


def _not_own(user: User) -> Q:
    wrote_current = ContentVersion.objects.filter(
        item=OuterRef("pk"), number=OuterRef("version"), author_id=user.pk
    )
    # The stubs type Q & Exists as Combinable; Django returns a Q (Q._combine).
    return ~Q(owner_id=user.pk) & ~Exists(wrote_current)  # type: ignore[return-value]


def review_queue(user: User) -> QuerySet[ContentItem]:
    """Items awaiting the user's review: in review, in teams where they review, not their own."""
    teams = [t.pk for t in teams_where(user, "content.review")]
    return (
        _items().filter(team_id__in=teams, status=S.IN_REVIEW).filter(_not_own(user))
        .order_by("submitted_at", "pk")
    )


def override_queue(user: User) -> QuerySet[ContentItem]:
    """Items whose current version the checker blocked, for someone who may override, not own."""
    teams = [t.pk for t in teams_where(user, "compliance.override")]
    return (
        _items().filter(
            team_id__in=teams, status__in=[S.DRAFT, S.CHANGES_REQUESTED],
            blocked_version=F("version"),
        )
        .filter(_not_own(user))
        .order_by("-updated_at", "pk")
    )


def media_for(user: User, *, team: int | None = None) -> QuerySet[MediaAsset]:
    """Media of the user's teams (one team when given), newest first."""
    qs = scope_to_user_teams(MediaAsset.objects.select_related("team", "uploaded_by"), user)
    if team:
        qs = qs.filter(team_id=team)
    return qs


def media_get(user: User, pk: int) -> MediaAsset:
    """One asset the user may see (DoesNotExist otherwise: a 404 upstream)."""
    return media_for(user).get(pk=pk)


def item_ids_due_expiry(now: datetime.datetime) -> list[int]:
    """Ids of items still unapproved whose planned time has come (every team: the job's list)."""
    return list(
        ContentItem.objects.filter(
            status__in=[S.DRAFT, S.IN_REVIEW, S.CHANGES_REQUESTED], planned_at__lte=now
        )
        .order_by("planned_at", "pk")
        .values_list("pk", flat=True)
    )


@dataclass(frozen=True)
class ItemActions:
    """What the user may do with one item now (for buttons; services decide again)."""

    edit: bool
    submit: bool
    recall: bool
    review: bool
    override: bool
    withdraw: bool
    # Put on the calendar (the publishing app's schedule page): approved, may publish.
    schedule: bool = False


def item_actions(user: User, item: ContentItem, *, own: bool | None = None) -> ItemActions:
    """The buttons the item's page shows the user."""
    if own is None:
        own = item.owner_id == user.pk or item.versions.filter(
            number=item.version, author_id=user.pk
        ).exists()
    targets = set(CONTENT.targets(actor=user, team=item.team_id, source=item.status))
    can_edit = user_can(user, item.team_id, "content.edit")
    return ItemActions(
        edit=can_edit and item.status in EDITABLE,
        submit=S.IN_REVIEW in targets and item.status != S.IN_REVIEW,
        recall=item.status == S.IN_REVIEW and S.DRAFT in targets,
        review=item.status == S.IN_REVIEW and S.APPROVED in targets and not own,
        override=not own and user_can(user, item.team_id, "compliance.override"),
        withdraw=S.WITHDRAWN in targets,
        schedule=item.status == S.APPROVED and S.SCHEDULED in targets,
    )

"""Read side of engagement: every query scoped to the acting user's teams."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import cast

from django.contrib.auth.models import User
from django.db.models import (
    Count,
    Exists,
    F,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.functions import Coalesce
from django.utils import timezone

from campaigns.planning.models import Campaign
from platforms.models import PlatformAccount
from teams.models import Membership, Team
from teams.selectors import scope_to_user_teams, team_ids_visible_to, user_can

from .models import (
    AudienceMember,
    Interaction,
    InteractionKind,
    InteractionNote,
    InteractionReply,
    InteractionStatus,
    Lottery,
    Poll,
    PollOption,
    Question,
    ReplyTemplate,
    ResponsePolicy,
    Segment,
    SegmentRule,
)
from .working_hours import (
    DEFAULT_DAYS,
    DEFAULT_ENDS,
    DEFAULT_MINUTES,
    DEFAULT_STARTS,
    WorkingHours,
    median,
    percentile,
)

# --- response policy ---------------------------------------------------------


def response_policy_for(team: Team) -> ResponsePolicy:
    """The team's policy, or the default (2 working hours, Mon–Fri 09:00–18:00) unsaved."""
    policy = ResponsePolicy.objects.filter(team=team).first()
    if policy is not None:
        return policy
    return ResponsePolicy(
        team=team, first_response_minutes=DEFAULT_MINUTES, working_days=list(DEFAULT_DAYS),
        work_starts=DEFAULT_STARTS, work_ends=DEFAULT_ENDS,
    )


def working_hours_of(policy: ResponsePolicy) -> WorkingHours:
    """The policy's working week on the team's wall clock."""
    return WorkingHours(
        zone=policy.team.zone, days=frozenset(policy.working_days or DEFAULT_DAYS),
        starts=policy.work_starts, ends=policy.work_ends,
    )


def response_policies_for(user: User) -> list[ResponsePolicy]:
    """One policy per visible team (the default where none is saved), by team name."""
    teams = list(scope_to_user_teams(Team.objects.all(), user, team_field="pk").order_by("name"))
    saved = {p.team_id: p for p in ResponsePolicy.objects.filter(team__in=teams)}
    policies = []
    for team in teams:
        policy = saved.get(team.pk) or response_policy_for(team)
        policy.team = team
        policies.append(policy)
    return policies


# --- the inbox -----------------------------------------------------------------


def interactions_for(user: User) -> QuerySet[Interaction]:
    """Interactions of the user's teams with what lists show preloaded, and the
    status of the latest reply (``last_reply_status``) annotated."""
    latest = InteractionReply.objects.filter(interaction=OuterRef("pk")).order_by("-sent_at", "-pk")
    qs = Interaction.objects.select_related(
        "team", "account__platform", "assignee", "campaign", "publication",
    ).annotate(last_reply_status=Coalesce(Subquery(latest.values("status")[:1]), Value("")))
    return scope_to_user_teams(qs, user)


# The inbox's "status" filter also takes "open": new and pending together.
OPEN = "open"


@dataclass(frozen=True)
class InboxFilters:
    status: str = ""
    account: int | None = None
    assignee: int | None = None  # 0 = nobody
    sentiment: str = ""
    overdue: bool = False
    segment: int | None = None
    team: int | None = None
    kind: str = ""
    search: str = ""
    campaign: int | None = None


def _overdue_q(now: datetime.datetime) -> Q:
    return (
        Q(first_response_at__isnull=True, response_due_at__lt=now)
        & ~Q(status=InteractionStatus.RESOLVED)
    )


def inbox(
    user: User, filters: InboxFilters, *, now: datetime.datetime | None = None
) -> QuerySet[Interaction]:
    """The inbox, filtered; one query whatever the row count."""
    now = now or timezone.now()
    qs = interactions_for(user)
    if filters.status == OPEN:
        qs = qs.exclude(status=InteractionStatus.RESOLVED)
    elif filters.status:
        qs = qs.filter(status=filters.status)
    if filters.account:
        qs = qs.filter(account_id=filters.account)
    if filters.assignee == 0:
        qs = qs.filter(assignee__isnull=True)
    elif filters.assignee:
        qs = qs.filter(assignee_id=filters.assignee)
    if filters.sentiment:
        qs = qs.filter(sentiment_label=filters.sentiment)
    if filters.overdue:
        qs = qs.filter(_overdue_q(now))
    if filters.team:
        qs = qs.filter(team_id=filters.team)
    if filters.kind:
        qs = qs.filter(kind=filters.kind)
    if filters.campaign:
        qs = qs.filter(campaign_id=filters.campaign)
    if filters.search:
        qs = qs.filter(Q(text__icontains=filters.search) | Q(author_name__icontains=filters.search))
    if filters.segment:
        segment = segments_for(user).filter(pk=filters.segment).first()
        if segment is None:
            return qs.none()
        members = segment_members(segment, now=now).filter(
            account_id=OuterRef("account_id"), external_ref=OuterRef("author_ref")
        )
        qs = qs.filter(Exists(members), team_id=segment.team_id)
    return qs.order_by("-occurred_at", "-id")


@dataclass(frozen=True)
class InboxCounts:
    open: int
    overdue: int
    negative_open: int


def inbox_counts(
    user: User, *, team: int | None = None, now: datetime.datetime | None = None
) -> InboxCounts:
    """Open, overdue and negative open items the user can see, in one query."""
    now = now or timezone.now()
    qs = scope_to_user_teams(Interaction.objects.all(), user)
    if team:
        qs = qs.filter(team_id=team)
    open_q = ~Q(status=InteractionStatus.RESOLVED)
    totals = qs.aggregate(
        open=Count("pk", filter=open_q),
        overdue=Count("pk", filter=_overdue_q(now)),
        negative_open=Count("pk", filter=open_q & Q(sentiment_label="negative")),
    )
    return InboxCounts(**totals)


def interaction_get(user: User, pk: int) -> Interaction:
    """One visible interaction with its notes and replies; ``DoesNotExist`` otherwise."""
    return interactions_for(user).prefetch_related(
        Prefetch("notes", queryset=InteractionNote.objects.select_related("author")),
        Prefetch("replies", queryset=InteractionReply.objects.select_related("author", "template")),
    ).get(pk=pk)


def team_members(team_ids: list[int] | None) -> QuerySet:
    """Users who are members of the given teams (every team for None), by username."""
    from django.contrib.auth import get_user_model

    memberships = Membership.objects.all()
    if team_ids is not None:
        memberships = memberships.filter(team_id__in=team_ids)
    return (
        get_user_model().objects.filter(pk__in=memberships.values("user_id"), is_active=True)
        .order_by("username")
    )


def assignable_members(interaction: Interaction) -> QuerySet:
    """Members of the interaction's team, who may be assigned to it."""
    return team_members([interaction.team_id])


def accounts_for(user: User) -> QuerySet[PlatformAccount]:
    """Accounts of the user's teams, for filters and imports."""
    return scope_to_user_teams(
        PlatformAccount.objects.select_related("platform", "team"), user
    ).order_by("team__name", "platform__sort_order", "handle")


def account_get(user: User, pk: int) -> PlatformAccount:
    return accounts_for(user).get(pk=pk)


def account_ids_to_pull() -> list[int]:
    """Accounts whose interactions are pulled: connected (credentials on file, or the
    sandbox) and not waiting for reconnection."""
    return list(
        PlatformAccount.objects.filter(needs_reconnection=False)
        .filter(Q(connector="sandbox") | ~Q(credentials_ciphertext=""))
        .order_by("pk").values_list("pk", flat=True)
    )


def newest_interaction_at(account: PlatformAccount) -> datetime.datetime | None:
    """When the newest interaction pulled for the account was made."""
    return (
        Interaction.objects.filter(account=account)
        .order_by("-occurred_at").values_list("occurred_at", flat=True).first()
    )


# --- reply templates -------------------------------------------------------------


def reply_templates_for(user: User, *, team: int | None = None) -> QuerySet[ReplyTemplate]:
    qs = scope_to_user_teams(ReplyTemplate.objects.select_related("team", "created_by"), user)
    if team:
        qs = qs.filter(team_id=team)
    return qs.order_by("team__name", "name")


def reply_template_get(user: User, pk: int) -> ReplyTemplate:
    return reply_templates_for(user).get(pk=pk)


def suggested_templates(interaction: Interaction, *, now: datetime.datetime | None = None) -> list:
    """Templates of the segments the interaction's author belongs to (their strategy)."""
    if not interaction.author_ref:
        return []
    found = []
    segments = Segment.objects.filter(team_id=interaction.team_id, template__isnull=False)
    for segment in segments.select_related("template", "campaign").order_by("name"):
        member = segment_members(segment, now=now).filter(
            account_id=interaction.account_id, external_ref=interaction.author_ref
        )
        if member.exists():
            found.append((segment, segment.template))
    return found


# --- the first-response report ----------------------------------------------------


@dataclass
class ResponseGroup:
    count: int = 0
    median_minutes: float | None = None
    p90_minutes: float | None = None


@dataclass
class MemberResponseRow:
    member: User
    answered: int = 0
    within_target: int = 0
    in_hours: ResponseGroup = field(default_factory=ResponseGroup)
    out_of_hours: ResponseGroup = field(default_factory=ResponseGroup)


def _group(minutes: list[float]) -> ResponseGroup:
    return ResponseGroup(
        count=len(minutes),
        # Both are None only for no values, answered by the guard.
        median_minutes=None if not minutes else round(cast(float, median(minutes)), 1),
        p90_minutes=None if not minutes else round(cast(float, percentile(minutes, 0.9)), 1),
    )


def first_response_report(
    team: Team, *, since: datetime.datetime, until: datetime.datetime
) -> list[MemberResponseRow]:
    """First-response time per member for interactions received in [since, until).

    Split by when the interaction arrived: inside the team's working hours or
    outside them; times are elapsed minutes (median and nearest-rank 90th
    percentile). ``within_target`` counts first responses inside the policy's
    target, measured in working time as the SLA is.
    """
    policy = response_policy_for(team)
    hours = working_hours_of(policy)
    target = datetime.timedelta(minutes=policy.first_response_minutes)
    rows = (
        Interaction.objects.filter(
            team=team, occurred_at__gte=since, occurred_at__lt=until,
            first_response_at__isnull=False, first_responder__isnull=False,
        )
        .select_related("first_responder")
        .order_by("first_responder__username", "occurred_at")
    )
    inside: dict[int, list[float]] = {}
    outside: dict[int, list[float]] = {}
    members: dict[int, User] = {}
    within: dict[int, int] = {}
    for row in rows:
        # The query keeps only rows with a responder and a response time.
        key = cast(int, row.first_responder_id)
        members[key] = cast(User, row.first_responder)
        responded_at = cast(datetime.datetime, row.first_response_at)
        elapsed = max((responded_at - row.occurred_at).total_seconds() / 60, 0.0)
        group = inside if hours.is_working_time(row.occurred_at) else outside
        group.setdefault(key, []).append(elapsed)
        ok = hours.between(row.occurred_at, responded_at) <= target
        within[key] = within.get(key, 0) + int(ok)
    report = [
        MemberResponseRow(
            member=member,
            answered=len(inside.get(key, [])) + len(outside.get(key, [])),
            within_target=within.get(key, 0),
            in_hours=_group(inside.get(key, [])),
            out_of_hours=_group(outside.get(key, [])),
        )
        for key, member in members.items()
    ]
    return sorted(report, key=lambda r: r.member.get_username())


# --- audience and segments ---------------------------------------------------------


def rule_q(segment: Segment, *, now: datetime.datetime) -> Q:
    """The segment's rule as a filter on AudienceMember (the SQL that computes it)."""
    days = datetime.timedelta(days=segment.days or 0)
    if segment.rule == SegmentRule.NEW_FOLLOWERS:
        return Q(followed_at__gte=now - days)
    if segment.rule == SegmentRule.RETURNING_BUYERS:
        return Q(orders_count__gte=segment.min_orders or 0)
    if segment.rule == SegmentRule.HIGH_VALUE:
        return Q(total_spend__gte=segment.min_spend or 0)
    if segment.rule == SegmentRule.COMMENTERS:
        commented = Interaction.objects.filter(
            account_id=OuterRef("account_id"), author_ref=OuterRef("external_ref"),
            # A commenters segment names its campaign (segment_create requires one).
            campaign_id=segment.campaign_id, kind=InteractionKind.COMMENT,  # type: ignore[misc]
        )
        return Q(Exists(commented))
    if segment.rule == SegmentRule.DORMANT:
        cutoff = now - days
        return (
            Q(last_interaction_at__lt=cutoff)
            | Q(last_interaction_at__isnull=True, first_seen_at__lt=cutoff)
            | Q(last_interaction_at__isnull=True, first_seen_at__isnull=True, followed_at__lt=cutoff)
        )
    return Q(pk__in=[])


def audience_for(user: User) -> QuerySet[AudienceMember]:
    return scope_to_user_teams(
        AudienceMember.objects.select_related("account__platform", "team"), user
    )


def segment_members(
    segment: Segment, *, now: datetime.datetime | None = None
) -> QuerySet[AudienceMember]:
    """The members of the segment now, computed in SQL."""
    now = now or timezone.now()
    return (
        AudienceMember.objects.filter(team_id=segment.team_id)
        .filter(rule_q(segment, now=now))
        .select_related("account__platform")
        .order_by("account_id", "external_ref")
    )


def segments_for(user: User) -> QuerySet[Segment]:
    return scope_to_user_teams(
        Segment.objects.select_related("team", "campaign", "template"), user
    ).order_by("team__name", "name")


def segment_get(user: User, pk: int) -> Segment:
    return segments_for(user).get(pk=pk)


def segment_counts(
    segments: list[Segment], *, now: datetime.datetime | None = None
) -> dict[int, int]:
    """Member count per segment, all in one aggregate query."""
    if not segments:
        return {}
    now = now or timezone.now()
    team_ids = sorted({s.team_id for s in segments})
    totals = AudienceMember.objects.filter(team_id__in=team_ids).aggregate(**{
        f"s{s.pk}": Count("pk", filter=Q(team_id=s.team_id) & rule_q(s, now=now))
        for s in segments
    })
    return {s.pk: totals[f"s{s.pk}"] for s in segments}


def campaigns_for(user: User) -> QuerySet[Campaign]:
    return scope_to_user_teams(Campaign.objects.select_related("team"), user).order_by("name")


# --- activities -----------------------------------------------------------------


def lotteries_for(user: User, *, campaign: int | None = None) -> QuerySet[Lottery]:
    qs = scope_to_user_teams(
        Lottery.objects.select_related("team", "campaign", "item", "platform")
        .annotate(entrant_count=Count("entrants")),
        user,
    )
    if campaign:
        qs = qs.filter(campaign_id=campaign)
    return qs.order_by("-draw_at", "-id")


def lottery_get(user: User, pk: int) -> Lottery:
    return lotteries_for(user).select_related("compliance_check").get(pk=pk)


def polls_for(user: User, *, campaign: int | None = None) -> QuerySet[Poll]:
    options = PollOption.objects.annotate(vote_count=Count("votes")).order_by("order", "id")
    qs = scope_to_user_teams(
        Poll.objects.select_related("team", "campaign", "item")
        .annotate(vote_total=Count("votes"))
        .prefetch_related(Prefetch("options", queryset=options)),
        user,
    )
    if campaign:
        qs = qs.filter(campaign_id=campaign)
    return qs.order_by("-opens_at", "-id")


def poll_get(user: User, pk: int) -> Poll:
    return polls_for(user).get(pk=pk)


def questions_for(
    user: User, *, item: int | None = None, campaign: int | None = None
) -> QuerySet[Question]:
    qs = scope_to_user_teams(
        Question.objects.select_related("team", "item", "answered_by", "interaction"), user
    )
    if item:
        qs = qs.filter(item_id=item)
    if campaign:
        qs = qs.filter(item__campaign_id=campaign)
    return qs.order_by(F("answered_at").asc(nulls_first=True), "-created_at", "-id")


def question_get(user: User, pk: int) -> Question:
    return questions_for(user).get(pk=pk)


def content_items_for(user: User) -> QuerySet:
    from campaigns.content.models import ContentItem

    return scope_to_user_teams(
        ContentItem.objects.select_related("campaign", "team"), user
    ).order_by("-updated_at", "-id")


def can_reply(user: User, team: Team | int) -> bool:
    return user_can(user, team, "interaction.reply")


def visible_team_ids(user: User) -> list[int] | None:
    return team_ids_visible_to(user)


def personal_data(team: Team, subject_ref: str) -> list[dict]:
    """What engagement holds on one person (by platform id) for a data-subject export."""
    from .models import LotteryEntrant

    rows: list[dict] = [
        {"kind": "interaction", "platform": i.account.platform.code, "account": i.account.handle,
         "nickname": i.author_name, "text": i.text, "occurred_at": i.occurred_at.isoformat()}
        for i in Interaction.objects.filter(team=team, author_ref=subject_ref)
        .select_related("account__platform").order_by("occurred_at")
    ]
    rows += [
        {"kind": "audience", "platform": m.account.platform.code, "account": m.account.handle,
         "nickname": m.nickname, "orders": m.orders_count, "total_spend": str(m.total_spend)}
        for m in AudienceMember.objects.filter(team=team, external_ref=subject_ref)
        .select_related("account__platform")
    ]
    rows += [
        {"kind": "lottery_entry", "lottery": e.lottery.title,
         "entered_at": e.entered_at.isoformat(), "won": subject_ref in (e.lottery.winners or [])}
        for e in LotteryEntrant.objects.filter(lottery__team=team, entrant_id=subject_ref)
        .select_related("lottery")
    ]
    return rows

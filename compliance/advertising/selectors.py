"""Read side of compliance: checks, filings and rules, scoped to the acting user."""

from __future__ import annotations

import datetime

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import Q, QuerySet
from django.utils import timezone

from platforms.models import Platform
from teams.models import Team
from teams.selectors import scope_to_user_teams

from .models import ContentCheck, PromotionFiling, Rule, RuleSet


def checks_for(user: AbstractBaseUser) -> QuerySet[ContentCheck]:
    """Stored checks of the user's teams, newest first."""
    return scope_to_user_teams(
        ContentCheck.objects.select_related("team", "platform", "created_by", "ruleset"), user
    )


def check_get(user: AbstractBaseUser, pk: int) -> ContentCheck:
    """One stored check the user may see (DoesNotExist otherwise: a 404 upstream)."""
    return checks_for(user).select_related("filing").get(pk=pk)


def filings_for(user: AbstractBaseUser, *, team: Team | None = None) -> QuerySet[PromotionFiling]:
    """Filings of the user's teams, with platform and team preloaded."""
    qs = scope_to_user_teams(
        PromotionFiling.objects.select_related("team", "platform", "created_by"), user
    )
    if team is not None:
        qs = qs.filter(team=team)
    return qs


def filing_get(user: AbstractBaseUser, pk: int) -> PromotionFiling:
    return filings_for(user).get(pk=pk)


def filing_valid_for(
    team: Team | int, platform: Platform | str, on_date: datetime.date | None = None
) -> PromotionFiling | None:
    """A filing of ``team`` for ``platform`` in force on ``on_date`` (today by default).

    The latest-starting one wins; None when paid content there has no filing (S3.2.2).
    """
    on_date = on_date or timezone.localdate()
    code = platform if isinstance(platform, str) else platform.code
    team_id = team if isinstance(team, int) else team.pk
    return (
        PromotionFiling.objects.select_related("platform")
        .filter(team_id=team_id, platform__code=code, starts_on__lte=on_date, ends_on__gte=on_date)
        .order_by("-starts_on", "-id")
        .first()
    )


def active_ruleset() -> RuleSet | None:
    return RuleSet.objects.filter(is_active=True).order_by("id").first()


def rules_of(ruleset: RuleSet, *, search: str = "") -> QuerySet[Rule]:
    """Rules with their platforms and term counts, for the rules reference page and API."""
    qs = ruleset.rules.prefetch_related("platforms", "terms")
    if search:
        qs = qs.filter(Q(code__icontains=search) | Q(terms__text__icontains=search)).distinct()
    return qs


def platform_choices() -> QuerySet[Platform]:
    return Platform.objects.filter(is_active=True).order_by("sort_order", "code")

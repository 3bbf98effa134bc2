"""Read side of compliance: checks, filings and rules, scoped to the acting user."""

from __future__ import annotations

import datetime
from pathlib import PurePath

from django.contrib.auth.models import User
from django.db.models import QuerySet
from django.utils import timezone

from platforms.models import Platform
from teams.models import Team
from teams.selectors import scope_to_user_teams, user_can

from .checker.masking import mask_text
from .models import ContentCheck, FilingDocument, PromotionFiling, Rule, RuleSet


def checks_for(user: User) -> QuerySet[ContentCheck]:
    """Stored checks of the user's teams, newest first."""
    return scope_to_user_teams(
        ContentCheck.objects.select_related("team", "platform", "created_by", "ruleset"), user
    )


def check_get(user: User, pk: int) -> ContentCheck:
    """One stored check the user may see (DoesNotExist otherwise: a 404 upstream)."""
    return checks_for(user).select_related("filing").get(pk=pk)


def filings_for(user: User, *, team: Team | None = None) -> QuerySet[PromotionFiling]:
    """Filings of the user's teams, with platform and team preloaded."""
    qs = scope_to_user_teams(
        PromotionFiling.objects.select_related("team", "platform", "created_by"), user
    )
    if team is not None:
        qs = qs.filter(team=team)
    return qs


class StoredTextMasker:
    """Stored check texts as a viewer may see them (S3.1.3).

    Phones, e-mail addresses and ID-shaped numbers (valid check digit or not)
    are masked unless the viewer holds
    ``privacy.view_personal`` in the check's team (no viewer: always masked);
    one permission lookup per team. Display only: nothing is saved.
    """

    def __init__(self, user: User | None) -> None:
        self.user = user
        self._can: dict[int, bool] = {}

    def text(self, check: ContentCheck) -> str:
        if check.team_id not in self._can:
            self._can[check.team_id] = self.user is not None and user_can(
                self.user, check.team_id, "privacy.view_personal"
            )
        return check.text if self._can[check.team_id] else mask_text(check.text)


def filing_get(user: User, pk: int) -> PromotionFiling:
    """One filing of the user's teams (DoesNotExist otherwise: a 404 upstream)."""
    return filings_for(user).get(pk=pk)


def filing_document_get(user: User, filing_pk: int, document_pk: int) -> FilingDocument:
    """A document of a filing of the user's teams (DoesNotExist otherwise: a 404 upstream)."""
    return FilingDocument.objects.select_related("filing").get(
        pk=document_pk, filing__in=filings_for(user).filter(pk=filing_pk)
    )


def filing_document_download_name(document: FilingDocument) -> str:
    """The file name a download gets: the filing's number, the document's id, the stored extension."""
    suffix = PurePath(document.file.name or "").suffix
    number = "".join(c if c.isalnum() or c in "-_" else "-" for c in document.filing.filing_number)
    return f"filing-{number}-{document.pk}{suffix}"


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
    """The rule set the checker runs (the first active one), or None before any is loaded."""
    return RuleSet.objects.filter(is_active=True).order_by("id").first()


def rules_of(ruleset: RuleSet) -> QuerySet[Rule]:
    """Rules of a rule set with their platforms and terms preloaded, for the rules API."""
    return ruleset.rules.prefetch_related("platforms", "terms")


def platform_choices() -> QuerySet[Platform]:
    """Active catalogue platforms in display order, for the checker's platform choice."""
    return Platform.objects.filter(is_active=True).order_by("sort_order", "code")

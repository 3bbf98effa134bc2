"""Read side of platforms: catalogue, recommender input, accounts and their fitness."""

import contextlib
import datetime
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import PurePath

from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from teams.selectors import audit_events_for, scope_to_user_teams

from .models import (
    ConnectorKind,
    DocumentKind,
    Platform,
    PlatformAccount,
    QualificationDocument,
    VerificationStatus,
)
from .recommender import PlatformProfile, Ranking, recommend, validate_audience


def platforms_active() -> QuerySet[Platform]:
    return Platform.objects.filter(is_active=True).order_by("sort_order", "code")


def platform_profiles() -> list[PlatformProfile]:
    """The active catalogue as recommender input.

    Rows edited around ``Platform.clean()`` (shell, SQL, a bulk update) may hold
    values the recommender cannot use: those are left out (the recommender's
    neutral default applies) and logged, so a bad row never breaks a page.
    A platform without an audience profile (the campaign's own website) reaches
    no audience of its own, so there is nothing to rank it by: it is left out.
    """
    return [
        PlatformProfile(
            code=p.code,
            name=p.name,
            audience_age=p.shares("audience_age"),
            female_share=p.female_share,
            interest_tags=p.interest_tags_clean,
            business_fit=p.shares("business_fit"),
            format_fit=p.shares("format_fit"),
            ad_flexibility=p.ad_flexibility,
        )
        for p in platforms_active()
        if p.audience_age
    ]


def recommend_platforms(data: Mapping) -> tuple[list[Ranking], dict[str, list[str]]]:
    """Ranking for loose input (form or API), or field errors (S2.2.1)."""
    audience, errors = validate_audience(data)
    if errors:
        return [], errors
    assert audience is not None  # no field errors means an audience was built
    return recommend(platform_profiles(), audience), {}


def accounts_for_user(user) -> QuerySet[PlatformAccount]:
    """Accounts of the teams the user sees, with what list pages show preloaded."""
    qs = PlatformAccount.objects.select_related("platform", "team", "owner").prefetch_related(
        Prefetch("documents", queryset=QualificationDocument.objects.order_by("kind", "-expires_on"))
    )
    return scope_to_user_teams(qs, user)


def account_get_for_user(user, pk) -> PlatformAccount:
    """An account the user may see; ``PlatformAccount.DoesNotExist`` otherwise (404)."""
    return accounts_for_user(user).get(pk=pk)


def document_get_for_user(user, account_pk, document_pk) -> QualificationDocument:
    """A document of an account the user may see; ``DoesNotExist`` otherwise (404)."""
    return QualificationDocument.objects.select_related("account").get(
        pk=document_pk, account__in=accounts_for_user(user).filter(pk=account_pk)
    )


def document_download_name(document: QualificationDocument) -> str:
    """The file name a download gets: the document's kind and id, the stored extension."""
    suffix = PurePath(document.file.name or "").suffix
    return f"{document.kind}-{document.pk}{suffix}"


def account_activity(account: PlatformAccount, limit: int = 20) -> list[dict]:
    """The account's audit trail as lines people read, newest first.

    Codes stored in the audit data (the platform, verification statuses, document
    kinds) are shown by their names in the reader's language, dates in its format.
    """
    from django.utils.translation import gettext

    platform_names = {p.code: p.name for p in Platform.objects.all()}
    statuses = dict(VerificationStatus.choices)
    kinds = dict(DocumentKind.choices)
    lines = []
    for event in audit_events_for(account, limit=limit):
        data = dict(event.data or {})
        if "platform" in data:
            data["platform"] = platform_names.get(data["platform"], data["platform"])
        for key in ("from", "to"):
            if key in data:
                data[key] = str(statuses.get(data[key], data[key]))
        if "kind" in data:
            data["kind"] = str(kinds.get(data["kind"], data["kind"]))
        if "expires" in data:
            with contextlib.suppress(TypeError, ValueError):
                data["expires"] = date_format(
                    datetime.date.fromisoformat(data["expires"]), "DATE_FORMAT"
                )
        try:
            text = gettext(event.summary) % data if data else gettext(event.summary)
        except (KeyError, TypeError, ValueError):
            text = event.message
        lines.append({"event": event, "text": text})
    return lines


@dataclass(frozen=True)
class ChecklistRow:
    kind: str
    label: str
    document: QualificationDocument | None
    ok: bool
    problem: str


def account_document_checklist(
    account: PlatformAccount, today: datetime.date | None = None
) -> list[ChecklistRow]:
    """One row per document kind the platform requires, with the best document on file."""
    today = today or timezone.localdate()
    labels = dict(DocumentKind.choices)
    documents = list(account.documents.all())
    rows = []
    for kind in account.platform.required_documents or []:
        candidates = [d for d in documents if d.kind == kind]
        # The one valid longest. Every document has an expiry date (S2.2.2); a
        # row without one (only possible outside the services) counts as expired.
        candidates.sort(key=lambda d: d.expires_on or datetime.date.min, reverse=True)
        best = candidates[0] if candidates else None
        label = str(labels.get(kind, kind))
        if best is None:
            rows.append(ChecklistRow(kind, label, None, False, _("%(document)s is missing.")
                                     % {"document": label}))
        elif best.expires_on is None:
            rows.append(ChecklistRow(
                kind, label, best, False,
                _("%(document)s has no expiry date on file.") % {"document": label},
            ))
        elif best.expires_on < today:
            rows.append(ChecklistRow(
                kind, label, best, False,
                _("%(document)s expired on %(date)s.") % {
                    "document": label, "date": date_format(best.expires_on, "DATE_FORMAT")},
            ))
        else:
            rows.append(ChecklistRow(kind, label, best, True, ""))
    return rows


def account_can_publish(
    account: PlatformAccount, today: datetime.date | None = None
) -> tuple[bool, list[str]]:
    """Whether the account may publish now, and every reason why not (S2.2.2).

    Yes only for a verified account whose certification has not expired, whose
    connection works and whose required documents are all on file and valid.
    """
    today = today or timezone.localdate()
    reasons = []
    if account.verification_status != VerificationStatus.VERIFIED:
        reasons.append(
            _("The account is not verified (status: %(status)s).")
            % {"status": account.get_verification_status_display()}
        )
    if account.certification_expires_on and account.certification_expires_on < today:
        reasons.append(
            _("Enterprise certification expired on %(date)s.")
            % {"date": date_format(account.certification_expires_on, "DATE_FORMAT")}
        )
    if account.platform.requires_enterprise_certification and not (
        account.enterprise_certificate_number
    ):
        reasons.append(_("No enterprise certificate number is on file."))
    if account.connector == ConnectorKind.WECHAT_OFFICIAL_ACCOUNT and not account.has_credentials:
        reasons.append(
            _("No WeChat app id and secret are on file: reconnect the account.")
        )
    if account.needs_reconnection:
        reasons.append(_("The platform rejected the credentials: the account needs reconnection."))
    reasons.extend(row.problem for row in account_document_checklist(account, today) if not row.ok)
    return not reasons, reasons


def account_ids_expiring(within_days: int, today: datetime.date) -> list[int]:
    """Ids of accounts with a document or certification expiring within the window, or expired.

    For the daily expiry job (every team's accounts), which checks each id in a task of its own.
    """
    horizon = today + datetime.timedelta(days=within_days)
    return list(
        PlatformAccount.objects.filter(
            Q(certification_expires_on__lte=horizon) | Q(documents__expires_on__lte=horizon)
        ).order_by("pk").values_list("pk", flat=True).distinct()
    )

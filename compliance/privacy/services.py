"""Write side of the privacy ledger: consent, data-subject requests, retention (S3.1.3, PIPL)."""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable

from django.conf import settings
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from teams.models import Team
from teams.selectors import user_can
from teams.services import audit_record

from . import pii
from .models import (
    ConsentRecord,
    DataCategory,
    DataSubjectRequest,
    DSRKind,
    DSRStatus,
    LegalBasis,
    RetentionAction,
    RetentionPolicy,
    RetentionRun,
)
from .transitions import DSR_MACHINE

# Higher apps may add what they hold on a person to the export (a lower floor
# never imports them): ``register_personal_data_provider("campaigns", fn)``
# where ``fn(team, subject_ref) -> list[dict]``.
PersonalDataProvider = Callable[[Team, str], list[dict]]
_PROVIDERS: dict[str, PersonalDataProvider] = {}


def register_personal_data_provider(name: str, provider: PersonalDataProvider) -> None:
    _PROVIDERS[name] = provider


# Higher apps that hold personal data of a category enforce its retention
# themselves: ``register_retention_handler("signals", DataCategory.BEHAVIOUR, fn)``
# where ``fn(action=…, cutoff=…, now=…) -> int`` deletes or anonymises the rows
# older than ``cutoff`` and returns how many it changed. Privacy owns the
# policies and the run log; it never touches another app's tables.
RetentionHandler = Callable[..., int]
_RETENTION_HANDLERS: dict[str, tuple[str, RetentionHandler]] = {}


def register_retention_handler(
    name: str, data_category: str, handler: RetentionHandler
) -> None:
    _RETENTION_HANDLERS[name] = (data_category, handler)


# The longest text each field holds; longer input is refused with the limit, never cut.
TEXT_LIMITS = {
    "subject_ref": 120,
    "subject_name": 120,
    "subject_phone": 32,
    "subject_id_number": 32,
    "purpose": 200,
    "notice_version": 60,
    "channel": 60,
    "details": 5000,
    "refusal_reason": 5000,
}
# When a consent or a request can have happened: never before the ledger's era,
# never in the future beyond clock skew. (A year-1 date would also overflow the
# time-zone conversion on its way to the database.)
EARLIEST_YEAR = 1970
CLOCK_SKEW = datetime.timedelta(days=1)


def _length_errors(**values: object) -> dict[str, str]:
    """A field error for each text longer than its ``TEXT_LIMITS`` entry, naming the limit."""
    errors = {}
    for name, value in values.items():
        limit = TEXT_LIMITS[name]
        if isinstance(value, str) and len(value.strip()) > limit:
            errors[name] = _("Keep this to %(max)s characters (it has %(count)s).") % {
                "max": limit, "count": len(value.strip()),
            }
    return errors


def _moment_errors(field: str, value: datetime.datetime | None) -> dict[str, str]:
    if value is None:
        return {}
    latest = timezone.now() + CLOCK_SKEW
    if value.year < EARLIEST_YEAR or value > latest:
        return {field: _("Enter a date and time between %(first)s and today.") % {
            "first": EARLIEST_YEAR}}
    return {}


def _require(actor: User | None, team: Team, capability: str) -> None:
    if actor is not None and not user_can(actor, team, capability):
        raise PermissionDenied(_("You may not change the privacy ledger of this team."))


def add_working_days(start: datetime.date, days: int) -> datetime.date:
    """``days`` working days (Mon–Fri) after ``start``; public holidays are not modelled."""
    current = start
    added = 0
    while added < days:
        current += datetime.timedelta(days=1)
        if current.weekday() < 5:
            added += 1
    return current


def dsr_due_date(received: datetime.date) -> datetime.date:
    """Response deadline: ``DSR_DUE_WORKING_DAYS`` working days (GB/T 35273 practice: 15)."""
    return add_working_days(received, int(getattr(settings, "DSR_DUE_WORKING_DAYS", 15)))


# --- consent (PIPL Arts. 13-17, 23, 29, 31, 39) -------------------------------

def resident_id_number_problem(number: str) -> str:
    """Why ``number`` is not a resident ID number (checksum, birth date), or ""."""
    if pii.resident_id_valid(number.strip()):
        return ""
    return _("Enter a valid 18-character resident ID number.")


def personal_detail_errors(phone: str | None, id_number: str | None) -> dict[str, str]:
    """Format errors of a phone and a resident ID number; blank or None is fine."""
    errors = {}
    if phone and phone.strip() and not pii.is_phone_number(phone):
        errors["subject_phone"] = _(
            "Enter a phone number: 7 to 15 digits, with spaces or hyphens between them "
            "and an optional + in front."
        )
    if id_number and id_number.strip():
        problem = resident_id_number_problem(id_number)
        if problem:
            errors["subject_id_number"] = problem
    return errors


def consent_record_create(
    *,
    actor: User | None,
    team: Team,
    subject_ref: str,
    purpose: str,
    data_categories: list[str],
    notice_version: str,
    channel: str,
    consented_at: datetime.datetime | None = None,
    legal_basis: str = LegalBasis.CONSENT,
    subject_name: str = "",
    subject_phone: str = "",
    subject_id_number: str = "",
    sensitive_consent: bool = False,
    sharing_consent: bool = False,
    cross_border_consent: bool = False,
    guardian_consent: bool = False,
) -> ConsentRecord:
    """Record one person's consent for one purpose, with the notice version they saw."""
    _require(actor, team, "privacy.edit")
    errors = {}
    for field, value in (("subject_ref", subject_ref), ("purpose", purpose),
                         ("notice_version", notice_version), ("channel", channel)):
        if not (value or "").strip():
            errors[field] = _("This field is required.")
    if (not isinstance(data_categories, list) or not data_categories
            or any(c not in DataCategory.values for c in data_categories)):
        errors["data_categories"] = _("Choose one or more of: %(known)s.") % {
            "known": ", ".join(DataCategory.values)}
    if legal_basis not in LegalBasis.values:
        errors["legal_basis"] = _("Unknown legal basis.")
    if (isinstance(data_categories, list) and DataCategory.SENSITIVE in data_categories
            and not sensitive_consent and legal_basis == LegalBasis.CONSENT):
        errors["sensitive_consent"] = _(
            "Sensitive personal information needs a separate consent (PIPL Art. 29)."
        )
    errors.update(personal_detail_errors(subject_phone, subject_id_number))
    errors.update(_length_errors(
        subject_ref=subject_ref, purpose=purpose, notice_version=notice_version,
        channel=channel, subject_name=subject_name, subject_phone=subject_phone,
        subject_id_number=subject_id_number,
    ))
    errors.update(_moment_errors("consented_at", consented_at))
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        record = ConsentRecord.objects.create(
            team=team, subject_ref=subject_ref.strip(), purpose=purpose.strip(),
            data_categories=sorted(set(data_categories)), legal_basis=legal_basis,
            notice_version=notice_version.strip(), channel=channel.strip(),
            consented_at=consented_at or timezone.now(), subject_name=subject_name.strip(),
            subject_phone=subject_phone.strip(), subject_id_number=subject_id_number.strip(),
            sensitive_consent=sensitive_consent, sharing_consent=sharing_consent,
            cross_border_consent=cross_border_consent, guardian_consent=guardian_consent,
            created_by=actor,
        )
        audit_record(
            actor=actor, action="privacy.consent", target=record, team=team,
            summary=gettext_noop("Consent recorded for purpose “%(purpose)s”"),
            data={"purpose": record.purpose},
        )
    return record


def consent_withdraw(
    *, actor: User | None, record: ConsentRecord, channel: str = "",
) -> ConsentRecord:
    """Withdraw a consent (PIPL Art. 15); withdrawing twice keeps the first time."""
    _require(actor, record.team, "privacy.edit")
    errors = _length_errors(channel=channel)
    if errors:
        raise ValidationError(errors)
    if record.withdrawn_at is not None:
        return record
    with transaction.atomic():
        record.withdrawn_at = timezone.now()
        record.withdrawal_channel = (channel or "").strip()
        record.save(update_fields=["withdrawn_at", "withdrawal_channel"])
        audit_record(
            actor=actor, action="privacy.withdraw", target=record,
            summary=gettext_noop("Consent withdrawn for purpose “%(purpose)s”"),
            data={"purpose": record.purpose},
        )
    return record


def consent_correct(
    *, actor: User, record: ConsentRecord, subject_name: str | None = None,
    subject_phone: str | None = None, subject_id_number: str | None = None,
) -> ConsentRecord:
    """Correct a person's details (PIPL Art. 46); the audit row names the fields, not values."""
    _require(actor, record.team, "privacy.edit")
    if not user_can(actor, record.team, "privacy.view_personal"):
        raise PermissionDenied(_("Only roles that may see personal data may correct it."))
    if record.anonymised_at is not None:
        raise ValidationError({"subject_ref": _("This record has been anonymised.")})
    errors = personal_detail_errors(subject_phone, subject_id_number)
    errors.update(_length_errors(
        subject_name=subject_name, subject_phone=subject_phone,
        subject_id_number=subject_id_number,
    ))
    if errors:
        raise ValidationError(errors)
    changes = {
        field: value.strip()
        for field, value in (("subject_name", subject_name), ("subject_phone", subject_phone),
                             ("subject_id_number", subject_id_number))
        if value is not None and value.strip() != getattr(record, field)
    }
    if not changes:
        return record
    with transaction.atomic():
        for field, value in changes.items():
            setattr(record, field, value)
        record.save(update_fields=list(changes))
        audit_record(
            actor=actor, action="privacy.correct", target=record,
            summary=gettext_noop("Personal details corrected: %(fields)s"),
            data={"fields": ", ".join(sorted(changes))},
        )
    return record


# --- data-subject requests (PIPL Arts. 44-47) ------------------------------

def dsr_create(
    *, actor: User | None, team: Team, subject_ref: str, kind: str,
    details: str = "", received_at: datetime.datetime | None = None,
) -> DataSubjectRequest:
    _require(actor, team, "privacy.edit")
    errors = {}
    if not (subject_ref or "").strip():
        errors["subject_ref"] = _("This field is required.")
    if kind not in DSRKind.values:
        errors["kind"] = _("Unknown request kind.")
    errors.update(_length_errors(subject_ref=subject_ref, details=details))
    errors.update(_moment_errors("received_at", received_at))
    if errors:
        raise ValidationError(errors)
    received_at = received_at or timezone.now()
    with transaction.atomic():
        request = DataSubjectRequest.objects.create(
            team=team, subject_ref=subject_ref.strip(), kind=kind, details=(details or "").strip(),
            received_at=received_at, due_date=dsr_due_date(timezone.localdate(received_at)),
        )
        audit_record(
            actor=actor, action="privacy.dsr", target=request, team=team,
            summary=gettext_noop("Data-subject request (%(kind)s) received"), data={"kind": kind},
        )
    return request


def dsr_set_status(
    *, actor: User, request: DataSubjectRequest, status: str,
    refusal_reason: str = "",
) -> DataSubjectRequest:
    """Move a request along ``DSR_MACHINE``; completing a deletion request erases the data.

    Completed and refused are final, so the erasure runs once however often
    the request is submitted. Refusing needs a reason (PIPL Art. 50).
    """
    _require(actor, request.team, "privacy.edit")
    errors = _length_errors(refusal_reason=refusal_reason)
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        # Locked and read afresh: two people completing at once erase only once.
        current = DataSubjectRequest.objects.select_for_update().get(pk=request.pk)
        DSR_MACHINE.check(actor=actor, team=request.team_id, source=current.status,
                          target=status)
        if status == DSRStatus.REFUSED and not (refusal_reason or "").strip():
            raise ValidationError({"refusal_reason": _("Give the reason for refusing.")})
        if status == DSRStatus.COMPLETED and current.kind == DSRKind.DELETION:
            _erase_subject(request.team, current.subject_ref)
        request.status = status
        request.refusal_reason = (refusal_reason or "").strip()
        request.handled_by = actor
        request.completed_at = (
            timezone.now() if status in (DSRStatus.COMPLETED, DSRStatus.REFUSED) else None
        )
        request.save(update_fields=["status", "refusal_reason", "handled_by", "completed_at"])
        audit_record(
            actor=actor, action="privacy.dsr_status", target=request, reason=refusal_reason,
            summary=gettext_noop("Data-subject request marked %(status)s"),
            data={"from": current.status, "status": status},
        )
    return request


def subject_export(*, team: Team, subject_ref: str) -> dict:
    """Everything the system holds on one person (the access/copy answer, PIPL Art. 45)."""
    consents = ConsentRecord.objects.filter(team=team, subject_ref=subject_ref)
    requests = DataSubjectRequest.objects.filter(team=team, subject_ref=subject_ref)
    data = {
        "subject_ref": subject_ref,
        "team": team.slug,
        "generated_at": timezone.now().isoformat(),
        "consents": [
            {
                "purpose": c.purpose, "data_categories": c.data_categories,
                "legal_basis": c.legal_basis, "notice_version": c.notice_version,
                "channel": c.channel, "consented_at": c.consented_at.isoformat(),
                "name": c.subject_name, "phone": c.subject_phone,
                "id_number": c.subject_id_number,
                "separate_consents": {
                    "sensitive": c.sensitive_consent, "sharing": c.sharing_consent,
                    "cross_border": c.cross_border_consent, "guardian": c.guardian_consent,
                },
                "withdrawn_at": c.withdrawn_at.isoformat() if c.withdrawn_at else None,
            }
            for c in consents
        ],
        "requests": [
            {"kind": r.kind, "status": r.status, "received_at": r.received_at.isoformat(),
             "due_date": r.due_date.isoformat()}
            for r in requests
        ],
    }
    for name, provider in sorted(_PROVIDERS.items()):
        data[name] = provider(team, subject_ref)
    return data


def subject_export_for(
    *, actor: User, request: DataSubjectRequest,
) -> dict:
    """The export for a request; holders of ``privacy.view_personal`` only (it is unmasked)."""
    if not user_can(actor, request.team, "privacy.view_personal"):
        raise PermissionDenied(_("Only roles that may see personal data may export it."))
    data = subject_export(team=request.team, subject_ref=request.subject_ref)
    audit_record(
        actor=actor, action="privacy.export", target=request,
        summary=gettext_noop("Personal data exported for a data-subject request"),
    )
    return data


def _anonymise_consents(queryset, now) -> int:
    count = 0
    for record in queryset:
        record.subject_ref = pii.pseudonym(record.subject_ref)
        record.subject_name = record.subject_phone = record.subject_id_number = ""
        record.anonymised_at = now
        record.save(update_fields=["subject_ref", "subject_name", "subject_phone",
                                   "subject_id_number", "anonymised_at"])
        count += 1
    return count


def _erase_subject(team: Team, subject_ref: str) -> None:
    """Deletion request: personal fields go; the consent facts stay, anonymised (Art. 47)."""
    _anonymise_consents(
        ConsentRecord.objects.filter(team=team, subject_ref=subject_ref), timezone.now()
    )


# --- retention (PIPL Arts. 19, 47) -----------------------------------------

def retention_enforce(
    *, now: datetime.datetime | None = None,
    policies: Iterable[RetentionPolicy] | None = None,
) -> RetentionRun:
    """Delete or anonymise personal data past its category's retention; log one run.

    ``policies`` narrows the run (the beat task runs one policy per task);
    inactive policies are never applied. Idempotent: rows already anonymised
    are skipped, so a rerun changes nothing. A consent expires
    ``retention_days`` after its withdrawal, or after it was given when still
    active; data that other apps registered a handler for, by their own rule.
    """
    now = now or timezone.now()
    policies = RetentionPolicy.objects.filter(is_active=True) if policies is None else [
        p for p in policies if p.is_active
    ]
    run = RetentionRun.objects.create()
    details: dict[str, dict] = {}
    anonymised = deleted = 0
    with transaction.atomic():
        for policy in policies:
            cutoff = now - datetime.timedelta(days=policy.retention_days)
            candidates = ConsentRecord.objects.filter(
                data_categories__contains=[policy.data_category], anonymised_at__isnull=True,
            ) if _json_contains_supported() else ConsentRecord.objects.filter(
                anonymised_at__isnull=True,
            )
            expired = [
                r for r in candidates.filter(consented_at__lt=cutoff)
                if policy.data_category in r.data_categories
                and (r.withdrawn_at or r.consented_at) < cutoff
            ]
            ids = [r.pk for r in expired]
            entry = {"consents": len(ids), "action": policy.action}
            if policy.action == RetentionAction.DELETE:
                deleted += ConsentRecord.objects.filter(pk__in=ids).delete()[1].get(
                    ConsentRecord._meta.label, 0)
            else:
                anonymised += _anonymise_consents(expired, now)
            for name, (category, handler) in sorted(_RETENTION_HANDLERS.items()):
                if category != policy.data_category:
                    continue
                n = handler(action=policy.action, cutoff=cutoff, now=now)
                if policy.action == RetentionAction.DELETE:
                    deleted += n
                else:
                    anonymised += n
                entry[name] = n
            details[policy.data_category] = entry
        run.anonymised_count = anonymised
        run.deleted_count = deleted
        run.details = details
        run.finished_at = timezone.now()
        run.save()
        audit_record(
            actor=None, action="privacy.retention", target=run,
            summary=gettext_noop("Retention run: %(anonymised)s anonymised, %(deleted)s deleted"),
            data={"anonymised": anonymised, "deleted": deleted},
        )
    return run


def _json_contains_supported() -> bool:
    from django.db import connection

    return connection.features.supports_json_field_contains

"""Write side of platforms: accounts, qualification, credentials and connector calls."""

import datetime
import logging
import re
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from teams.jobs import enqueue_on_commit
from teams.models import Membership, Task, Team
from teams.roles import Role
from teams.selectors import teams_where, user_can
from teams.services import audit_record, task_create
from teams.transitions import SYSTEM
from teams.uploads import upload_storage_failed, upload_validate

from .connectors import (
    AuthConnectorError,
    ConnectorError,
    HealthResult,
    PublishContent,
    PublishResult,
    TransientConnectorError,
    connector_for,
)
from .crypto import (
    CredentialsError,
    decrypt_credentials,
    encrypt_credentials,
    rotate_ciphertext,
)
from .models import (
    ConnectorErrorKind,
    ConnectorKind,
    DocumentKind,
    Platform,
    PlatformAccount,
    QualificationDocument,
    VerificationStatus,
)
from .selectors import account_can_publish, account_document_checklist
from .transitions import verification_machine

logger = logging.getLogger("campaignops.platforms")

WECHAT_APP_ID = re.compile(r"^wx[0-9a-f]{16}$")
EXPIRY_WARNING_DAYS = 30
ACCOUNT_FIELDS = ("handle", "external_id", "connector", "enterprise_certificate_number", "owner")
# The longest text each field holds (its column); longer input is refused, never cut.
TEXT_LIMITS = {
    "handle": 120,
    "external_id": 120,
    "enterprise_certificate_number": 80,
    "number": 80,
    "reason": 500,
    "credentials": 500,
}

# Higher apps check the number on a kind of document (a resident ID's checksum is
# compliance.privacy's to know): ``register_document_number_check(kind, fn)``,
# where ``fn(number)`` returns an error message, or "" when the number is fine.
DocumentNumberCheck = Callable[[str], str]
_NUMBER_CHECKS: dict[str, DocumentNumberCheck] = {}


def register_document_number_check(kind: str, check: DocumentNumberCheck) -> None:
    _NUMBER_CHECKS[kind] = check


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


def _require(actor: User | None, team: Team | int, capability: str) -> None:
    if actor is not None and not user_can(actor, team, capability):
        raise PermissionDenied(_("You may not change platform accounts of this team."))


def _clean_credentials(connector: str, credentials: dict | None) -> dict:
    """Credentials as stored; field errors name the key, never echo the secret."""
    if not credentials:
        return {}
    if not isinstance(credentials, dict):
        raise ValidationError({"credentials": _("Credentials must be an object.")})
    cleaned = {str(k): str(v).strip() for k, v in credentials.items() if str(v).strip()}
    limit = TEXT_LIMITS["credentials"]
    too_long = {
        key: _("Keep this to %(max)s characters (it has %(count)s).") % {
            "max": limit, "count": len(value)}
        for key, value in cleaned.items() if len(value) > limit
    }
    if too_long:
        raise ValidationError(too_long)
    if connector == ConnectorKind.WECHAT_OFFICIAL_ACCOUNT:
        errors = {}
        if not WECHAT_APP_ID.match(cleaned.get("app_id", "")):
            errors["app_id"] = _("A WeChat app id is “wx” followed by 16 hexadecimal characters.")
        if not cleaned.get("app_secret"):
            errors["app_secret"] = _("The WeChat app secret is required.")
        if errors:
            raise ValidationError(errors)
    if connector == ConnectorKind.WEIBO:
        _clean_weibo_credentials(cleaned)
    return cleaned


def _clean_weibo_credentials(cleaned: dict) -> None:
    errors = {}
    if not cleaned.get("access_token"):
        errors["access_token"] = _("The Weibo access token is required.")
    if cleaned.get("refresh_token") and not (cleaned.get("app_key") and cleaned.get("app_secret")):
        message = _("Renewing a Weibo token needs the app key and app secret as well.")
        errors.update({"app_key": message, "app_secret": message})
    if errors:
        raise ValidationError(errors)


def _missing_weibo_credentials() -> dict:
    return {"access_token": _("The Weibo connector needs the account's OAuth2 access token.")}


def _has_weibo_credentials(account: PlatformAccount) -> bool:
    try:
        stored = decrypt_credentials(account.credentials_ciphertext)
    except CredentialsError:
        return False
    return bool(stored.get("access_token"))


def _missing_wechat_credentials() -> dict:
    message = _("The WeChat connector needs the app id and app secret of the Official Account.")
    return {"app_id": message, "app_secret": message}


def _has_wechat_credentials(account: PlatformAccount) -> bool:
    try:
        stored = decrypt_credentials(account.credentials_ciphertext)
    except CredentialsError:
        return False
    return bool(WECHAT_APP_ID.match(stored.get("app_id", "")) and stored.get("app_secret"))


def _validate_account(*, platform: Platform | None, connector: str, handle: str) -> None:
    errors = {}
    if platform is None:
        errors["platform"] = _("Unknown platform.")
    if connector not in ConnectorKind.values:
        errors["connector"] = _("Unknown connector.")
    elif (
        connector == ConnectorKind.WECHAT_OFFICIAL_ACCOUNT
        and platform is not None
        and platform.code != "wechat_oa"
    ):
        errors["connector"] = _("The WeChat Official Account connector only serves WeChat Official Accounts.")
    elif connector == ConnectorKind.WEIBO and platform is not None and platform.code != "weibo":
        errors["connector"] = _("The Weibo connector only serves Weibo accounts.")
    if not handle.strip():
        errors["handle"] = _("An account needs a handle.")
    if errors:
        raise ValidationError(errors)


def _validate_account_text(**values: object) -> None:
    errors = _length_errors(**values)
    if errors:
        raise ValidationError(errors)


def _team_for_new_account(actor: User | None, team: Team | None) -> Team:
    """The team named, else the one team where the actor may edit accounts."""
    if team is not None:
        return team
    if actor is not None:
        editable = teams_where(actor, "platform_account.edit")
        if len(editable) == 1:
            return editable[0]
    raise ValidationError({"team": _("Say which team the account belongs to.")})


def account_create(
    *,
    actor: User | None,
    team: Team | None = None,
    platform: Platform | None,
    handle: str,
    connector: str = ConnectorKind.SANDBOX,
    external_id: str = "",
    enterprise_certificate_number: str = "",
    owner: User | None = None,
    credentials: dict | None = None,
) -> PlatformAccount:
    """Register a team's account on a platform; credentials are stored encrypted.

    Without ``team`` the account goes to the one team where the actor may edit
    accounts; with none or several such teams, ``team`` is a field error.
    Whichever door is used, the same team is chosen.
    """
    team = _team_for_new_account(actor, team)
    _require(actor, team, "platform_account.edit")
    _validate_account(platform=platform, connector=connector, handle=handle)
    assert platform is not None  # _validate_account refused a missing platform
    _validate_account_text(
        handle=handle, external_id=external_id,
        enterprise_certificate_number=enterprise_certificate_number,
    )
    cleaned = _clean_credentials(connector, credentials)
    if connector == ConnectorKind.WECHAT_OFFICIAL_ACCOUNT and not cleaned:
        raise ValidationError(_missing_wechat_credentials())
    if connector == ConnectorKind.WEIBO and not cleaned:
        raise ValidationError(_missing_weibo_credentials())
    if PlatformAccount.objects.filter(team=team, platform=platform, handle=handle.strip()).exists():
        raise ValidationError({"handle": _("This team already has an account with this handle.")})
    with transaction.atomic():
        account = PlatformAccount.objects.create(
            team=team, platform=platform, handle=handle.strip(), connector=connector,
            external_id=external_id, enterprise_certificate_number=enterprise_certificate_number,
            owner=owner or actor, credentials_ciphertext=encrypt_credentials(cleaned),
        )
        audit_record(
            actor=actor, action="platform_account.create", target=account, team=team,
            summary=gettext_noop("Account %(handle)s on %(platform)s added"),
            data={"handle": account.handle, "platform": platform.code},
        )
    return account


def account_update(
    *,
    actor: User | None,
    account: PlatformAccount,
    credentials: dict | None = None,
    **changes,
) -> PlatformAccount:
    """Change an account's details; new credentials replace the old (write-only).

    The team and platform of an account never change: naming the ones it has is
    accepted, naming others is a field error.
    """
    _require(actor, account.team_id, "platform_account.edit")
    errors: dict[str, str] = {}
    for immutable in ("team", "platform"):
        if immutable not in changes:
            continue
        value = changes.pop(immutable)
        current = getattr(account, f"{immutable}_id")
        if value is not None and getattr(value, "pk", value) != current:
            errors[immutable] = _("This cannot change; create a new account.")
    unknown = set(changes) - set(ACCOUNT_FIELDS)
    errors.update({name: _("This field cannot be changed here.") for name in unknown})
    if errors:
        raise ValidationError(errors)
    connector = changes.get("connector", account.connector)
    handle = changes.get("handle", account.handle)
    _validate_account(platform=account.platform, connector=connector, handle=handle)
    _validate_account_text(**{
        name: changes[name] for name in ("handle", "external_id", "enterprise_certificate_number")
        if name in changes
    })
    cleaned = _clean_credentials(connector, credentials) if credentials else None
    if (
        connector == ConnectorKind.WECHAT_OFFICIAL_ACCOUNT
        and account.connector != ConnectorKind.WECHAT_OFFICIAL_ACCOUNT
        and not cleaned
        and not _has_wechat_credentials(account)
    ):
        # Switching to the real connector needs an app id and secret on file.
        # (A WeChat account already without them may still be edited: it
        # cannot publish, and account_can_publish says why.)
        raise ValidationError(_missing_wechat_credentials())
    if (
        connector == ConnectorKind.WEIBO
        and account.connector != ConnectorKind.WEIBO
        and not cleaned
        and not _has_weibo_credentials(account)
    ):
        raise ValidationError(_missing_weibo_credentials())
    if (
        "handle" in changes
        and PlatformAccount.objects.filter(
            team_id=account.team_id, platform_id=account.platform_id, handle=handle.strip()
        ).exclude(pk=account.pk).exists()
    ):
        raise ValidationError({"handle": _("This team already has an account with this handle.")})
    with transaction.atomic():
        for name, value in changes.items():
            setattr(account, name, value.strip() if isinstance(value, str) else value)
        if cleaned:
            account.credentials_ciphertext = encrypt_credentials(cleaned)
            # New credentials deserve a new chance.
            account.needs_reconnection = False
        account.save()
        audit_record(
            actor=actor, action="platform_account.update", target=account,
            summary=gettext_noop("Account details changed (%(fields)s)"),
            data={"fields": ", ".join(sorted(changes) + (["credentials"] if cleaned else []))},
        )
    return account


def account_delete(*, actor: User | None, account: PlatformAccount) -> None:
    _require(actor, account.team_id, "platform_account.edit")
    with transaction.atomic():
        audit_record(
            actor=actor, action="platform_account.delete", team=account.team,
            summary=gettext_noop("Account %(handle)s on %(platform)s removed"),
            data={"handle": account.handle, "platform": account.platform.code},
        )
        account.delete()


def account_set_verification(
    *,
    actor: User | None,
    account: PlatformAccount,
    status: str,
    verified_on: datetime.date | None = None,
    certification_expires_on: datetime.date | None = None,
    reason: str = "",
) -> PlatformAccount:
    """Move the account's verification status (S2.2.2), only as ``verification_machine`` allows.

    An illegal move is a ``verification_status`` field error and a move the
    actor's role may not make is ``PermissionDenied``; either way nothing
    changes. The dates are recorded with a move to verified, ignored otherwise;
    a certification cannot expire before the day it was verified.
    """
    length = _length_errors(reason=reason)
    if length:
        raise ValidationError(length)
    with transaction.atomic():
        current = (
            PlatformAccount.objects.select_for_update()
            .values_list("verification_status", flat=True).get(pk=account.pk)
        )
        verification_machine.check(
            actor=actor, team=account.team_id, source=current, target=status
        )
        verified = verified_on or timezone.localdate()
        if status == VerificationStatus.VERIFIED and certification_expires_on is not None:
            if certification_expires_on < timezone.localdate():
                raise ValidationError({
                    "certification_expires_on": _("The certification expiry date is in the past.")
                })
            if certification_expires_on < verified:
                raise ValidationError({"certification_expires_on": _(
                    "The certification cannot expire before the day it was verified "
                    "(%(verified)s)."
                ) % {"verified": date_format(verified, "DATE_FORMAT")}})
        account.verification_status = status
        # The dates are the platform's verdict: recorded with "verified" only.
        if status == VerificationStatus.VERIFIED:
            account.verified_on = verified
            if certification_expires_on is not None:
                account.certification_expires_on = certification_expires_on
        account.save(
            update_fields=["verification_status", "verified_on", "certification_expires_on"]
        )
        audit_record(
            actor=actor, action="platform_account.verification", target=account, reason=reason,
            summary=gettext_noop("Verification status %(from)s → %(to)s"),
            data={"from": current, "to": status},
        )
    return account


def document_add(
    *,
    actor: User | None,
    account: PlatformAccount,
    kind: str,
    expires_on: datetime.date | None,
    number: str = "",
    issued_on: datetime.date | None = None,
    file=None,
) -> QualificationDocument:
    """File a qualification document; a new document must not already be expired.

    A file is checked before anything is stored (``teams.uploads``: size cap,
    PDF, JPEG, PNG or WebP by content); it is stored under a name of our own
    with the type found, which is the type it is later downloaded with. A number
    on a kind with a registered check (a resident ID) must pass it.
    """
    _require(actor, account.team_id, "platform_account.edit")
    errors = _length_errors(number=number)
    if kind not in DocumentKind.values:
        errors["kind"] = _("Unknown document kind.")
    elif number.strip() and kind in _NUMBER_CHECKS and "number" not in errors:
        problem = _NUMBER_CHECKS[kind](number.strip())
        if problem:
            errors["number"] = problem
    if expires_on is None:
        # Every qualification document is valid until a date (S2.2.2).
        errors["expires_on"] = _("Enter the date the document expires.")
    elif expires_on < timezone.localdate():
        errors["expires_on"] = _("The expiry date is in the past: file a valid document.")
    if issued_on and expires_on and issued_on > expires_on:
        errors["issued_on"] = _("The issue date is after the expiry date.")
    checked = None
    if file is not None:
        try:
            checked = upload_validate(file, field="file")
        except ValidationError as exc:
            errors.update({key: value[0] for key, value in exc.message_dict.items()})
    if errors:
        raise ValidationError(errors)
    assert expires_on is not None  # a missing expiry date is a field error above
    try:
        with transaction.atomic():
            document = QualificationDocument(
                account=account, kind=kind, number=number.strip(), issued_on=issued_on,
                expires_on=expires_on,
                uploaded_by=actor if actor and actor.is_authenticated else None,
            )
            if file is not None and checked is not None:
                # The uploader's file name is a claim: the stored name says what was found.
                file.name = f"{kind}-{uuid.uuid4().hex[:16]}.{checked.extension}"
                document.file = file
                document.content_type = checked.content_type
            document.save()
            audit_record(
                actor=actor, action="platform_account.document", target=account,
                summary=gettext_noop("Document %(kind)s filed, valid until %(expires)s"),
                data={"kind": kind, "expires": expires_on.isoformat()},
            )
    except OSError as exc:
        # The file is stored before the row is written: no row, no partial file.
        raise upload_storage_failed(exc) from exc
    return document


# -- connector calls -----------------------------------------------------------


def account_record_connector_error(*, account: PlatformAccount, error: ConnectorError) -> None:
    """Remember a connector failure; an auth failure flags the account for reconnection.

    Only the error's class and the platform's code are stored (and so kept in the
    history table and shown in admin): a platform's message may echo the request,
    secret included, so none of its text is kept.
    """
    now = timezone.now()
    code = str(error.code if error.code is not None else "")[:40]
    account.last_error = connector_error_label(type(error).__name__, code)
    account.last_error_kind = error.kind
    account.last_error_code = code
    account.last_error_at = now
    fields = ["last_error", "last_error_kind", "last_error_code", "last_error_at"]
    account.save(update_fields=fields)
    if isinstance(error, AuthConnectorError):
        account_mark_needs_reconnection(account=account, error=error)
    logger.warning(
        "Connector error account=%s kind=%s code=%s", account.pk, type(error).__name__, error.code
    )


def connector_error_label(class_name: str, code: str = "") -> str:
    """What ``last_error`` holds: the error's class and the platform's code, no text."""
    return f"{class_name} (code {code})" if code else class_name


def account_mark_needs_reconnection(
    *, account: PlatformAccount, error: ConnectorError | None = None
) -> PlatformAccount:
    """Flag the account "needs reconnection" (it cannot publish until new credentials
    arrive), recording the error's kind and code — never the platform's text.

    Idempotent: an account already flagged is left as it is, with no second audit row.
    """
    code = str(error.code if error is not None and error.code is not None else "")[:40]
    with transaction.atomic():
        updated = PlatformAccount.objects.filter(pk=account.pk, needs_reconnection=False).update(
            needs_reconnection=True, last_error_kind=ConnectorErrorKind.AUTH,
            last_error_code=code, last_error_at=timezone.now(),
        )
        account.refresh_from_db(
            fields=["needs_reconnection", "last_error_kind", "last_error_code", "last_error_at"]
        )
        if updated:
            audit_record(
                actor=None, action="platform_account.needs_reconnection", target=account,
                summary=gettext_noop(
                    "The platform rejected the credentials: reconnect the account"
                ),
                data={"code": code},
            )
    return account


def account_record_sync(*, account: PlatformAccount, token_expires_at=None) -> None:
    """Remember a successful call: the connection works.

    A routine success is a heartbeat, written without a history row (a pull every
    few minutes would otherwise bury the account's real changes); a success that
    clears a reconnection flag or brings a new token expiry is a change and is
    saved with its history."""
    changes: dict[str, object] = {"last_sync_at": timezone.now()}
    if token_expires_at is not None and token_expires_at != account.token_expires_at:
        changes["token_expires_at"] = token_expires_at
    if account.needs_reconnection:
        changes["needs_reconnection"] = False
    for name, value in changes.items():
        setattr(account, name, value)
    if len(changes) == 1:
        PlatformAccount.objects.filter(pk=account.pk).update(**changes)
    else:
        account.save(update_fields=list(changes))


def account_request_health_check(
    *, actor: User, account: PlatformAccount
) -> PlatformAccount:
    """Start a connection check in the background; the account shows it under way until it ends.

    Anyone who sees the account may ask. The check itself runs in
    ``account_health_sync_task`` once this transaction has committed.
    """
    from .tasks import account_health_sync_task  # tasks call these services

    if not user_can(actor, account.team_id, "view"):
        raise PermissionDenied(_("You may not check this account."))
    with transaction.atomic():
        account.health_check_requested_at = timezone.now()
        account.save(update_fields=["health_check_requested_at"])
        enqueue_on_commit(account_health_sync_task, account.pk)
    return account


def _finish_health_check(account: PlatformAccount, *, ok: bool) -> None:
    account.last_checked_at = timezone.now()
    account.last_check_ok = ok
    account.save(update_fields=["last_checked_at", "last_check_ok"])


def account_health_check(
    *, account: PlatformAccount, retry_transient: bool = False
) -> HealthResult | None:
    """Ask the connector whether the connection works and record the answer on the account.

    Every failure is recorded on the account (an auth failure flags it for
    reconnection). A transient failure is raised again when ``retry_transient``
    — the check stays under way for the caller to retry later; otherwise, and
    for auth and permanent failures, the check ends failed and None is returned.
    """
    try:
        result = connector_for(account).health_check()
    except TransientConnectorError as exc:
        account_record_connector_error(account=account, error=exc)
        if retry_transient:
            raise
        _finish_health_check(account, ok=False)
        return None
    except ConnectorError as exc:
        account_record_connector_error(account=account, error=exc)
        _finish_health_check(account, ok=False)
        return None
    account_record_sync(account=account, token_expires_at=result.token_expires_at)
    _finish_health_check(account, ok=True)
    return result


def account_publish(
    *, actor: User | None, account: PlatformAccount, content: PublishContent
) -> PublishResult:
    """Publish through the account's connector, only when the account may publish.

    Raises ``ValidationError`` when the account is not qualified and the typed
    connector error otherwise; an auth failure flags the account and nothing is
    reported as published.
    """
    if actor is not None and not user_can(actor, account.team_id, "content.publish"):
        raise PermissionDenied(_("You may not publish for this team."))
    allowed, reasons = account_can_publish(account)
    if not allowed:
        raise ValidationError({"account": reasons})
    try:
        result = connector_for(account).publish(content)
    except ConnectorError as exc:
        account_record_connector_error(account=account, error=exc)
        raise
    account_record_sync(account=account)
    return result


# -- expiry and rotation ---------------------------------------------------------


def _expiry_recipients(account: PlatformAccount) -> list[User]:
    managers = [
        m.user for m in Membership.objects.filter(
            team_id=account.team_id, role=Role.MANAGER
        ).select_related("user")
    ]
    people = ([account.owner] if account.owner is not None else []) + managers
    return list({user.pk: user for user in people}.values())


def _lapsing(
    account: PlatformAccount, today: datetime.date
) -> list[tuple[str, str, datetime.date]]:
    """(code, label, date) of what lapses: the certification and each required document."""
    lapsing = []
    if account.certification_expires_on:
        lapsing.append(
            ("certification", _("enterprise certification"), account.certification_expires_on)
        )
    for row in account_document_checklist(account, today):
        if row.document is not None and row.document.expires_on:
            lapsing.append((row.kind, row.label, row.document.expires_on))
    return lapsing


def account_check_expiry(*, account_id: int, today: datetime.date) -> dict[str, int]:
    """Warn 30 days before an account's qualification lapses; mark it expired once it has.

    Idempotent: each warning is one task per (account, what lapses, date,
    recipient), handed out once whatever became of it; an account already
    expired stays as it is. Unverified, pending and rejected accounts keep the
    status that says more than "expired".
    """
    account = (
        PlatformAccount.objects.select_related("platform", "team", "owner")
        .prefetch_related("documents").filter(pk=account_id).first()
    )
    if account is None:
        logger.info("Expiry check: account %s no longer exists", account_id)
        return {"warned": 0, "expired": 0}
    expired = 0
    with translation.override(settings.LANGUAGE_CODE), transaction.atomic():
        lapsing = _lapsing(account, today)
        current = (
            PlatformAccount.objects.select_for_update()
            .values_list("verification_status", flat=True).get(pk=account.pk)
        )
        has_lapsed = any(date < today for _code, _label, date in lapsing)
        if has_lapsed and current == VerificationStatus.VERIFIED:
            verification_machine.check(
                actor=SYSTEM, team=account.team_id, source=current,
                target=VerificationStatus.EXPIRED,
            )
            account.verification_status = VerificationStatus.EXPIRED
            account.save(update_fields=["verification_status"])
            audit_record(
                actor=None, action="platform_account.expired", target=account,
                summary=gettext_noop("Qualification lapsed: status %(from)s → %(to)s"),
                data={"from": current, "to": VerificationStatus.EXPIRED},
            )
            expired = 1
        horizon = today + datetime.timedelta(days=EXPIRY_WARNING_DAYS)
        recipients = _expiry_recipients(account)
        warnings = {
            f"platform-expiry:{account.pk}:{code}:{date.isoformat()}:{person.pk}":
                (label, date, person)
            for code, label, date in lapsing if today <= date <= horizon
            for person in recipients
        }
        # Read only to report how many are new; the unique key is what de-duplicates.
        known = set(
            Task.objects.filter(dedup_key__in=list(warnings)).values_list("dedup_key", flat=True)
        )
        for key, (label, date, person) in warnings.items():
            task_create(
                team=account.team, owner=person, due_date=date, source=account, dedup_key=key,
                title=_("Renew %(what)s of %(account)s before %(date)s") % {
                    "what": label, "account": str(account), "date": date.isoformat(),
                },
            )
        warned = len(warnings.keys() - known)
    return {"warned": warned, "expired": expired}


@dataclass
class RotationReport:
    rotated: int = 0
    # (account id, account label) of every account whose credentials no key reads.
    failed: list[tuple[int, str]] = field(default_factory=list)


def credentials_rotate_all() -> RotationReport:
    """Re-encrypt every stored credential with the newest key, one account at a time.

    An account whose ciphertext no configured key can read is reported and
    skipped; the others are rotated and committed regardless.
    """
    report = RotationReport()
    ids = list(
        PlatformAccount.objects.exclude(credentials_ciphertext="")
        .order_by("pk").values_list("pk", flat=True)
    )
    for pk in ids:
        with transaction.atomic():
            account = (
                PlatformAccount.objects.select_for_update().select_related("platform")
                .filter(pk=pk).first()
            )
            if account is None or not account.credentials_ciphertext:
                continue
            try:
                account.credentials_ciphertext = rotate_ciphertext(account.credentials_ciphertext)
            except CredentialsError:
                logger.error("Credentials of account %s cannot be decrypted; not rotated", pk)
                report.failed.append((pk, f"{account.platform.code} · {account.handle}"))
                continue
            account.save(update_fields=["credentials_ciphertext"])
            report.rotated += 1
    return report

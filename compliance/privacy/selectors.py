"""Read side of the privacy ledger, with masking of personal fields (S3.1.3)."""

import re

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import QuerySet

from teams.models import Team
from teams.selectors import scope_to_user_teams, teams_visible_to, user_can

from .models import ConsentRecord, DataSubjectRequest, RetentionPolicy, RetentionRun


def mask_phone(value: str) -> str:
    """138****5678: keep the first 3 and last 4 digits of a mobile number."""
    digits = re.sub(r"\D", "", value or "")
    if len(digits) < 7:
        return "*" * len(digits)
    return f"{digits[:3]}{'*' * (len(digits) - 7)}{digits[-4:]}"


def mask_id_number(value: str) -> str:
    """Resident ID: keep the first 6 and last 4 characters (RULES.md)."""
    value = (value or "").strip()
    if len(value) <= 10:
        return "*" * len(value)
    return f"{value[:6]}{'*' * (len(value) - 10)}{value[-4:]}"


def mask_name(value: str) -> str:
    """张三 → 张*, 欧阳娜娜 → 欧**娜, Alice → A****."""
    value = (value or "").strip()
    if len(value) <= 1:
        return value
    if len(value) == 2 or not all("\u4e00" <= ch <= "\u9fff" for ch in value):
        return value[0] + "*" * (len(value) - 1)
    return value[0] + "*" * (len(value) - 2) + value[-1]


_PHONE_OR_ID = re.compile(r"^(?:\+?86)?1[3-9]\d{9}$|^\d{17}[\dXx]$")
_EMAIL = re.compile(r"^([^@\s]+)@([^@\s]+)$")


def mask_email(value: str) -> str:
    """zhang.san@example.com → z***@example.com: the domain stays, the person goes."""
    match = _EMAIL.match((value or "").strip())
    if not match:
        return mask_identifier(value)
    return f"{match.group(1)[0]}***@{match.group(2)}"


def mask_identifier(value: str) -> str:
    """Any other identifier: keep a short prefix and suffix, hide the middle.

    member-1002 → me*******02, u-77 → u**7; two characters or fewer are all hidden.
    """
    value = (value or "").strip()
    if len(value) <= 2:
        return "*" * len(value)
    keep = 1 if len(value) <= 6 else 2
    return f"{value[:keep]}{'*' * (len(value) - 2 * keep)}{value[-keep:]}"


def mask_subject_ref(value: str) -> str:
    """A subject identifier as a reader without ``privacy.view_personal`` sees it (S3.1.3).

    Identifiers are meant to be pseudonymous, but in practice they are often a phone
    number, an ID number or an email address: each is masked in its usual form, and
    anything else keeps only a short prefix and suffix.
    """
    compact = re.sub(r"[\s-]", "", value or "")
    if _PHONE_OR_ID.match(compact):
        return mask_id_number(compact) if len(compact) == 18 else mask_phone(compact)
    if _EMAIL.match((value or "").strip()):
        return mask_email(value)
    return mask_identifier(value)


def can_view_personal(user: AbstractBaseUser, team: Team | int) -> bool:
    return user_can(user, team, "privacy.view_personal")


def personal_fields(user: AbstractBaseUser, record: ConsentRecord) -> dict:
    """Name, phone and ID number of a consent record, masked unless the user may see them."""
    if can_view_personal(user, record.team_id):
        return {"name": record.subject_name, "phone": record.subject_phone,
                "id_number": record.subject_id_number, "subject_ref": record.subject_ref,
                "masked": False}
    return {"name": mask_name(record.subject_name), "phone": mask_phone(record.subject_phone),
            "id_number": mask_id_number(record.subject_id_number),
            "subject_ref": mask_subject_ref(record.subject_ref), "masked": True}


def shown_subject_ref(user: AbstractBaseUser, record) -> str:
    """A record's subject identifier as this user may see it."""
    if can_view_personal(user, record.team_id):
        return record.subject_ref
    return mask_subject_ref(record.subject_ref)


def teams_with_personal_access(user: AbstractBaseUser) -> list[int]:
    """Ids of the visible teams where the user holds ``privacy.view_personal``."""
    return [t.pk for t in teams_visible_to(user) if can_view_personal(user, t)]


def consents_for(user: AbstractBaseUser, *, subject_ref: str = "") -> QuerySet[ConsentRecord]:
    """The user's consent records; ``subject_ref`` narrows them to one data subject.

    Looking a person up by identifier tells whether they are on file, so that filter
    only covers teams where the user holds ``privacy.view_personal`` (S3.1.3).
    """
    qs = scope_to_user_teams(ConsentRecord.objects.select_related("team"), user)
    if subject_ref:
        qs = qs.filter(subject_ref=subject_ref, team_id__in=teams_with_personal_access(user))
    return qs.order_by("-consented_at", "-id")


def consent_get(user: AbstractBaseUser, pk: int) -> ConsentRecord:
    return consents_for(user).get(pk=pk)


def requests_for(user: AbstractBaseUser) -> QuerySet[DataSubjectRequest]:
    return scope_to_user_teams(
        DataSubjectRequest.objects.select_related("team", "handled_by"), user
    ).order_by("due_date", "id")


def request_get(user: AbstractBaseUser, pk: int) -> DataSubjectRequest:
    return requests_for(user).get(pk=pk)


def retention_overview() -> dict:
    return {
        "policies": list(RetentionPolicy.objects.all()),
        "runs": list(RetentionRun.objects.all()[:10]),
    }

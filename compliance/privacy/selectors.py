"""Read side of the privacy ledger, with masking of personal fields (S3.1.3)."""

from django.contrib.auth.models import User
from django.db.models import QuerySet

from teams.models import Team
from teams.selectors import scope_to_user_teams, teams_where, user_can

from .models import ConsentRecord, DataSubjectRequest, RetentionPolicy, RetentionRun
from .pii import mask_id_number, mask_name, mask_phone, mask_subject_ref, mask_text
from .transitions import DSR_MACHINE


def can_view_personal(user: User, team: Team | int) -> bool:
    return user_can(user, team, "privacy.view_personal")


def personal_fields(user: User, record: ConsentRecord) -> dict:
    """Name, phone and ID number of a consent record, masked unless the user may see them."""
    if can_view_personal(user, record.team_id):
        return {"name": record.subject_name, "phone": record.subject_phone,
                "id_number": record.subject_id_number, "subject_ref": record.subject_ref,
                "masked": False}
    return {"name": mask_name(record.subject_name), "phone": mask_phone(record.subject_phone),
            "id_number": mask_id_number(record.subject_id_number),
            "subject_ref": mask_subject_ref(record.subject_ref), "masked": True}


def shown_subject_ref(user: User, record) -> str:
    """A record's subject identifier as this user may see it."""
    if can_view_personal(user, record.team_id):
        return record.subject_ref
    return mask_subject_ref(record.subject_ref)


def teams_with_personal_access(user: User) -> list[int]:
    """Ids of the visible teams where the user holds ``privacy.view_personal``."""
    return [t.pk for t in teams_where(user, "privacy.view_personal")]


def consents_for(user: User, *, subject_ref: str = "") -> QuerySet[ConsentRecord]:
    """The user's consent records; ``subject_ref`` narrows them to one data subject.

    Looking a person up by identifier tells whether they are on file, so that filter
    only covers teams where the user holds ``privacy.view_personal`` (S3.1.3).
    """
    qs = scope_to_user_teams(ConsentRecord.objects.select_related("team"), user)
    if subject_ref:
        qs = qs.filter(subject_ref=subject_ref, team_id__in=teams_with_personal_access(user))
    return qs.order_by("-consented_at", "-id")


def consent_get(user: User, pk: int) -> ConsentRecord:
    return consents_for(user).get(pk=pk)


def requests_for(
    user: User, *, subject_ref: str = ""
) -> QuerySet[DataSubjectRequest]:
    """The user's data-subject requests; ``subject_ref`` narrows them to one data subject,
    in the teams where the user holds ``privacy.view_personal`` (as ``consents_for``)."""
    qs = scope_to_user_teams(
        DataSubjectRequest.objects.select_related("team", "handled_by"), user
    )
    if subject_ref:
        qs = qs.filter(subject_ref=subject_ref, team_id__in=teams_with_personal_access(user))
    return qs.order_by("due_date", "id")


def shown_details(user: User, request: DataSubjectRequest) -> str:
    """A request's details as this user may see them: phones, IDs and e-mail addresses
    masked without ``privacy.view_personal``."""
    if can_view_personal(user, request.team_id):
        return request.details
    return mask_text(request.details)


def request_get(user: User, pk: int) -> DataSubjectRequest:
    return requests_for(user).get(pk=pk)


def dsr_next_statuses(user: User, request: DataSubjectRequest) -> list[str]:
    """The statuses the user may move the request to now (what pages and the API offer)."""
    return DSR_MACHINE.targets(actor=user, team=request.team_id, source=request.status)


def retention_overview() -> dict:
    return {
        "policies": list(RetentionPolicy.objects.all()),
        "runs": list(RetentionRun.objects.all()[:10]),
    }

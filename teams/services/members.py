"""Memberships and roles (S3.3.1)."""

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from ..models import Membership, Team
from ..roles import Role
from ..selectors import user_can
from .audit import audit_record


def membership_set(*, actor: User | None, team: Team, user: User, role: str) -> Membership:
    """Give ``user`` ``role`` in ``team`` and the role's Django group."""
    from django.contrib.auth.models import Group

    if role not in Role.values:
        raise ValidationError({"role": _("Unknown role.")})
    if actor is not None and not user_can(actor, team, "team.manage"):
        raise PermissionDenied(_("Only managers and administrators may change roles."))
    with transaction.atomic():
        membership, _created = Membership.objects.update_or_create(
            user=user, team=team, defaults={"role": role}
        )
        group, _group_created = Group.objects.get_or_create(name=role)
        user.groups.add(group)
        audit_record(
            actor=actor, action="team.membership", team=team, target=membership,
            summary=gettext_noop("%(user)s now acts as %(role)s"),
            data={"user": user.get_username(), "role": role},
        )
    return membership

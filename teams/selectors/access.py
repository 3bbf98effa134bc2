"""Who may see which team and do what there; the activity feed of a record."""

from django.contrib.auth import models as auth_models
from django.contrib.auth.models import AnonymousUser
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import QuerySet

from ..models import AnswerTag, AuditEvent, Membership, Team
from ..roles import ALL_TEAMS_ROLES, CAPABILITIES, Role

User = auth_models.User | AnonymousUser


def _memberships(user: auth_models.User) -> dict[int, str]:
    """team id -> role, cached on the user object for the request."""
    cached = getattr(user, "_campaignops_roles", None)
    if cached is None:
        cached = dict(
            Membership.objects.filter(user_id=user.pk).values_list("team_id", "role")
        )
        user._campaignops_roles = cached  # type: ignore[attr-defined]  # a per-request cache
    return cached


def remember_teams(
    user: auth_models.User, *, roles: dict[int, str], tags: dict[int, int], all_tags: int
) -> None:
    """Keep what the token check read with the user for the rest of the request.

    ``roles``: team id -> role, as ``_memberships`` reads it; ``tags``: team id ->
    answer tag of those teams; ``all_tags``: the sum of every team's tag.
    """
    user._campaignops_roles = roles  # type: ignore[attr-defined]  # a per-request cache
    user._campaignops_answer_tags = (tags, all_tags)  # type: ignore[attr-defined]


def answer_scope(user: User) -> tuple[str, int]:
    """The teams whose data the user sees, as a cache key part, and the sum of their tags.

    "all" for those who oversee every team, else the sorted team ids. With the
    tags the token check read (``remember_teams``) this needs no query; otherwise
    one. Cached answers keyed by this change whenever a write they show sets a new
    tag (``models.AnswerTag``) or the user's teams or role change.
    """
    remembered = getattr(user, "_campaignops_answer_tags", None)
    if user_sees_all_teams(user):
        if remembered is not None:
            return "all", remembered[1]
        total = AnswerTag.objects.aggregate(total=models.Sum("value"))["total"]
        return "all", int(total or 0)
    team_ids = sorted(_memberships(user)) if user.is_authenticated else []
    scope = ",".join(str(pk) for pk in team_ids)
    if remembered is not None:
        return scope, sum(remembered[0].get(pk, 0) for pk in team_ids)
    total = AnswerTag.objects.filter(team_id__in=team_ids).aggregate(
        total=models.Sum("value")
    )["total"]
    return scope, int(total or 0)


def user_sees_all_teams(user: User) -> bool:
    """Admins and managers oversee every team; superusers are admins."""
    if not user.is_authenticated or not user.is_active:
        return False
    if user.is_superuser:
        return True
    return any(role in ALL_TEAMS_ROLES for role in _memberships(user).values())


def teams_visible_to(user: User) -> QuerySet[Team]:
    """The teams whose data the user may see; empty for anonymous users."""
    if not user.is_authenticated or not user.is_active:
        return Team.objects.none()
    if user_sees_all_teams(user):
        return Team.objects.all()
    return Team.objects.filter(pk__in=list(_memberships(user)))


def team_ids_visible_to(user: User) -> list[int] | None:
    """Visible team ids, or None meaning every team (for cheap filters)."""
    if user_sees_all_teams(user):
        return None
    if not user.is_authenticated:
        return []
    return list(_memberships(user))


def scope_to_user_teams(
    queryset: QuerySet, user: User, team_field: str = "team"
) -> QuerySet:
    """Filter any queryset with a team foreign key to the user's visible teams."""
    ids = team_ids_visible_to(user)
    if ids is None:
        return queryset
    return queryset.filter(**{f"{team_field}__in": ids})


def role_in_team(user: User, team: Team | int) -> str | None:
    """The role the user acts with in a team, or None when they have no say there.

    Admins and managers oversee every team (S3.3.1), so whoever holds one of
    those roles in any team acts with it everywhere, also in a team where
    their membership is a lesser role; everyone else acts with their
    membership role in that team only.
    """
    if not user.is_authenticated or not user.is_active:
        return None
    if user.is_superuser:
        return Role.ADMIN
    roles = _memberships(user)
    for role in (Role.ADMIN, Role.MANAGER):
        if role in roles.values():
            return role
    team_id = team if isinstance(team, int) else team.pk
    return roles.get(team_id)


def user_can(user: User, team: Team | int, capability: str) -> bool:
    """Whether the user holds ``capability`` (see teams.roles) in ``team``."""
    role = role_in_team(user, team)
    return role is not None and role in CAPABILITIES.get(capability, frozenset())


def teams_where(user: User, capability: str) -> list[Team]:
    """The visible teams in which the user holds ``capability``, by name.

    The one answer to "where may this user do X": pages offer these teams in
    their team choices, and services check the same ``user_can`` per team.
    """
    return [
        team for team in teams_visible_to(user).order_by("name", "pk")
        if user_can(user, team, capability)
    ]


def roles_of(user: User) -> set[str]:
    """Every role the user holds in any team."""
    if user.is_authenticated and user.is_superuser:
        return {Role.ADMIN}
    return set(_memberships(user).values()) if user.is_authenticated else set()


def user_can_anywhere(user: User, capability: str) -> bool:
    allowed = CAPABILITIES.get(capability, frozenset())
    return any(role in allowed for role in roles_of(user))


def audit_events_for(target: models.Model, limit: int = 100) -> QuerySet[AuditEvent]:
    """The activity feed of one record, newest first."""
    content_type = ContentType.objects.get_for_model(target)
    return (
        AuditEvent.objects.filter(target_type=content_type, target_id=str(target.pk))
        .select_related("actor")
        .order_by("-at", "-id")[:limit]
    )

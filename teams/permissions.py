"""Keep each role's Django group holding the permissions teams.roles lists."""

from fnmatch import fnmatchcase

from .roles import GROUP_PERMISSIONS


def sync_role_groups(sender=None, using: str = "default", **kwargs) -> None:
    from django.contrib.auth.models import Group, Permission

    permissions = list(
        Permission.objects.using(using).select_related("content_type")
    )
    for role, patterns in GROUP_PERMISSIONS.items():
        group, _ = Group.objects.using(using).get_or_create(name=role)
        wanted = [
            p for p in permissions
            if any(
                fnmatchcase(f"{p.content_type.app_label}.{p.codename}", pattern)
                for pattern in patterns
            )
        ]
        group.permissions.set(wanted)

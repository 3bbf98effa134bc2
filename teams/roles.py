"""Roles and what each may do (docs/roles.md explains them to people).

A role is held per team through a ``Membership``. Services ask
``teams.selectors.user_can(user, team, capability)``; the Django group of the
same name carries the model permissions admins see in Django admin.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    ADMIN = "admin", _("Administrator")
    MANAGER = "manager", _("Manager")
    MARKETER = "marketer", _("Marketer")
    REVIEWER = "reviewer", _("Reviewer")
    ANALYST = "analyst", _("Analyst")


# Roles that see every team, not only their own.
ALL_TEAMS_ROLES = frozenset({Role.ADMIN, Role.MANAGER})

_EVERYONE = frozenset(Role)
_EDITORS = frozenset({Role.ADMIN, Role.MANAGER, Role.MARKETER})
_LEADS = frozenset({Role.ADMIN, Role.MANAGER})

# capability -> roles that hold it. Later features name the capability they
# need; a capability nobody lists is held by nobody.
CAPABILITIES: dict[str, frozenset[str]] = {
    "view": _EVERYONE,
    # Plan (S2.1)
    "campaign.edit": _EDITORS,
    "campaign.submit": _EDITORS,
    "campaign.approve": _LEADS,
    "campaign.run": _LEADS,
    # Prepare (S2.2)
    "platform_account.edit": _EDITORS,
    "platform_account.verify": _LEADS,
    "content.edit": _EDITORS,
    "content.review": frozenset({Role.ADMIN, Role.MANAGER, Role.REVIEWER}),
    # Execute and monitor (S2.3)
    "content.publish": _EDITORS,
    "interaction.reply": _EDITORS,
    "metrics.import": frozenset({Role.ADMIN, Role.MANAGER, Role.MARKETER, Role.ANALYST}),
    # Evaluate (S2.4)
    "evaluation.edit": frozenset({Role.ADMIN, Role.MANAGER, Role.ANALYST}),
    # Compliance and risk (S3.1, S3.2)
    "compliance.check": _EVERYONE,
    "compliance.override": frozenset({Role.ADMIN, Role.MANAGER, Role.REVIEWER}),
    "compliance.manage_rules": _LEADS,
    "filing.edit": frozenset({Role.ADMIN, Role.MANAGER, Role.MARKETER, Role.REVIEWER}),
    "privacy.view_personal": frozenset({Role.ADMIN, Role.MANAGER, Role.REVIEWER}),
    "privacy.edit": frozenset({Role.ADMIN, Role.MANAGER, Role.REVIEWER}),
    "incident.manage": frozenset({Role.ADMIN, Role.MANAGER, Role.MARKETER, Role.REVIEWER}),
    "emergency_plan.edit": _LEADS,
    # Team (S3.3)
    "team.manage": _LEADS,
    "task.assign": _EDITORS,
}

# Django model permissions per role group, as "app_label.codename" patterns
# where ``*`` matches any run of characters. Synced after every migrate so
# that models added later get their permissions too.
# App labels: compliance.advertising keeps the label "compliance", campaigns.planning "campaigns".
_DOMAIN_APPS = (
    "teams", "platforms", "privacy", "compliance", "risk", "campaigns", "content", "publishing",
    "engagement", "analytics",
)
_COMPLIANCE_APPS = ("privacy", "compliance", "risk")
GROUP_PERMISSIONS: dict[str, tuple[str, ...]] = {
    Role.ADMIN: ("*.*",),
    Role.MANAGER: tuple(f"{app}.*" for app in _DOMAIN_APPS)
    + ("django_celery_beat.view_*",),
    Role.MARKETER: tuple(f"{app}.view_*" for app in _DOMAIN_APPS)
    + tuple(
        f"{app}.{verb}_*"
        for app in ("campaigns", "platforms", "content", "publishing", "engagement")
        for verb in ("add", "change")
    )
    + ("teams.change_task",),
    Role.REVIEWER: tuple(f"{app}.view_*" for app in _DOMAIN_APPS)
    + tuple(f"{app}.{verb}_*" for app in _COMPLIANCE_APPS for verb in ("add", "change"))
    + ("teams.change_task",),
    Role.ANALYST: tuple(f"{app}.view_*" for app in _DOMAIN_APPS)
    + ("analytics.add_*", "analytics.change_*", "teams.change_task"),
}

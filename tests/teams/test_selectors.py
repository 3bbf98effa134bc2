import pytest

from teams.models import Team
from teams.roles import CAPABILITIES, Role
from teams.selectors import (
    role_in_team,
    scope_to_user_teams,
    teams_visible_to,
    user_can,
    user_sees_all_teams,
)
from tests.factories import TeamFactory, UserFactory, member

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("role", "sees_all"),
    [
        (Role.ADMIN, True),
        (Role.MANAGER, True),
        (Role.MARKETER, False),
        (Role.REVIEWER, False),
        (Role.ANALYST, False),
    ],
)
def test_only_admins_and_managers_see_every_team(users, team, other_team, role, sees_all):
    visible = set(teams_visible_to(users[role]))

    assert user_sees_all_teams(users[role]) is sees_all
    assert visible == ({team, other_team} if sees_all else {team})


def test_user_without_membership_sees_no_team(team):
    loner = UserFactory(username="loner")

    assert list(teams_visible_to(loner)) == []
    assert role_in_team(loner, team) is None
    assert not user_can(loner, team, "view")


def test_outsider_cannot_act_in_another_team(users, team, outsider):
    assert role_in_team(outsider, team) is None
    assert not user_can(outsider, team, "campaign.edit")
    assert list(scope_to_user_teams(Team.objects.all(), outsider, team_field="pk")) == [
        outsider.memberships.get().team
    ]


def test_oversight_role_applies_in_every_team_even_where_membership_is_lesser(team, other_team):
    user = member(other_team, Role.MANAGER, username="dual")
    member(team, Role.ANALYST, username="dual")
    third = TeamFactory(name="Third", slug="third")

    assert role_in_team(user, team) == Role.MANAGER
    assert role_in_team(user, other_team) == Role.MANAGER
    assert role_in_team(user, third) == Role.MANAGER
    assert user_can(user, team, "campaign.approve")


def test_lesser_roles_act_only_in_their_own_teams(team, other_team):
    user = member(team, Role.REVIEWER, username="rev")
    member(other_team, Role.MARKETER, username="rev")

    assert role_in_team(user, team) == Role.REVIEWER
    assert role_in_team(user, other_team) == Role.MARKETER
    assert user_can(user, team, "compliance.override")
    assert not user_can(user, other_team, "compliance.override")


def test_manager_of_one_team_oversees_others(team, other_team):
    manager = member(other_team, Role.MANAGER, username="regional")

    assert role_in_team(manager, team) == Role.MANAGER
    assert user_can(manager, team, "campaign.approve")


@pytest.mark.parametrize(
    ("capability", "allowed"),
    [
        ("campaign.edit", {Role.ADMIN, Role.MANAGER, Role.MARKETER}),
        ("campaign.approve", {Role.ADMIN, Role.MANAGER}),
        ("content.review", {Role.ADMIN, Role.MANAGER, Role.REVIEWER}),
        ("compliance.override", {Role.ADMIN, Role.MANAGER, Role.REVIEWER}),
        ("evaluation.edit", {Role.ADMIN, Role.MANAGER, Role.ANALYST}),
        ("view", set(Role)),
    ],
)
def test_capabilities_follow_the_role_table(users, team, capability, allowed):
    holders = {role for role, user in users.items() if user_can(user, team, capability)}

    assert holders == allowed
    assert CAPABILITIES[capability] == frozenset(allowed)


def test_unknown_capability_is_held_by_nobody(users, team):
    assert not user_can(users[Role.ADMIN], team, "no.such.capability")


def test_superuser_acts_as_admin_everywhere(team):
    root = UserFactory(username="root", is_superuser=True)

    assert role_in_team(root, team) == Role.ADMIN
    assert set(teams_visible_to(root)) == {team}

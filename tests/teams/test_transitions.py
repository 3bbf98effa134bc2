"""The shared state-machine helper: declared moves, capabilities, jobs, reasons."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.utils import translation

from teams.roles import Role
from teams.transitions import SYSTEM, Move, StateMachine

pytestmark = pytest.mark.django_db


class Light(models.TextChoices):
    RED = "red", "Red"
    GREEN = "green", "Green"
    AMBER = "amber", "Amber"


MACHINE = StateMachine(
    name="light", states=Light, error_field="to",
    moves=[
        Move(Light.RED, Light.GREEN, "campaign.run"),
        Move(Light.GREEN, Light.AMBER, "campaign.edit", automatic=True),
        Move(Light.AMBER, Light.RED, None, automatic=True),
    ],
)


def test_a_declared_move_with_the_capability_passes(users, team):
    move = MACHINE.check(actor=users[Role.MANAGER], team=team, source="red", target="green")

    assert (move.source, move.target) == ("red", "green")


def test_a_move_that_is_not_declared_is_refused_on_the_error_field(users, team):
    with translation.override("en"), pytest.raises(ValidationError) as refused:
        MACHINE.check(actor=users[Role.ADMIN], team=team, source="red", target="amber")

    assert refused.value.message_dict == {"to": ["The status cannot go from “Red” to “Amber”."]}


def test_an_unknown_status_is_refused(users, team):
    with pytest.raises(ValidationError) as refused:
        MACHINE.check(actor=users[Role.ADMIN], team=team, source="red", target="blue")

    assert list(refused.value.message_dict) == ["to"]


def test_a_role_without_the_capability_is_refused(users, team):
    with pytest.raises(PermissionDenied):
        MACHINE.check(actor=users[Role.MARKETER], team=team, source="red", target="green")


def test_another_teams_member_is_refused(outsider, team):
    with pytest.raises(PermissionDenied):
        MACHINE.check(actor=outsider, team=team, source="green", target="amber")


def test_jobs_make_only_automatic_moves(team):
    assert MACHINE.check(actor=SYSTEM, team=team, source="amber", target="red").target == "red"
    with pytest.raises(PermissionDenied):
        MACHINE.check(actor=SYSTEM, team=team, source="red", target="green")


def test_a_system_only_move_is_refused_to_every_person(users, team):
    for user in users.values():
        with pytest.raises(PermissionDenied):
            MACHINE.check(actor=user, team=team, source="amber", target="red")


def test_targets_lists_the_moves_the_actor_may_make(users, team):
    assert MACHINE.targets(actor=users[Role.MANAGER], team=team, source="red") == ["green"]
    assert MACHINE.targets(actor=users[Role.ANALYST], team=team, source="red") == []
    assert MACHINE.targets(actor=users[Role.ADMIN], team=team, source="amber") == []


def test_a_machine_rejects_unknown_states_and_double_declarations():
    with pytest.raises(ValueError, match="unknown state"):
        StateMachine(name="x", states=Light, moves=[Move("red", "blue", "view")])
    with pytest.raises(ValueError, match="declared twice"):
        StateMachine(name="x", states=Light, moves=[
            Move("red", "green", "view"), Move("red", "green", "view"),
        ])
    with pytest.raises(ValueError, match="nobody could make"):
        Move("red", "green", None)

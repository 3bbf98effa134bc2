"""Declared state machines: each stateful model states its moves once, here enforced.

A machine is a table ``(from, to) → who may make the move``: a capability from
``teams.roles.CAPABILITIES`` checked in the record's team, and whether the
system (a job, ``actor=None``) may make it too. Every door — page, API, task —
goes through ``StateMachine.check`` inside the service that changes the status,
so an illegal move is refused the same way wherever it comes from, with a
translated reason.

A small helper rather than django-fsm-2: the capability a move needs is held
per team (``teams.selectors.user_can``), not as a Django model permission, and
services already own the write, the row lock and the audit row; the machine only
has to answer "may this actor make this move now, and if not, why".
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.utils.translation import gettext as _

from .selectors import user_can

SYSTEM = None  # the actor of moves made by jobs


@dataclass(frozen=True)
class Move:
    """One legal move: who may make it, and whether jobs (no actor) may make it too."""

    source: str
    target: str
    capability: str | None
    automatic: bool = False

    def __post_init__(self) -> None:
        if self.capability is None and not self.automatic:
            raise ValueError(f"{self.source} → {self.target}: nobody could make this move")


class StateMachine:
    """The moves of one status field, checked in one place."""

    def __init__(
        self,
        *,
        name: str,
        states: type[models.TextChoices],
        moves: Iterable[Move],
        error_field: str = "status",
    ) -> None:
        self.name = name
        self.states = states
        self.error_field = error_field
        self.moves: dict[tuple[str, str], Move] = {}
        for move in moves:
            for state in (move.source, move.target):
                if state not in states.values:
                    raise ValueError(f"{name}: unknown state {state!r}")
            if (move.source, move.target) in self.moves:
                raise ValueError(f"{name}: {move.source} → {move.target} declared twice")
            self.moves[(move.source, move.target)] = move

    def label(self, state: str) -> str:
        try:
            return str(self.states(state).label)
        except ValueError:
            return state

    def move(self, source: str, target: str) -> Move | None:
        return self.moves.get((source, target))

    def check(
        self,
        *,
        actor: AbstractBaseUser | None,
        team: models.Model | int,
        source: str,
        target: str,
    ) -> Move:
        """The move from ``source`` to ``target``, or the reason it may not be made.

        ``ValidationError`` (on ``error_field``) when the move does not exist or only
        people may make it; ``PermissionDenied`` when the actor's role in ``team``
        lacks the capability.
        """
        if target not in self.states.values:
            raise ValidationError({self.error_field: _("Unknown status.")})
        move = self.moves.get((source, target))
        if move is None:
            raise ValidationError({self.error_field: _(
                "The status cannot go from “%(from)s” to “%(to)s”."
            ) % {"from": self.label(source), "to": self.label(target)}})
        if actor is SYSTEM:
            if not move.automatic:
                raise PermissionDenied(_("Only a person may make this change."))
            return move
        if move.capability is None or not user_can(actor, team, move.capability):
            raise PermissionDenied(_(
                "Your role may not change the status to “%(to)s”."
            ) % {"to": self.label(target)})
        return move

    def targets(
        self, *, actor: AbstractBaseUser, team: models.Model | int, source: str
    ) -> list[str]:
        """The statuses the actor may move a record in ``source`` to (for buttons)."""
        return [
            move.target
            for (frm, _to), move in self.moves.items()
            if frm == source
            and move.capability is not None
            and user_can(actor, team, move.capability)
        ]

"""Demo data registry: each app registers the function that seeds its part.

``manage.py seed_demo`` runs them in order. Apps register from their
``AppConfig.ready()`` so that this floor never imports a higher one.
"""

from collections.abc import Callable
from dataclasses import dataclass, field

from django.contrib.auth.models import User

from .models import Team


@dataclass
class DemoContext:
    team: Team
    users: dict[str, User]  # role -> user
    other_team: Team | None = None
    log: list[str] = field(default_factory=list)

    def say(self, line: str) -> None:
        self.log.append(line)


Seeder = Callable[[DemoContext], None]
_SEEDERS: list[tuple[int, str, Seeder]] = []


def register_demo_seeder(name: str, seeder: Seeder, *, order: int) -> None:
    """Add a seeder; lower ``order`` runs first. Registering twice is a no-op."""
    if any(existing == name for _, existing, _ in _SEEDERS):
        return
    _SEEDERS.append((order, name, seeder))
    _SEEDERS.sort(key=lambda item: (item[0], item[1]))


def demo_seeders() -> list[tuple[str, Seeder]]:
    return [(name, seeder) for _, name, seeder in _SEEDERS]

"""factory_boy factories shared by the whole suite. Each app's tests may add theirs here."""

import factory
from django.contrib.auth import get_user_model

from teams.models import Membership, Team
from teams.roles import Role


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.com")
    password = factory.django.Password("pw-for-tests")


class TeamFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Team
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"Team {n}")
    slug = factory.Sequence(lambda n: f"team-{n}")


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    team = factory.SubFactory(TeamFactory)
    role = Role.MARKETER


def member(team: Team, role: str, username: str | None = None):
    """A user holding ``role`` in ``team``."""
    user = UserFactory(username=username or f"{role}-{team.slug}")
    MembershipFactory(user=user, team=team, role=role)
    return user

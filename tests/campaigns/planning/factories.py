"""Factories of campaign planning rows (tests only)."""

import datetime
from decimal import Decimal

import factory

from campaigns.planning.models import KPI, Campaign, Goal, Milestone, Objective, Phase, PhaseKind
from tests.factories import TeamFactory, UserFactory

START = datetime.date(2030, 1, 1)


class CampaignFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Campaign

    team = factory.SubFactory(TeamFactory)
    owner = factory.SubFactory(UserFactory)
    name = factory.Sequence(lambda n: f"Campaign {n}")
    objective = Objective.AWARENESS
    budget = Decimal("10000")
    start_date = START
    end_date = factory.LazyAttribute(lambda c: c.start_date + datetime.timedelta(days=89))


class GoalFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Goal

    campaign = factory.SubFactory(CampaignFactory)
    statement = "Raise brand awareness by 20% through social media"
    objective = Objective.AWARENESS


class KPIFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = KPI

    goal = factory.SubFactory(GoalFactory)
    metric = "impressions"
    baseline = Decimal("1000000")
    target = Decimal("1200000")
    deadline = factory.LazyAttribute(lambda k: k.goal.campaign.end_date)


class PhaseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Phase

    campaign = factory.SubFactory(CampaignFactory)
    kind = PhaseKind.PRODUCTION
    start_date = factory.LazyAttribute(lambda p: p.campaign.start_date)
    end_date = factory.LazyAttribute(lambda p: p.start_date + datetime.timedelta(days=6))


class MilestoneFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Milestone

    phase = factory.SubFactory(PhaseFactory)
    title = factory.Sequence(lambda n: f"Milestone {n}")
    due_date = factory.LazyAttribute(lambda m: m.phase.start_date)


def spec_example(team, owner) -> Campaign:
    """S2.1.1: within three months raise brand awareness by 20% through social
    media and add 500 registered users — entered with baselines."""
    campaign = CampaignFactory(
        team=team, owner=owner, name="Three-month social push", objective=Objective.AWARENESS
    )
    awareness = GoalFactory(
        campaign=campaign,
        statement="Within three months raise brand awareness by 20% through social media",
        objective=Objective.AWARENESS,
    )
    KPIFactory(
        goal=awareness, metric="impressions", baseline=Decimal("1000000"),
        target=Decimal("1200000"), target_change_percent=Decimal("20"),
    )
    users = GoalFactory(
        campaign=campaign, statement="Add 500 registered users", objective=Objective.LEADS
    )
    KPIFactory(goal=users, metric="registrations", baseline=Decimal("300"), target=Decimal("500"))
    return campaign

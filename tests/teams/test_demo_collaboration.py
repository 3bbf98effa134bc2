"""The demo team's collaboration data: skills, RACI, meetings with an agenda, training.

The seeder runs after the campaign seeder (order 70 after 40), so it is run here
right after that one, twice, to show it creates nothing twice.
"""

import pytest

from campaigns.planning.demo import seed as seed_campaigns
from teams.demo import DemoContext, demo_seeders
from teams.demo_data import seed
from teams.models import (
    AgendaSection,
    Meeting,
    MeetingKind,
    MeetingStatus,
    RaciRole,
    Responsibility,
    SkillLevel,
    Task,
    TrainingPlan,
    WorkArea,
)

pytestmark = pytest.mark.django_db


def _counts():
    return (Meeting.objects.count(), Responsibility.objects.count(), SkillLevel.objects.count(),
            TrainingPlan.objects.count(), Task.objects.count())


def test_the_teams_seeder_runs_after_campaigns_and_analytics():
    names = [name for name, _seeder in demo_seeders()]

    assert names.index("teams-collaboration") > names.index("campaigns")


def test_the_demo_team_collaborates_and_seeding_twice_adds_nothing(
    team, users, other_team, connected
):
    context = DemoContext(team=team, users=users, other_team=other_team)
    seed_campaigns(context)

    seed(context)

    assert SkillLevel.objects.filter(membership__team=team).values("membership").distinct(
    ).count() == 5
    accountable = {}
    for row in Responsibility.objects.filter(team=team, role=RaciRole.ACCOUNTABLE):
        accountable.setdefault(row.campaign_id, []).append(row.area)
    assert len(accountable) == 4
    assert all(sorted(areas) == sorted(WorkArea.values) for areas in accountable.values())
    weekly = list(Meeting.objects.filter(team=team, kind=MeetingKind.WEEKLY).order_by("starts_at"))
    past, upcoming = weekly[0], weekly[1]
    assert past.status == MeetingStatus.HELD
    assert past.minutes
    assert past.action_items.count() == 3
    assert upcoming.agenda_written_at is not None
    sections = set(upcoming.agenda_items.values_list("section", flat=True))
    assert {AgendaSection.CAMPAIGNS, AgendaSection.ACTION_ITEMS, AgendaSection.DECISIONS} <= sections
    session = TrainingPlan.objects.get(team=team).sessions.get()
    assert session.attendance.filter(attended=True).count() == 2

    counts = _counts()
    seed(context)
    assert _counts() == counts

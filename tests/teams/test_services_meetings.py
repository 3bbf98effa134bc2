"""Meetings (S3.3.2): recurring series, agendas written from live data, minutes,
decisions and action items that become tasks."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone, translation

from analytics.services.store import PointIn, points_upsert
from campaigns.content.models import ContentItem, ContentKind, ContentStatus
from campaigns.engagement.models import Interaction, InteractionKind
from campaigns.planning.models import CampaignStatus, PhaseKind
from compliance.risk.models import Incident, IncidentType
from teams.models import (
    AgendaSection,
    Decision,
    DecisionStatus,
    Meeting,
    MeetingKind,
    MeetingStatus,
    Notification,
    NotificationKind,
    Task,
    TaskStatus,
)
from teams.roles import Role
from teams.services import meetings as meeting_services
from teams.services import task_create
from tests.campaigns.planning.factories import (
    CampaignFactory,
    GoalFactory,
    KPIFactory,
    PhaseFactory,
)
from tests.platforms.factories import PlatformAccountFactory, platform
from tests.teams.conftest import at

pytestmark = pytest.mark.django_db
DAY = datetime.timedelta(days=1)


def _series(users, team, **overrides):
    data = {
        "actor": users[Role.MANAGER], "team": team, "kind": MeetingKind.WEEKLY,
        "title": "Weekly", "rrule": "FREQ=WEEKLY",
        "first_starts_at": at(timezone.localdate() + DAY),
        "participants": [users[Role.MARKETER], users[Role.ANALYST], users[Role.MANAGER]],
    }
    return meeting_services.meeting_series_create(**(data | overrides))


@pytest.mark.parametrize(("language", "message"), [
    ("en", "A meeting needs at least one participant."),
    ("zh-hans", "会议至少需要一名参会人。"),
])
def test_a_meeting_without_participants_is_refused(users, team, language, message):
    with translation.override(language), pytest.raises(ValidationError) as excinfo:
        _series(users, team, participants=[])

    assert excinfo.value.message_dict == {"participants": [message]}
    assert not Meeting.objects.exists()


@pytest.mark.parametrize("rule", ["", "WEEKLY", "FREQ=MINUTELY", "FREQ=WEEKLY;BYDAY=XX",
                                  "FREQ=WEEKLY\nDTSTART:20260101"])
def test_a_rule_calendars_cannot_read_is_refused(users, team, rule):
    with pytest.raises(ValidationError) as excinfo:
        _series(users, team, rrule=rule)

    assert list(excinfo.value.message_dict) == ["rrule"]


def test_participants_come_from_the_team(users, team, outsider):
    with pytest.raises(ValidationError) as excinfo:
        _series(users, team, participants=[users[Role.MARKETER], outsider])

    assert list(excinfo.value.message_dict) == ["participants"]


def test_only_managers_set_up_meetings(users, team):
    with pytest.raises(PermissionDenied):
        _series(users, team, actor=users[Role.MARKETER])


def test_a_series_schedules_its_coming_occurrences_once(users, team, today):
    series = _series(users, team, rrule="RRULE:freq=weekly;byday=" + ["MO", "TU", "WE", "TH", "FR", "SA", "SU"][
        (today + DAY).weekday()])

    starts = list(series.meetings.values_list("starts_at", flat=True))
    again = meeting_services.meetings_schedule(series=series, now=timezone.now())

    assert again == []
    assert series.rrule.startswith("FREQ=WEEKLY;BYDAY=")
    assert starts[:2] == [at(today + DAY), at(today + 8 * DAY)]
    assert len(starts) == 5  # 35 days ahead
    meeting = series.meetings.first()
    assert {u.username for u in meeting.participants.all()} == {"marketer", "analyst", "manager"}
    invites = Notification.objects.filter(kind=NotificationKind.MEETING, target_id=str(meeting.pk))
    assert invites.count() == 3


def test_monthly_review_on_the_first_friday(users, team):
    first = at(datetime.date(2031, 1, 3), 15)  # a Friday
    series = _series(users, team, kind=MeetingKind.MONTHLY_REVIEW, rrule="FREQ=MONTHLY;BYDAY=1FR",
                     first_starts_at=first)

    starts = meeting_services.occurrences(series, first, first + 70 * DAY)

    assert [s.date() for s in starts] == [
        datetime.date(2031, 1, 3), datetime.date(2031, 2, 7), datetime.date(2031, 3, 7),
    ]


def test_without_campaign_data_the_agenda_says_what_is_not_available(users, team, disconnected):
    meeting = _series(users, team).meetings.first()

    items = meeting_services.meeting_agenda_write(meeting=meeting)

    with translation.override("en"):
        lines = {(i.section, i.title, i.available) for i in items}
    not_available = "Not available: campaign data is not connected to teams."
    assert lines == {
        (section, not_available, False) for section in (
            AgendaSection.CAMPAIGNS, AgendaSection.KPIS, AgendaSection.INCIDENTS,
            AgendaSection.OVERDUE_REPLIES, AgendaSection.CONTENT_REVIEW,
        )
    }


@pytest.fixture
def live(users, team, today, connected):
    """A running campaign behind pace, an open incident, content and a reply waiting."""
    start = today - 10 * DAY
    campaign = CampaignFactory(team=team, owner=users[Role.MARKETER], name="Spring launch",
                               status=CampaignStatus.RUNNING, start_date=start,
                               end_date=start + 29 * DAY)
    PhaseFactory(campaign=campaign, kind=PhaseKind.PRODUCTION, start_date=start,
                 end_date=start + 6 * DAY)
    PhaseFactory(campaign=campaign, kind=PhaseKind.PROMOTION, start_date=start + 7 * DAY,
                 end_date=start + 29 * DAY)
    kpi = KPIFactory(goal=GoalFactory(campaign=campaign), metric="reads",
                     baseline=Decimal("10000"), target=Decimal("30000"),
                     deadline=campaign.end_date)
    account = PlatformAccountFactory(team=team, platform=platform("wechat_oa"), handle="brand")
    points_upsert(points=[
        PointIn(campaign_id=campaign.pk, account_id=account.pk, date=start + n * DAY,
                metric="reads", value=Decimal("400"))
        for n in range(10)
    ], source="import")
    Incident.objects.create(team=team, title="Weibo account restricted",
                            incident_type=IncidentType.ACCOUNT_BANNED)
    ContentItem.objects.create(campaign=campaign, team=team, kind=ContentKind.ARTICLE,
                               title="Brand story", owner=users[Role.MARKETER],
                               status=ContentStatus.IN_REVIEW, submitted_at=timezone.now())
    Interaction.objects.create(team=team, account=account, kind=InteractionKind.COMMENT,
                               external_id="c1", text="Where is my order?",
                               occurred_at=timezone.now() - DAY,
                               response_due_at=timezone.now() - 2 * datetime.timedelta(hours=1))
    CampaignFactory(team=team, owner=users[Role.MARKETER], name="JD discount week",
                    status=CampaignStatus.DRAFT, submitted_at=timezone.now())
    return {"campaign": campaign, "kpi": kpi}


def test_the_agenda_is_written_from_live_data_with_links_back(users, team, today, live):
    series = _series(users, team)
    last = Meeting.objects.create(
        team=team, series=series, kind=series.kind, title=series.title,
        starts_at=at(today - 6 * DAY), ends_at=at(today - 6 * DAY, 11),
        organiser=users[Role.MANAGER], status=MeetingStatus.HELD,
    )
    done = meeting_services.action_item_add(
        actor=users[Role.MANAGER], meeting=last, title="Update reply templates",
        owner=users[Role.MARKETER], due_date=today,
    )
    Task.objects.filter(pk=done.task_id).update(status=TaskStatus.DONE)
    meeting_services.action_item_add(
        actor=users[Role.MANAGER], meeting=last, title="Explain the reads drop",
        owner=users[Role.ANALYST], due_date=today + DAY,
    )
    Decision.objects.create(team=team, meeting=last, title="Add a video budget?")
    task_create(team=team, owner=users[Role.ANALYST], title="Weekly report",
                due_date=today - 3 * DAY)
    meeting = series.meetings.filter(starts_at__gt=timezone.now()).first()

    meeting_services.meeting_agenda_write(meeting=meeting)

    with translation.override("en"):
        lines = [(i.section, i.title, i.url) for i in meeting.agenda_items.all()]
    campaign = live["campaign"]
    assert lines == [
        (AgendaSection.ACTION_ITEMS,
         f"Update reply templates — marketer, due {today.isoformat()}: Done",
         f"/team/tasks/{done.task_id}/"),
        (AgendaSection.ACTION_ITEMS,
         f"Explain the reads drop — analyst, due {(today + DAY).isoformat()}: Open",
         lines[1][2]),
        (AgendaSection.CAMPAIGNS,
         f"Spring launch: Running, phase Promotion until {campaign.end_date.isoformat()}",
         f"/campaigns/{campaign.pk}/"),
        (AgendaSection.KPIS,
         "Spring launch — Reads At risk: 4,000 against 10,000 expected by now, gap 6,000 (60%)",
         f"/analytics/campaigns/{campaign.pk}/"),
        (AgendaSection.INCIDENTS, lines[4][1], lines[4][2]),
        (AgendaSection.OVERDUE_TASKS,
         f"Weekly report — analyst, due {(today - 3 * DAY).isoformat()}", lines[5][2]),
        (AgendaSection.OVERDUE_REPLIES, lines[6][1], lines[6][2]),
        (AgendaSection.CONTENT_REVIEW, lines[7][1], lines[7][2]),
        (AgendaSection.DECISIONS, f"Add a video budget? (raised {(today - 6 * DAY).isoformat()})",
         lines[8][2]),
        (AgendaSection.DECISIONS, lines[9][1], lines[9][2]),
    ]
    assert lines[4][1].startswith("Weibo account restricted — Medium, Open since ")
    assert "“Where is my order?” — reply was due" in lines[6][1]
    assert lines[7][1].startswith("Brand story (Spring launch) — waiting since ")
    assert lines[9][1].startswith("Approve the plan of JD discount week (submitted ")
    with translation.override("zh-hans"):
        kpi_line = meeting.agenda_items.get(section=AgendaSection.KPIS).title
    assert kpi_line.startswith("Spring launch — 阅读量 ")
    assert kpi_line.endswith("：实际 4,000，按进度应达 10,000，差距 6,000（60%）")


def test_the_agenda_is_announced_once_even_when_rewritten(users, team, disconnected):
    meeting = _series(users, team).meetings.first()

    meeting_services.meeting_agenda_write(meeting=meeting)
    meeting_services.meeting_agenda_write(meeting=meeting, actor=users[Role.MANAGER])

    assert Notification.objects.filter(kind=NotificationKind.AGENDA).count() == 3
    meeting.refresh_from_db()
    assert meeting.sequence == 2
    with pytest.raises(PermissionDenied):
        meeting_services.meeting_agenda_write(meeting=meeting, actor=users[Role.ANALYST])


def test_an_action_item_becomes_the_owners_task(users, team, today):
    meeting = _series(users, team).meetings.first()

    item = meeting_services.action_item_add(
        actor=users[Role.MANAGER], meeting=meeting, title="Brief the KOL",
        owner=users[Role.MARKETER], due_date=today + 3 * DAY,
    )

    task = item.task
    assert (task.owner, task.due_date, task.source, task.status) == (
        users[Role.MARKETER], today + 3 * DAY, item, TaskStatus.OPEN,
    )
    assert task.source.get_absolute_url() == f"/team/meetings/{meeting.pk}/#action-{item.pk}"
    assert Notification.objects.filter(recipient=users[Role.MARKETER],
                                       kind=NotificationKind.ASSIGNMENT,
                                       target_id=str(task.pk)).count() == 1


def test_an_action_item_needs_a_future_due_date_a_member_and_the_right_role(
    users, team, today, outsider
):
    meeting = _series(users, team).meetings.first()
    add = meeting_services.action_item_add

    with pytest.raises(ValidationError) as past:
        add(actor=users[Role.MANAGER], meeting=meeting, title="X", owner=users[Role.MARKETER],
            due_date=today - DAY)
    with pytest.raises(ValidationError) as stranger:
        add(actor=users[Role.MANAGER], meeting=meeting, title="X", owner=outsider,
            due_date=today)
    with pytest.raises(PermissionDenied):
        add(actor=users[Role.ANALYST], meeting=meeting, title="X", owner=users[Role.ANALYST],
            due_date=today)

    assert list(past.value.message_dict) == ["due_date"]
    assert list(stranger.value.message_dict) == ["owner"]
    assert not Task.objects.exists()


def test_minutes_mark_the_meeting_held_and_pending_decisions_wait(users, team):
    meeting = _series(users, team).meetings.first()

    meeting_services.meeting_minutes_record(actor=users[Role.MANAGER], meeting=meeting,
                                            minutes="Agreed to shift budget to Douyin.")
    decision = meeting_services.decision_add(actor=users[Role.MANAGER], meeting=meeting,
                                             title="Hire a video editor?")
    meeting_services.decision_set_status(actor=users[Role.MANAGER], decision=decision,
                                         status=DecisionStatus.MADE)

    meeting.refresh_from_db()
    decision.refresh_from_db()
    assert meeting.status == MeetingStatus.HELD
    assert (decision.status, decision.decided_at is not None) == (DecisionStatus.MADE, True)
    with pytest.raises(ValidationError):
        meeting_services.meeting_minutes_record(actor=users[Role.MANAGER], meeting=meeting,
                                                minutes="  ")


def test_an_action_item_whose_task_lost_its_due_date_is_listed_without_overdue(
        users, team, today, disconnected):
    series = _series(users, team)
    last = Meeting.objects.create(
        team=team, series=series, kind=series.kind, title=series.title,
        starts_at=at(today - 6 * DAY), ends_at=at(today - 6 * DAY, 11),
        organiser=users[Role.MANAGER], status=MeetingStatus.HELD,
    )
    item = meeting_services.action_item_add(
        actor=users[Role.MANAGER], meeting=last, title="Brief the KOL",
        owner=users[Role.MARKETER], due_date=today,
    )
    Task.objects.filter(pk=item.task_id).update(due_date=None)
    meeting = series.meetings.filter(starts_at__gt=timezone.now()).first()

    meeting_services.meeting_agenda_write(meeting=meeting)

    with translation.override("en"):
        titles = [i.title for i in meeting.agenda_items.filter(section=AgendaSection.ACTION_ITEMS)]
    assert titles == [f"Brief the KOL — marketer, due {today.isoformat()}: Open"]

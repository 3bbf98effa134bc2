"""Training (S3.3.3): plans inside their dates, attendance with a score, re-assessment
that moves the member's level, and the coverage report as a spreadsheet."""

import datetime
import io

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import translation
from openpyxl import load_workbook

from teams.models import (
    Membership,
    Notification,
    NotificationKind,
    Skill,
    SkillLevel,
    TrainingFormat,
    TrainingTopic,
)
from teams.roles import Role
from teams.selectors import skills as skill_selectors
from teams.services import skills as skill_services
from teams.services import training as training_services
from tests.teams.conftest import at

pytestmark = pytest.mark.django_db
DAY = datetime.timedelta(days=1)


@pytest.fixture
def plan(users, team, today):
    return training_services.training_plan_create(
        actor=users[Role.MANAGER], team=team, title="Short video workshop",
        topic=TrainingTopic.CONTENT, format=TrainingFormat.WORKSHOP, skill=Skill.VIDEO,
        starts_on=today - 5 * DAY, ends_on=today + 5 * DAY,
    )


@pytest.fixture
def marketer(users, team):
    return Membership.objects.get(team=team, user=users[Role.MARKETER])


def _session(users, plan, marketer, day, **extra):
    return training_services.training_session_add(
        actor=users[Role.MANAGER], plan=plan, title="Shooting", starts_at=at(day, 14),
        ends_at=at(day, 17), invitees=[marketer], **extra,
    )


def test_a_plan_cannot_end_before_it_starts(users, team, today):
    with pytest.raises(ValidationError) as excinfo:
        training_services.training_plan_create(
            actor=users[Role.MANAGER], team=team, title="X", topic=TrainingTopic.COMPLIANCE,
            format=TrainingFormat.LECTURE, skill=Skill.PLATFORM_RULES,
            starts_on=today, ends_on=today - DAY,
        )

    assert list(excinfo.value.message_dict) == ["ends_on"]


def test_only_managers_plan_training(users, team, today):
    with pytest.raises(PermissionDenied):
        training_services.training_plan_create(
            actor=users[Role.MARKETER], team=team, title="X", topic=TrainingTopic.COMPLIANCE,
            format=TrainingFormat.LECTURE, skill=Skill.PLATFORM_RULES,
            starts_on=today, ends_on=today,
        )


@pytest.mark.parametrize(("language", "message"), [
    ("en", "The session must take place within its plan's dates ({start} – {end})."),
    ("zh-hans", "培训场次必须在所属计划的日期范围内（{start} – {end}）。"),
])
def test_a_session_outside_its_plans_dates_is_refused(
    users, plan, marketer, today, language, message
):
    with translation.override(language), pytest.raises(ValidationError) as excinfo:
        _session(users, plan, marketer, today + 6 * DAY)

    assert excinfo.value.message_dict == {"starts_at": [message.format(
        start=plan.starts_on.isoformat(), end=plan.ends_on.isoformat())]}
    assert not plan.sessions.exists()


def test_invitees_are_notified(users, plan, marketer, today):
    session = _session(users, plan, marketer, today + DAY)

    assert [a.membership for a in session.attendance.all()] == [marketer]
    assert Notification.objects.filter(recipient=users[Role.MARKETER],
                                       kind=NotificationKind.TRAINING).count() == 1


def test_re_assessment_after_the_session_updates_the_level(users, plan, marketer, today, team):
    manager = users[Role.MANAGER]
    skill_services.requirement_set(actor=manager, team=team, role=Role.MARKETER,
                                   skill=Skill.VIDEO, level=3)
    skill_services.skill_assess(actor=manager, membership=marketer, skill=Skill.VIDEO, level=2)
    session = _session(users, plan, marketer, today - DAY)
    attendance = session.attendance.get()

    training_services.attendance_record(actor=manager, attendance=attendance, attended=True,
                                        score="88", level="3")

    attendance.refresh_from_db()
    assert (attendance.attended, attendance.score, attendance.assessed_level) == (True, 88, 3)
    assert SkillLevel.objects.get(membership=marketer, skill=Skill.VIDEO).level == 3
    latest = marketer.skill_assessments.first()
    assert (latest.session, latest.previous_level, latest.level) == (session, 2, 3)
    assert skill_selectors.skill_gaps(team) == []


@pytest.mark.parametrize(("attended", "score", "level", "field"), [
    (True, "101", None, "score"),
    (True, "-1", None, "score"),
    (True, None, "6", "level"),
    (False, "80", None, "attended"),
])
def test_bad_attendance_is_refused(users, plan, marketer, today, attended, score, level, field):
    attendance = _session(users, plan, marketer, today - DAY).attendance.get()

    with pytest.raises(ValidationError) as excinfo:
        training_services.attendance_record(actor=users[Role.MANAGER], attendance=attendance,
                                            attended=attended, score=score, level=level)

    assert list(excinfo.value.message_dict) == [field]


def test_attendance_waits_for_the_session_and_for_the_trainer_or_a_manager(
    users, plan, marketer, today
):
    future = _session(users, plan, marketer, today + DAY).attendance.get()
    past = _session(users, plan, marketer, today - DAY,
                    trainer=users[Role.ANALYST]).attendance.get()

    with pytest.raises(ValidationError):
        training_services.attendance_record(actor=users[Role.MANAGER], attendance=future,
                                            attended=True)
    with pytest.raises(PermissionDenied):
        training_services.attendance_record(actor=users[Role.MARKETER], attendance=past,
                                            attended=True)
    training_services.attendance_record(actor=users[Role.ANALYST], attendance=past,
                                        attended=True, score=70)


def test_the_coverage_report_downloads_as_xlsx(client_as, users, team, marketer):
    manager = users[Role.MANAGER]
    skill_services.requirement_set(actor=manager, team=team, role=Role.MARKETER,
                                   skill=Skill.VIDEO, level=3)
    skill_services.requirement_set(actor=manager, team=team, role=Role.REVIEWER,
                                   skill=Skill.COMPLIANCE_REVIEW, level=4)
    skill_services.skill_assess(actor=manager, membership=marketer, skill=Skill.VIDEO, level=1)
    reviewer = Membership.objects.get(team=team, user=users[Role.REVIEWER])
    skill_services.skill_assess(actor=manager, membership=reviewer,
                                skill=Skill.COMPLIANCE_REVIEW, level=5)

    response = client_as(users[Role.ANALYST]).get(
        reverse("teams:coverage_xlsx") + f"?team={team.pk}", HTTP_ACCEPT_LANGUAGE="en"
    )

    assert response["Content-Type"] == (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    rows = list(load_workbook(io.BytesIO(response.content)).active.values)
    assert rows == [
        ("Role", "Skill", "Required level", "Covered", "Member lacking it", "Current level",
         "Levels missing"),
        ("Marketer", "Video production", 3, 0, "marketer", 1, 2),
        ("Reviewer", "Compliance review", 4, 1, None, None, None),
    ]

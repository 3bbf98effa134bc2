"""Division of labour (S3.3.1): assessed skill levels, one Accountable per RACI area,
suggestions of who should take a task, and the needs assessment behind training."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import translation

from teams.models import (
    Membership,
    RaciRole,
    Responsibility,
    Skill,
    SkillAssessment,
    SkillLevel,
    WorkArea,
)
from teams.roles import Role
from teams.selectors import skills as skill_selectors
from teams.selectors import tasks as task_selectors
from teams.services import skills as skill_services
from teams.services import task_create
from tests.campaigns.planning.factories import CampaignFactory
from tests.factories import member

pytestmark = pytest.mark.django_db
A, R, C = RaciRole.ACCOUNTABLE, RaciRole.RESPONSIBLE, RaciRole.CONSULTED


@pytest.fixture
def members(users, team):
    return {m.role: m for m in Membership.objects.filter(team=team)}


@pytest.mark.parametrize("level", [0, 6, "3.5", "abc", "", None, True])
def test_a_skill_level_outside_1_to_5_is_refused_clearly(users, members, level):
    with translation.override("zh-hans"), pytest.raises(ValidationError) as excinfo:
        skill_services.skill_assess(actor=users[Role.MANAGER], membership=members[Role.MARKETER],
                                    skill=Skill.VIDEO, level=level)

    assert excinfo.value.message_dict == {"level": ["技能等级是 1 到 5 之间的整数。"]}
    assert not SkillAssessment.objects.exists()


def test_assessments_keep_their_history_and_the_latest_is_the_level(users, members):
    marketer = members[Role.MARKETER]
    manager = users[Role.MANAGER]

    skill_services.skill_assess(actor=manager, membership=marketer, skill=Skill.VIDEO, level=2)
    skill_services.skill_assess(actor=manager, membership=marketer, skill=Skill.VIDEO, level="4",
                                note="after the shoot")

    history = list(skill_selectors.assessment_history(marketer))
    assert [(a.previous_level, a.level, a.note) for a in history] == [
        (2, 4, "after the shoot"), (None, 2, ""),
    ]
    assert SkillLevel.objects.get(membership=marketer, skill=Skill.VIDEO).level == 4


def test_only_managers_assess(users, members):
    with pytest.raises(PermissionDenied):
        skill_services.skill_assess(actor=users[Role.MARKETER], membership=members[Role.ANALYST],
                                    skill=Skill.DATA_ANALYSIS, level=5)


@pytest.fixture
def campaign(team, users, connected):
    return CampaignFactory(team=team, owner=users[Role.MARKETER], name="春季上新")


def test_raci_needs_exactly_one_accountable_per_area(users, members, campaign):
    manager = users[Role.MANAGER]
    two = {WorkArea.CONTENT: {members[Role.MARKETER].pk: A, members[Role.REVIEWER].pk: A}}
    none = {WorkArea.DATA: {members[Role.ANALYST].pk: R}}

    with translation.override("en"), pytest.raises(ValidationError) as too_many:
        skill_services.raci_set(actor=manager, campaign=campaign, matrix=two)
    with translation.override("zh-hans"), pytest.raises(ValidationError) as missing:
        skill_services.raci_set(actor=manager, campaign=campaign, matrix=none)

    assert too_many.value.message_dict == {"content": [
        "Content can have only one Accountable, not 2 (marketer, reviewer)."
    ]}
    assert missing.value.message_dict == {"data": ["数据需要且只能有一名负责人（A）。"]}
    assert not Responsibility.objects.exists()


def test_the_database_holds_one_accountable_per_area(users, members, campaign):
    skill_services.raci_set(actor=users[Role.MANAGER], campaign=campaign,
                            matrix={WorkArea.BUDGET: {members[Role.MANAGER].pk: A}})
    first = Responsibility.objects.get()

    with pytest.raises(IntegrityError), transaction.atomic():
        Responsibility.objects.create(
            team=first.team, campaign_type=first.campaign_type, campaign_id=first.campaign_id,
            area=WorkArea.BUDGET, membership=members[Role.ANALYST], role=A,
        )


def test_raci_takes_only_members_of_the_campaigns_team(users, members, campaign, other_team):
    stranger = Membership.objects.get(user=member(other_team, Role.MARKETER, username="east"))

    with pytest.raises(ValidationError) as excinfo:
        skill_services.raci_set(actor=users[Role.MANAGER], campaign=campaign,
                                matrix={WorkArea.CONTENT: {stranger.pk: A}})

    assert list(excinfo.value.message_dict) == ["content"]


def test_a_saved_matrix_becomes_each_members_duties(users, members, campaign):
    skill_services.raci_set(actor=users[Role.MANAGER], campaign=campaign, matrix={
        WorkArea.CONTENT: {members[Role.MARKETER].pk: A, members[Role.REVIEWER].pk: C},
        WorkArea.REVIEW: {members[Role.REVIEWER].pk: A},
    })

    duties = skill_selectors.duties_of(members[Role.REVIEWER])
    assert [(d.area, d.letter, d.campaign) for d in duties] == [
        (WorkArea.CONTENT, "C", campaign), (WorkArea.REVIEW, "A", campaign),
    ]
    assert skill_selectors.raci_missing_accountable(skill_selectors.raci_matrix(campaign)) == [
        WorkArea.PUBLISHING, WorkArea.INTERACTION, WorkArea.DATA, WorkArea.BUDGET,
    ]
    with pytest.raises(PermissionDenied):
        skill_services.raci_set(actor=users[Role.MARKETER], campaign=campaign, matrix={})


def test_the_suggestion_weighs_skill_against_open_load_and_says_why(users, members, team):
    manager = users[Role.MANAGER]
    for role, level in ((Role.MARKETER, 5), (Role.REVIEWER, 4), (Role.ANALYST, 2)):
        skill_services.skill_assess(actor=manager, membership=members[role],
                                    skill=Skill.COPYWRITING, level=level)
    for n in range(3):  # the strongest is busy: 5×2−3 = 7 < 4×2 = 8
        task_create(team=team, owner=users[Role.MARKETER], title=f"busy {n}")

    with translation.override("en"):
        suggestions = task_selectors.suggest_owners(team, skill=Skill.COPYWRITING)

    assert [(s.membership.user.username, s.reason) for s in suggestions] == [
        ("reviewer", "Copywriting level 4 of 5; 0 open tasks, 0 overdue"),
        ("marketer", "Copywriting level 5 of 5; 3 open tasks, 0 overdue"),
        ("analyst", "Copywriting level 2 of 5; 0 open tasks, 0 overdue"),
    ]


def test_needs_assessment_lists_who_falls_short_of_their_roles_requirement(users, members, team):
    manager = users[Role.MANAGER]
    skill_services.requirement_set(actor=manager, team=team, role=Role.MARKETER,
                                   skill=Skill.VIDEO, level=3)
    skill_services.skill_assess(actor=manager, membership=members[Role.MARKETER],
                                skill=Skill.VIDEO, level=2)
    second = member(team, Role.MARKETER, username="marketer2")
    skill_services.skill_assess(actor=manager, membership=Membership.objects.get(user=second),
                                skill=Skill.VIDEO, level=4)

    gaps = skill_selectors.skill_gaps(team)
    coverage = skill_selectors.skill_coverage(team)

    assert [(g.membership.user.username, g.skill, g.current, g.required) for g in gaps] == [
        ("marketer", Skill.VIDEO, 2, 3),
    ]
    assert [([m.user.username for m in row.covered],
             [g.membership.user.username for g in row.lacking]) for row in coverage] == [
        (["marketer2"], ["marketer"]),
    ]
    with pytest.raises(ValidationError) as excinfo:
        skill_services.requirement_set(actor=manager, team=team, role=Role.MARKETER,
                                       skill=Skill.VIDEO, level=9)
    assert list(excinfo.value.message_dict) == ["level"]

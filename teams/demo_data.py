"""Demo data of team collaboration (S3.3): skills, RACI, meetings, training, tasks.

Runs after the campaign and analytics seeders, so the RACI covers the demo
campaigns and the upcoming meeting's agenda is written from their data.
Idempotent: every part is looked up by a natural key before it is created.
"""

from __future__ import annotations

import datetime

from django.utils import timezone

from .demo import DemoContext
from .hooks import campaign_directory
from .models import (
    ActionItem,
    Decision,
    DecisionStatus,
    Meeting,
    MeetingKind,
    MeetingSeries,
    MeetingStatus,
    Membership,
    RaciRole,
    Responsibility,
    Skill,
    SkillLevel,
    Task,
    TaskPriority,
    TaskStatus,
    TrainingFormat,
    TrainingPlan,
    TrainingTopic,
)
from .roles import Role
from .services import meetings as meeting_services
from .services import skills as skill_services
from .services import tasks as task_services
from .services import training as training_services

DAY = datetime.timedelta(days=1)
S = Skill

# role -> [(skill, level)]: the manager's assessments; earlier levels first make a history.
ASSESSMENTS = {
    Role.MARKETER: [(S.VIDEO, 1), (S.CONTENT_CREATION, 4), (S.COPYWRITING, 4), (S.VIDEO, 2),
                    (S.PROMOTION, 3), (S.COMMUNITY, 3), (S.PLATFORM_RULES, 2)],
    Role.REVIEWER: [(S.COMPLIANCE_REVIEW, 5), (S.COPYWRITING, 3), (S.PLATFORM_RULES, 4)],
    Role.ANALYST: [(S.DATA_ANALYSIS, 5), (S.MARKETING_TOOLS, 4), (S.PROMOTION, 2)],
    Role.MANAGER: [(S.PROMOTION, 4), (S.DATA_ANALYSIS, 3), (S.COMPLIANCE_REVIEW, 3)],
    Role.ADMIN: [(S.MARKETING_TOOLS, 4)],
}
REQUIREMENTS = {
    Role.MARKETER: [(S.CONTENT_CREATION, 3), (S.COPYWRITING, 3), (S.VIDEO, 3),
                    (S.PLATFORM_RULES, 3)],
    Role.REVIEWER: [(S.COMPLIANCE_REVIEW, 4), (S.PLATFORM_RULES, 4)],
    Role.ANALYST: [(S.DATA_ANALYSIS, 4), (S.MARKETING_TOOLS, 3)],
}
# work area -> {role: RACI role}
RACI = {
    "content": {Role.MARKETER: RaciRole.ACCOUNTABLE, Role.REVIEWER: RaciRole.CONSULTED,
                Role.MANAGER: RaciRole.INFORMED},
    "review": {Role.REVIEWER: RaciRole.ACCOUNTABLE, Role.MARKETER: RaciRole.INFORMED},
    "publishing": {Role.MARKETER: RaciRole.RESPONSIBLE, Role.MANAGER: RaciRole.ACCOUNTABLE},
    "interaction": {Role.MARKETER: RaciRole.ACCOUNTABLE, Role.ANALYST: RaciRole.INFORMED},
    "data": {Role.ANALYST: RaciRole.ACCOUNTABLE, Role.MARKETER: RaciRole.CONSULTED,
             Role.MANAGER: RaciRole.INFORMED},
    "budget": {Role.MANAGER: RaciRole.ACCOUNTABLE, Role.ANALYST: RaciRole.CONSULTED},
}
WEEKLY_TITLE = "每周团队例会"
MONTHLY_TITLE = "月度项目复盘会"
PLAN_TITLE = "短视频拍摄与剪辑实战"


def _memberships(ctx: DemoContext) -> dict[str, Membership]:
    by_user = {
        m.user_id: m for m in Membership.objects.filter(team=ctx.team).select_related("user")
    }
    return {role: by_user[user.pk] for role, user in ctx.users.items() if user.pk in by_user}


def _skills(ctx: DemoContext, members: dict[str, Membership]) -> None:
    manager = ctx.users[Role.MANAGER]
    if SkillLevel.objects.filter(membership__team=ctx.team).exists():
        return
    for role, assessments in ASSESSMENTS.items():
        if role not in members:
            continue
        for skill, level in assessments:
            skill_services.skill_assess(actor=manager, membership=members[role], skill=skill,
                                        level=level, note="演示评估")
    for role, requirements in REQUIREMENTS.items():
        for skill, level in requirements:
            skill_services.requirement_set(actor=manager, team=ctx.team, role=role, skill=skill,
                                           level=level)
    ctx.say("skills assessed, role requirements set")


def _raci(ctx: DemoContext, members: dict[str, Membership]) -> None:
    directory = campaign_directory()
    if directory is None:
        ctx.say("RACI skipped: campaign data is not connected to teams")
        return
    manager = ctx.users[Role.MANAGER]
    campaigns = directory.visible_to(manager).filter(**{directory.team_field: ctx.team})
    done = set(
        Responsibility.objects.filter(team=ctx.team).values_list("campaign_id", flat=True)
    )
    for campaign in campaigns:
        if str(campaign.pk) in done:
            continue
        matrix = {
            area: {members[role].pk: raci for role, raci in cells.items() if role in members}
            for area, cells in RACI.items()
        }
        skill_services.raci_set(actor=manager, campaign=campaign, matrix=matrix)
        ctx.say(f"RACI for “{campaign}”")


def _at(day: datetime.date, hour: int, zone) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(hour, 0), tzinfo=zone)


def _meetings(ctx: DemoContext) -> None:
    manager = ctx.users[Role.MANAGER]
    zone = ctx.team.zone
    today = timezone.localdate()
    tomorrow = today + DAY
    weekday = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")[tomorrow.weekday()]
    people = list(ctx.users.values())
    series = MeetingSeries.objects.filter(team=ctx.team, title=WEEKLY_TITLE).first()
    if series is None:
        series = meeting_services.meeting_series_create(
            actor=manager, team=ctx.team, kind=MeetingKind.WEEKLY, title=WEEKLY_TITLE,
            rrule=f"FREQ=WEEKLY;BYDAY={weekday}", first_starts_at=_at(tomorrow - 7 * DAY, 10, zone),
            participants=people, duration_minutes=60, location="3 楼会议室 / 腾讯会议",
        )
        ctx.say(f"meeting series “{WEEKLY_TITLE}”")
    if not MeetingSeries.objects.filter(team=ctx.team, title=MONTHLY_TITLE).exists():
        meeting_services.meeting_series_create(
            actor=manager, team=ctx.team, kind=MeetingKind.MONTHLY_REVIEW, title=MONTHLY_TITLE,
            rrule="FREQ=MONTHLY;BYDAY=1FR", first_starts_at=_at(today, 15, zone),
            participants=people, duration_minutes=90, location="3 楼会议室",
        )
    past_start = series.first_starts_at
    past, created = Meeting.objects.get_or_create(
        series=series, starts_at=past_start,
        defaults={"team": ctx.team, "kind": series.kind, "title": series.title,
                  "ends_at": past_start + datetime.timedelta(minutes=series.duration_minutes),
                  "location": series.location, "organiser": manager,
                  "status": MeetingStatus.HELD, "minutes_by": manager,
                  "minutes": "1. 公众号品牌故事周进入推广期，阅读量低于预期。\n"
                             "2. 抖音新品种草月的视频脚本需要合规复核。\n"
                             "3. 评论区负面反馈增多，需要统一回复口径。"},
    )
    if created:
        past.participants.set(people)
        _past_action_items(ctx, past)
        Decision.objects.create(team=ctx.team, meeting=past, title="公众号推文增加视频号引流",
                                status=DecisionStatus.MADE, decided_at=past.ends_at,
                                created_by=manager)
        Decision.objects.create(team=ctx.team, meeting=past,
                                title="是否追加抖音达人合作预算 2 万元", created_by=manager)
        ctx.say("last week's meeting with minutes, decisions and action items")
    upcoming = Meeting.objects.filter(series=series, starts_at__gt=timezone.now()).order_by(
        "starts_at").first()
    if upcoming is not None and upcoming.agenda_written_at is None:
        meeting_services.meeting_agenda_write(meeting=upcoming)
        ctx.say(f"agenda written for {upcoming}")


def _past_action_items(ctx: DemoContext, meeting: Meeting) -> None:
    """Action items as recorded last week (their due dates may be past by now)."""
    day = timezone.localtime(meeting.starts_at, ctx.team.zone).date()
    items = [
        ("统一负面评论回复口径并更新模板", Role.MARKETER, day + 2 * DAY, TaskStatus.DONE),
        ("复核抖音视频脚本中的功效表述", Role.REVIEWER, day + 3 * DAY, TaskStatus.OPEN),
        ("整理公众号阅读量下滑原因分析", Role.ANALYST, day + 10 * DAY, TaskStatus.OPEN),
    ]
    for title, role, due, status in items:
        owner = ctx.users[role]
        item = ActionItem.objects.create(meeting=meeting, title=title, owner=owner, due_date=due,
                                         created_by=ctx.users[Role.MANAGER])
        item.task = task_services.task_create(
            team=ctx.team, owner=owner, title=title, due_date=due, source=item,
            created_by=ctx.users[Role.MANAGER], dedup_key=f"meeting-action:{item.pk}",
        )
        item.save(update_fields=["task"])
        if status == TaskStatus.DONE:
            Task.objects.filter(pk=item.task_id).update(
                status=TaskStatus.DONE, completed_at=timezone.now()
            )


def _tasks(ctx: DemoContext) -> None:
    today = timezone.localdate()
    manager = ctx.users[Role.MANAGER]
    task_services.task_create(
        team=ctx.team, owner=ctx.users[Role.MARKETER], title="整理上周评论区高频问题",
        due_date=today + 2 * DAY, priority=TaskPriority.HIGH, skill=Skill.COMMUNITY,
        created_by=manager, dedup_key="demo-task:faq",
    )
    urgent = task_services.task_create(
        team=ctx.team, owner=ctx.users[Role.REVIEWER], title="复核抖音达人合作合同条款",
        due_date=today + DAY, priority=TaskPriority.URGENT, skill=Skill.COMPLIANCE_REVIEW,
        created_by=manager, dedup_key="demo-task:contract",
    )
    if urgent.started_at is None and urgent.status == TaskStatus.OPEN:
        Task.objects.filter(pk=urgent.pk).update(started_at=timezone.now())


def _training(ctx: DemoContext, members: dict[str, Membership]) -> None:
    if TrainingPlan.objects.filter(team=ctx.team, title=PLAN_TITLE).exists():
        return
    manager = ctx.users[Role.MANAGER]
    today = timezone.localdate()
    zone = ctx.team.zone
    plan = training_services.training_plan_create(
        actor=manager, team=ctx.team, title=PLAN_TITLE, topic=TrainingTopic.CONTENT,
        format=TrainingFormat.WORKSHOP, skill=Skill.VIDEO,
        starts_on=today - 7 * DAY, ends_on=today + 21 * DAY,
        content="分镜脚本、手机拍摄布光、剪映剪辑与字幕；抖音与视频号的画幅与时长规范；"
                "现场分组拍摄一条 30 秒产品短视频并互评。",
    )
    invited = [members[r] for r in (Role.MARKETER, Role.REVIEWER) if r in members]
    session = training_services.training_session_add(
        actor=manager, plan=plan, title="第 1 场：脚本与拍摄", trainer=ctx.users[Role.MANAGER],
        starts_at=_at(today - 3 * DAY, 14, zone),
        ends_at=_at(today - 3 * DAY, 17, zone), location="影棚 A", invitees=invited,
    )
    for attendance in session.attendance.select_related("membership", "session__plan__team"):
        if attendance.membership.role == Role.MARKETER:
            training_services.attendance_record(actor=manager, attendance=attendance,
                                                attended=True, score=85, level=3)
        else:
            training_services.attendance_record(actor=manager, attendance=attendance,
                                                attended=True, score=72)
    ctx.say(f"training plan “{PLAN_TITLE}” with one session and its attendance")


def seed(ctx: DemoContext) -> None:
    members = _memberships(ctx)
    if Role.MANAGER not in ctx.users:
        return
    _skills(ctx, members)
    _raci(ctx, members)
    _training(ctx, members)
    _tasks(ctx)
    _meetings(ctx)

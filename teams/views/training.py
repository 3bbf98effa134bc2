"""Training pages (S3.3.3): needs, plans, sessions and attendance, the coverage report."""

from __future__ import annotations

import io

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from ..doors import apply_validation_error, get_or_404
from ..forms import AttendanceForm, PlanForm, SessionForm, in_team_zone
from ..selectors import skills as skill_selectors
from ..selectors import training as training_selectors
from ..selectors import user_can
from ..services import training as training_services
from ._common import pick_team


def training(request: HttpRequest, plan_form=None, status: int = 200) -> HttpResponse:
    """Needs assessment (gaps), plans, and who still lacks which required skill."""
    team, teams = pick_team(request)
    context = {"team": team, "teams": teams}
    if team is not None:
        context |= {
            "gaps": skill_selectors.skill_gaps(team),
            "coverage": skill_selectors.skill_coverage(team),
            "plans": list(training_selectors.plans_visible_to(request.user).filter(team=team)),
            "can_manage": user_can(request.user, team, "team.manage"),
            "plan_form": plan_form or PlanForm(),
        }
    return render(request, "teams/training.html", context, status=status)


@require_POST
def plan_new(request: HttpRequest) -> HttpResponse:
    team, _teams = pick_team(request)
    if team is None:
        raise PermissionDenied
    form = PlanForm(request.POST)
    if form.is_valid():
        try:
            plan = training_services.training_plan_create(
                actor=request.user, team=team, **form.cleaned_data
            )
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            return redirect(plan.get_absolute_url())
    request.GET = request.GET.copy()
    request.GET["team"] = str(team.pk)
    return training(request, plan_form=form, status=400)


def plan_detail(request: HttpRequest, pk: int, session_form=None, status: int = 200,
                attendance_errors: dict | None = None) -> HttpResponse:
    plan = get_or_404(training_selectors.plan_get, request.user, pk)
    can_manage = user_can(request.user, plan.team_id, "team.manage")
    now = timezone.now()
    sessions = [
        {
            "session": session,
            "started": session.starts_at <= now,
            "may_record": can_manage or session.trainer_id == request.user.pk,
            "rows": [
                (a, AttendanceForm(prefix=f"a{a.pk}", initial={
                    "attended": "yes" if a.attended in (True, None) else "no",
                    "score": a.score if a.score is not None else "",
                    "level": a.assessed_level or "",
                }), (attendance_errors or {}).get(a.pk, []))
                for a in session.attendance.all()
            ],
        }
        for session in plan.sessions.all()
    ]
    return render(request, "teams/training_plan.html", {
        "plan": plan, "sessions": sessions, "can_manage": can_manage,
        "session_form": session_form or SessionForm(team=plan.team),
    }, status=status)


@require_POST
def session_new(request: HttpRequest, pk: int) -> HttpResponse:
    plan = get_or_404(training_selectors.plan_get, request.user, pk)
    form = SessionForm(request.POST, team=plan.team)
    if form.is_valid():
        data = dict(form.cleaned_data)
        data["starts_at"] = in_team_zone(data["starts_at"], plan.team)
        data["ends_at"] = in_team_zone(data["ends_at"], plan.team)
        try:
            training_services.training_session_add(actor=request.user, plan=plan, **data)
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, _("Session scheduled; the invited members were notified."))
            return redirect(plan.get_absolute_url())
    return plan_detail(request, pk, session_form=form, status=400)


@require_POST
def attendance_record(request: HttpRequest, pk: int) -> HttpResponse:
    attendance = get_or_404(training_selectors.attendance_get, request.user, pk)
    form = AttendanceForm(request.POST, prefix=f"a{attendance.pk}")
    plan_id = attendance.session.plan_id
    if form.is_valid():
        try:
            training_services.attendance_record(actor=request.user, attendance=attendance,
                                                **form.cleaned_data)
        except ValidationError as exc:
            return plan_detail(request, plan_id, status=400,
                               attendance_errors={attendance.pk: exc.messages})
        messages.success(request, _("Attendance recorded."))
        return redirect(reverse("teams:training_plan", args=[plan_id])
                        + f"#session-{attendance.session_id}")
    errors = [e for errs in form.errors.values() for e in errs]
    return plan_detail(request, plan_id, status=400, attendance_errors={attendance.pk: errors})


@require_GET
def coverage_xlsx(request: HttpRequest) -> HttpResponse:
    """The coverage report as a spreadsheet: one row per member lacking a required skill."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    team, _teams = pick_team(request)
    if team is None:
        raise PermissionDenied
    book = Workbook()
    sheet = book.active
    sheet.title = _("Coverage")[:31]
    header = [_("Role"), _("Skill"), _("Required level"), _("Covered"), _("Member lacking it"),
              _("Current level"), _("Levels missing")]
    sheet.append(header)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in skill_selectors.skill_coverage(team):
        covered = len(row.covered)
        if not row.lacking:
            sheet.append([row.role_label, row.skill_label, row.required, covered, None, None,
                          None])
        for gap in row.lacking:
            sheet.append([row.role_label, row.skill_label, row.required, covered,
                          gap.membership.user.get_username(), gap.current, gap.missing])
    for column, width in zip("ABCDEFG", (14, 20, 14, 10, 22, 14, 14), strict=True):
        sheet.column_dimensions[column].width = width
    buffer = io.BytesIO()
    book.save(buffer)
    response = HttpResponse(
        buffer.getvalue(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="skill-coverage-{team.slug}.xlsx"'
    return response

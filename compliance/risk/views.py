"""Pages for incidents, emergency plans and drills (S3.2.3; thin: services decide)."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from teams.doors import apply_validation_error, get_or_404
from teams.selectors import teams_where, user_can, user_can_anywhere

from . import selectors, services
from .forms import DrillForm, DrillRunForm, IncidentForm, PlanForm, StatusForm, UpdateForm
from .models import IncidentStatus

# --- incidents ----------------------------------------------------------------

def incident_list(request):
    status = request.GET.get("status", "active")
    if status not in ("active", "all", *IncidentStatus.values):
        status = "active"
    incidents = selectors.incidents_for(request.user,
                                             status=None if status == "all" else status)
    teams = teams_where(request.user, "incident.manage")
    form = IncidentForm(teams=teams)
    if request.method == "POST":
        form = IncidentForm(request.POST, teams=teams)
        if form.is_valid():
            try:
                incident = services.incident_open(actor=request.user, **form.cleaned_data)
            except ValidationError as exc:
                apply_validation_error(form, exc)
            else:
                messages.success(request, _("Incident opened."))
                return redirect("risk:incident_detail", pk=incident.pk)
    return render(request, "risk/incident_list.html", {
        "incidents": selectors.label_incident_sources(incidents[:200]), "status": status, "form": form, "can_open": bool(teams),
        "statuses": IncidentStatus.choices,
    }, status=400 if request.method == "POST" else 200)


def incident_detail(request, pk: int, update_form=None, status_form=None, http_status=200):
    incident = get_or_404(selectors.incident_get, request.user, pk)
    selectors.label_incident_sources([incident])
    offered = selectors.incident_next_statuses(request.user, incident)
    return render(request, "risk/incident_detail.html", {
        "incident": incident,
        "can_manage": user_can(request.user, incident.team, "incident.manage"),
        "update_form": update_form or UpdateForm(),
        "can_move": bool(offered),
        "status_form": status_form or StatusForm(offered=offered),
    }, status=http_status)


@require_POST
def incident_add_update(request, pk: int):
    incident = get_or_404(selectors.incident_get, request.user, pk)
    form = UpdateForm(request.POST)
    if form.is_valid():
        try:
            services.incident_add_update(actor=request.user, incident=incident,
                                              message=form.cleaned_data["message"])
            return redirect("risk:incident_detail", pk=pk)
        except ValidationError as exc:
            apply_validation_error(form, exc)
    return incident_detail(request, pk, update_form=form, http_status=400)


@require_POST
def incident_status(request, pk: int):
    incident = get_or_404(selectors.incident_get, request.user, pk)
    offered = selectors.incident_next_statuses(request.user, incident)
    form = StatusForm(request.POST, offered=offered)
    if form.is_valid():
        try:
            services.incident_set_status(actor=request.user, incident=incident,
                                         **form.cleaned_data)
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            return redirect("risk:incident_detail", pk=pk)
    return incident_detail(request, pk, status_form=form, http_status=400)


@require_POST
def incident_step(request, pk: int, step_pk: int):
    step = get_or_404(selectors.incident_step_get, request.user, pk, step_pk)
    services.incident_step_set_done(actor=request.user, step=step,
                                         done=request.POST.get("done") == "1")
    return redirect("risk:incident_detail", pk=pk)


# --- plans and drills -------------------------------------------------------

def plan_list(request):
    return render(request, "risk/plan_list.html", {
        "plans": selectors.plans_for(request.user),
        "can_edit": user_can_anywhere(request.user, "emergency_plan.edit"),
    })


def plan_detail(request, pk: int):
    plan = get_or_404(selectors.plan_get, request.user, pk)
    return render(request, "risk/plan_detail.html", {
        "plan": plan, "can_edit": user_can(request.user, plan.team, "emergency_plan.edit"),
    })


def plan_edit(request, pk: int | None = None):
    """Create a plan, or edit one; only holders of ``emergency_plan.edit``."""
    plan = get_or_404(selectors.plan_get, request.user, pk) if pk else None
    teams = teams_where(request.user, "emergency_plan.edit")
    if not teams or (plan and plan.team_id not in {t.pk for t in teams}):
        raise PermissionDenied
    initial = PlanForm.initial_for(plan) if plan else None
    form = PlanForm(request.POST or None, initial=initial, teams=teams)
    existing = None
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.emergency_plan_save(
                actor=request.user, plan=plan, **form.cleaned_data
            )
        except ValidationError as exc:
            apply_validation_error(form, exc)
            existing = _existing_plan(request, exc)
        else:
            messages.success(request, _("Emergency plan saved."))
            return redirect("risk:plan_detail", pk=saved.pk)
    return render(request, "risk/plan_form.html", {
        "form": form, "plan": plan, "existing_plan": existing,
    }, status=400 if request.method == "POST" else 200)


def _existing_plan(request, exc: ValidationError):
    """The plan a refused save collided with (to link to its edit page), if any."""
    for error in getattr(exc, "error_dict", {}).get("incident_type", []):
        if error.code == "plan_exists":
            return selectors.plans_for(request.user).filter(pk=error.params["plan"]).first()
    return None


def _drill_page(request, *, run_form=None, form_drill=None, drill_form=None, status=200):
    teams = teams_where(request.user, "emergency_plan.edit")
    return render(request, "risk/drill_list.html", {
        "drills": selectors.drills_for(request.user), "form": run_form or DrillRunForm(),
        "form_drill": form_drill, "blank_form": DrillRunForm(), "drill_form": drill_form or DrillForm(teams=teams),
        "can_schedule": bool(teams),
        # Recording a run needs ``incident.manage`` on the drill's team; others only read.
        "run_team_ids": [t.pk for t in teams_where(request.user, "incident.manage")],
    }, status=status)


def drill_list(request):
    if request.method == "POST":
        teams = teams_where(request.user, "emergency_plan.edit")
        if not teams:
            raise PermissionDenied
        form = DrillForm(request.POST, teams=teams)
        if form.is_valid():
            try:
                services.drill_create(actor=request.user, **form.cleaned_data)
            except ValidationError as exc:
                apply_validation_error(form, exc)
            else:
                messages.success(request, _("Drill scheduled."))
                return redirect("risk:drill_list")
        return _drill_page(request, drill_form=form, status=400)
    return _drill_page(request)


@require_POST
def drill_run(request, pk: int):
    drill = get_or_404(selectors.drill_get, request.user, pk)
    form = DrillRunForm(request.POST)
    if form.is_valid():
        try:
            services.drill_run_record(actor=request.user, drill=drill, **form.cleaned_data)
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, _("Drill run recorded."))
            return redirect("risk:drill_list")
    return _drill_page(request, run_form=form, form_drill=drill.pk, status=400)

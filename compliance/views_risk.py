"""Pages for incidents, emergency plans, drills and the privacy ledger (thin: services decide)."""

import json

from django.contrib import messages
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from teams.selectors import teams_visible_to, user_can, user_can_anywhere

from . import selectors_privacy, selectors_risk, services_privacy, services_risk
from .forms_risk import (
    ConsentForm,
    DrillForm,
    DrillRunForm,
    DSRForm,
    DSRStatusForm,
    IncidentForm,
    PlanForm,
    StatusForm,
    UpdateForm,
)
from .models_risk import IncidentStatus


def _apply_errors(form, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


def _or_404(getter, *args):
    try:
        return getter(*args)
    except (ObjectDoesNotExist, ValueError, TypeError) as exc:
        raise Http404 from exc


def _teams_where(user, capability: str) -> list:
    return [t for t in teams_visible_to(user) if user_can(user, t, capability)]


# --- incidents ----------------------------------------------------------------

def incident_list(request):
    status = request.GET.get("status", "active")
    if status not in ("active", "all", *IncidentStatus.values):
        status = "active"
    incidents = selectors_risk.incidents_for(request.user,
                                             status=None if status == "all" else status)
    teams = _teams_where(request.user, "incident.manage")
    form = IncidentForm(teams=teams)
    if request.method == "POST":
        form = IncidentForm(request.POST, teams=teams)
        if form.is_valid():
            try:
                incident = services_risk.incident_open(actor=request.user, **form.cleaned_data)
            except ValidationError as exc:
                _apply_errors(form, exc)
            else:
                messages.success(request, _("Incident opened."))
                return redirect("compliance:incident_detail", pk=incident.pk)
    return render(request, "compliance/risk/incident_list.html", {
        "incidents": selectors_risk.label_incident_sources(incidents[:200]), "status": status, "form": form, "can_open": bool(teams),
        "statuses": IncidentStatus.choices,
    }, status=400 if request.method == "POST" else 200)


def incident_detail(request, pk: int, update_form=None, status_form=None, http_status=200):
    incident = _or_404(selectors_risk.incident_get, request.user, pk)
    selectors_risk.label_incident_sources([incident])
    return render(request, "compliance/risk/incident_detail.html", {
        "incident": incident,
        "can_manage": user_can(request.user, incident.team, "incident.manage"),
        "update_form": update_form or UpdateForm(),
        "status_form": status_form or StatusForm(initial={"status": incident.status}),
    }, status=http_status)


@require_POST
def incident_add_update(request, pk: int):
    incident = _or_404(selectors_risk.incident_get, request.user, pk)
    form = UpdateForm(request.POST)
    if form.is_valid():
        try:
            services_risk.incident_add_update(actor=request.user, incident=incident,
                                              message=form.cleaned_data["message"])
            return redirect("compliance:incident_detail", pk=pk)
        except ValidationError as exc:
            _apply_errors(form, exc)
    return incident_detail(request, pk, update_form=form, http_status=400)


@require_POST
def incident_status(request, pk: int):
    incident = _or_404(selectors_risk.incident_get, request.user, pk)
    form = StatusForm(request.POST)
    if form.is_valid():
        services_risk.incident_set_status(actor=request.user, incident=incident,
                                          **form.cleaned_data)
        return redirect("compliance:incident_detail", pk=pk)
    return incident_detail(request, pk, status_form=form, http_status=400)


@require_POST
def incident_step(request, pk: int, step_pk: int):
    step = _or_404(selectors_risk.incident_step_get, request.user, pk, step_pk)
    services_risk.incident_step_set_done(actor=request.user, step=step,
                                         done=request.POST.get("done") == "1")
    return redirect("compliance:incident_detail", pk=pk)


# --- plans and drills -------------------------------------------------------

def plan_list(request):
    return render(request, "compliance/risk/plan_list.html", {
        "plans": selectors_risk.plans_for(request.user),
        "can_edit": user_can_anywhere(request.user, "emergency_plan.edit"),
    })


def plan_detail(request, pk: int):
    plan = _or_404(selectors_risk.plan_get, request.user, pk)
    return render(request, "compliance/risk/plan_detail.html", {
        "plan": plan, "can_edit": user_can(request.user, plan.team, "emergency_plan.edit"),
    })


def plan_edit(request, pk: int | None = None):
    """Create a plan, or edit one; only holders of ``emergency_plan.edit``."""
    plan = _or_404(selectors_risk.plan_get, request.user, pk) if pk else None
    teams = _teams_where(request.user, "emergency_plan.edit")
    if not teams or (plan and plan.team_id not in {t.pk for t in teams}):
        raise PermissionDenied
    initial = PlanForm.initial_for(plan) if plan else None
    form = PlanForm(request.POST or None, initial=initial, teams=teams)
    if request.method == "POST" and form.is_valid():
        try:
            saved = services_risk.emergency_plan_save(actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            messages.success(request, _("Emergency plan saved."))
            return redirect("compliance:plan_detail", pk=saved.pk)
    return render(request, "compliance/risk/plan_form.html", {"form": form, "plan": plan},
                  status=400 if request.method == "POST" else 200)


def _drill_page(request, *, run_form=None, form_drill=None, drill_form=None, status=200):
    teams = _teams_where(request.user, "emergency_plan.edit")
    return render(request, "compliance/risk/drill_list.html", {
        "drills": selectors_risk.drills_for(request.user), "form": run_form or DrillRunForm(),
        "form_drill": form_drill, "blank_form": DrillRunForm(), "drill_form": drill_form or DrillForm(teams=teams),
        "can_schedule": bool(teams),
        # Recording a run needs ``incident.manage`` on the drill's team; others only read.
        "run_team_ids": [t.pk for t in _teams_where(request.user, "incident.manage")],
    }, status=status)


def drill_list(request):
    if request.method == "POST":
        teams = _teams_where(request.user, "emergency_plan.edit")
        if not teams:
            raise PermissionDenied
        form = DrillForm(request.POST, teams=teams)
        if form.is_valid():
            try:
                services_risk.drill_create(actor=request.user, **form.cleaned_data)
            except ValidationError as exc:
                _apply_errors(form, exc)
            else:
                messages.success(request, _("Drill scheduled."))
                return redirect("compliance:drill_list")
        return _drill_page(request, drill_form=form, status=400)
    return _drill_page(request)


@require_POST
def drill_run(request, pk: int):
    drill = _or_404(selectors_risk.drill_get, request.user, pk)
    form = DrillRunForm(request.POST)
    if form.is_valid():
        try:
            services_risk.drill_run_record(actor=request.user, drill=drill, **form.cleaned_data)
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            messages.success(request, _("Drill run recorded."))
            return redirect("compliance:drill_list")
    return _drill_page(request, run_form=form, form_drill=drill.pk, status=400)


# --- privacy ledger ---------------------------------------------------------

def privacy(request):
    """Consents and data-subject requests; personal fields masked without the capability."""
    teams = _teams_where(request.user, "privacy.edit")
    consent_form = ConsentForm(teams=teams, prefix="consent")
    dsr_form = DSRForm(teams=teams, prefix="dsr")
    http_status = 200
    if request.method == "POST":
        which = request.POST.get("form")
        form = (ConsentForm if which == "consent" else DSRForm)(
            request.POST, teams=teams, prefix="consent" if which == "consent" else "dsr")
        if form.is_valid():
            try:
                if which == "consent":
                    services_privacy.consent_record_create(actor=request.user,
                                                           **form.cleaned_data)
                else:
                    services_privacy.dsr_create(actor=request.user, **form.cleaned_data)
            except ValidationError as exc:
                _apply_errors(form, exc)
            else:
                messages.success(request, _("Saved."))
                return redirect("compliance:privacy")
        http_status = 400
        if which == "consent":
            consent_form = form
        else:
            dsr_form = form
    # Looking a person up tells whether they are on file: only with privacy.view_personal.
    personal_team_ids = selectors_privacy.teams_with_personal_access(request.user)
    can_search = bool(personal_team_ids)
    subject = request.GET.get("subject", "").strip() if can_search else ""
    consents = list(selectors_privacy.consents_for(request.user, subject_ref=subject)[:200])
    rows = [(c, selectors_privacy.personal_fields(request.user, c)) for c in consents]
    return render(request, "compliance/privacy/ledger.html", {
        "rows": rows, "requests": [
            (dsr, selectors_privacy.shown_subject_ref(request.user, dsr))
            for dsr in selectors_privacy.requests_for(request.user)[:200]
        ],
        "consent_form": consent_form, "dsr_form": dsr_form, "can_edit": bool(teams),
        "subject": subject, "can_search": can_search, "status_form": DSRStatusForm(), "today": timezone.localdate(),
        # The export is unmasked, so it is offered only where the user may see personal data.
        "export_team_ids": personal_team_ids,
        "retention": selectors_privacy.retention_overview(),
    }, status=http_status)


@require_POST
def consent_withdraw(request, pk: int):
    record = _or_404(selectors_privacy.consent_get, request.user, pk)
    services_privacy.consent_withdraw(actor=request.user, record=record,
                                      channel=request.POST.get("channel", "web"))
    messages.success(request, _("Consent withdrawn."))
    return redirect("compliance:privacy")


@require_POST
def dsr_status(request, pk: int):
    dsr = _or_404(selectors_privacy.request_get, request.user, pk)
    form = DSRStatusForm(request.POST)
    if form.is_valid():
        try:
            services_privacy.dsr_set_status(actor=request.user, request=dsr,
                                            **form.cleaned_data)
        except ValidationError as exc:
            for errors in exc.message_dict.values():
                for error in errors:
                    messages.error(request, error)
        else:
            messages.success(request, _("Request updated."))
    else:
        messages.error(request, _("Choose a valid status."))
    return redirect("compliance:privacy")


def dsr_export(request, pk: int):
    dsr = _or_404(selectors_privacy.request_get, request.user, pk)
    data = services_privacy.subject_export_for(actor=request.user, request=dsr)
    response = HttpResponse(json.dumps(data, ensure_ascii=False, indent=2),
                            content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="subject-{dsr.pk}.json"'
    return response

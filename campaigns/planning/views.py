"""Planning pages (S2.1): thin doors into ``campaigns.planning.services``."""

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from teams.doors import apply_validation_error, get_or_404
from teams.selectors import teams_visible_to, teams_where, user_can

from . import selectors, services
from .forms import (
    AchievedForm,
    CampaignFilterForm,
    CampaignForm,
    DuplicateForm,
    GoalForm,
    KPIEditForm,
    KPIForm,
    MilestoneForm,
    PhaseForm,
    TransitionForm,
)
from .gantt import gantt_figure
from .models import Campaign, CampaignStatus
from .smart import smart_check
from .transitions import LOCKED_STATUSES

# --- helpers ----------------------------------------------------------------------------


def _get(request, pk: int, *, detail: bool = False) -> Campaign:
    if detail:
        return get_or_404(selectors.campaign_detail, request.user, pk)
    return get_or_404(lambda: selectors.campaigns_visible_to(request.user).get(pk=pk))


def _run(form, call) -> object | None:
    """Call a service; its field errors land on the form instead of a 500."""
    try:
        return call()
    except ValidationError as exc:
        apply_validation_error(form, exc)
    return None


def _flash_errors(request, exc: ValidationError) -> None:
    messages.error(request, " ".join(exc.messages))


def _require_edit(request, campaign: Campaign) -> None:
    if not user_can(request.user, campaign.team_id, "campaign.edit"):
        raise PermissionDenied(_("You may not change this campaign."))


def _plan_state(user, campaign: Campaign) -> dict:
    """May the user change the plan, and if they could edit but may not now, why."""
    reason = selectors.plan_lock_reason(user, campaign)
    editor = user_can(user, campaign.team_id, "campaign.edit")
    return {"can_edit": not reason, "lock_reason": reason if editor else ""}


# --- list, create, edit -----------------------------------------------------------------


def campaign_list(request):
    teams = teams_visible_to(request.user)
    form = CampaignFilterForm(request.GET or None, teams=teams)
    # Invalid filters are shown as form errors; the valid ones still apply.
    filters = {}
    if form.is_bound:
        form.is_valid()
        filters = form.cleaned_data
    qs = selectors.campaign_list(
        request.user,
        status=filters.get("status") or "",
        team=filters["team"].pk if filters.get("team") else None,
        objective=filters.get("objective") or "",
        starts_from=filters.get("date_from"),
        ends_until=filters.get("date_to"),
        search=filters.get("q") or "",
    )
    page = Paginator(qs, 25).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "campaigns/list.html", {
        "form": form, "page": page, "campaigns": page.object_list,
        "query": query.urlencode(),
        "can_create": bool(teams_where(request.user, "campaign.edit")),
    })


def campaign_create(request):
    teams = teams_where(request.user, "campaign.edit")
    if not teams:
        raise PermissionDenied(_("Your role may not plan campaigns."))
    form = CampaignForm(request.POST or None, teams=teams, initial={"team": teams[0]})
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        team = data.pop("team")
        campaign = _run(form, lambda: services.campaign_create(
            actor=request.user, team=team, **data
        ))
        if campaign is not None:
            messages.success(request, _("Campaign drafted. Now set its goals and KPIs."))
            return redirect("campaigns:goals", pk=campaign.pk)
    return render(request, "campaigns/form.html", {"form": form, "step": 1, "campaign": None})


def campaign_edit(request, pk: int):
    campaign = _get(request, pk)
    _require_edit(request, campaign)
    reason = selectors.plan_lock_reason(request.user, campaign)
    if reason:
        messages.warning(request, reason)
        return redirect("campaigns:detail", pk=campaign.pk)
    initial = {
        f: getattr(campaign, f) for f in services.CAMPAIGN_FIELDS
    }
    initial["target_interests"] = ", ".join(campaign.target_interests)
    form = CampaignForm(request.POST or None, initial=initial, editing=True)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        shift = data.pop("shift_phases", False)
        done = _run(form, lambda: services.campaign_update(
            actor=request.user, campaign=campaign, shift_phases=shift, **data
        ))
        if done is not None:
            messages.success(request, _("Campaign saved."))
            return redirect("campaigns:detail", pk=campaign.pk)
    return render(request, "campaigns/form.html", {"form": form, "campaign": campaign})


# --- step 2: goals and KPIs -------------------------------------------------------------


def campaign_goals(request, pk: int):
    campaign = _get(request, pk, detail=True)
    plan = _plan_state(request.user, campaign)
    goals = campaign.goals.all()
    goal_form = GoalForm(
        request.POST if request.POST.get("form") == "goal" else None,
        initial={"objective": campaign.objective, "deadline": campaign.end_date},
        prefix="goal",
    )
    kpi_form = KPIForm(
        request.POST if request.POST.get("form") == "kpi" else None,
        goals=campaign.goals.all(), initial={"deadline": campaign.end_date}, prefix="kpi",
    )
    if request.method == "POST":
        _require_edit(request, campaign)
        if not plan["can_edit"]:
            messages.warning(request, plan["lock_reason"])
            return redirect("campaigns:goals", pk=campaign.pk)
        if request.POST.get("form") == "goal" and goal_form.is_valid():
            if _run(goal_form, lambda: services.goal_create_with_kpi(
                actor=request.user, campaign=campaign,
                statement=goal_form.cleaned_data["statement"],
                objective=goal_form.cleaned_data["objective"],
                rates_as_percent=True, **goal_form.kpi_values(),
            )) is not None:
                messages.success(request, _("Goal added."))
                return redirect("campaigns:goals", pk=campaign.pk)
        elif request.POST.get("form") == "kpi" and kpi_form.is_valid():
            goal = kpi_form.cleaned_data["goal"]
            if _run(kpi_form, lambda: services.kpi_create(
                actor=request.user, goal=goal, rates_as_percent=True, **kpi_form.kpi_values()
            )) is not None:
                messages.success(request, _("KPI added."))
                return redirect("campaigns:goals", pk=campaign.pk)
    return render(request, "campaigns/goals.html", {
        "campaign": campaign, "goals": goals, "goal_form": goal_form, "kpi_form": kpi_form,
        "scorecard": smart_check(campaign), "step": 2, **plan,
        "can_record": user_can(request.user, campaign.team_id, "campaign.edit")
        and campaign.status not in LOCKED_STATUSES,
    })


def kpi_edit(request, pk: int, kpi_pk: int):
    """Change a KPI, or (once the plan is locked for the user) record its result."""
    campaign = _get(request, pk)
    kpi = selectors.kpis_visible_to(request.user).filter(goal__campaign=campaign, pk=kpi_pk).first()
    if kpi is None:
        raise Http404
    _require_edit(request, campaign)
    plan = _plan_state(request.user, campaign)
    scale = 100 if kpi.is_rate else 1
    data = request.POST if request.method == "POST" else None
    if plan["can_edit"]:
        initial = {
            f: getattr(kpi, f) for f in (
                "metric", "platform", "direction", "baseline", "no_baseline_reason", "target",
                "target_change_percent", "deadline", "unit", "weight", "achieved",
            )
        }
        for f in ("baseline", "target", "achieved"):
            if initial[f] is not None:
                initial[f] = initial[f] * scale
        if initial["target_change_percent"] is not None:
            initial["target"] = None
        form = KPIEditForm(data, initial=initial)
    else:
        achieved = kpi.achieved * scale if kpi.achieved is not None else None
        form = AchievedForm(data, initial={"achieved": achieved})
    if request.method == "POST" and form.is_valid():
        if plan["can_edit"]:
            call = lambda: services.kpi_update(  # noqa: E731
                actor=request.user, kpi=kpi, rates_as_percent=True, **form.kpi_values()
            )
        else:
            call = lambda: services.kpi_record_achieved(  # noqa: E731
                actor=request.user, kpi=kpi, achieved=form.cleaned_data["achieved"],
                rates_as_percent=True,
            )
        if _run(form, call) is not None:
            messages.success(request, _("KPI saved."))
            return redirect("campaigns:goals", pk=campaign.pk)
    return render(request, "campaigns/kpi_form.html", {
        "campaign": campaign, "kpi": kpi, "form": form, **plan,
    })


@require_POST
def goal_delete(request, pk: int, goal_pk: int):
    campaign = _get(request, pk)
    goal = selectors.goals_visible_to(request.user).filter(campaign=campaign, pk=goal_pk).first()
    if goal is None:
        raise Http404
    try:
        services.goal_delete(actor=request.user, goal=goal)
        messages.success(request, _("Goal removed."))
    except ValidationError as exc:
        _flash_errors(request, exc)
    return redirect("campaigns:goals", pk=campaign.pk)


@require_POST
def kpi_delete(request, pk: int, kpi_pk: int):
    campaign = _get(request, pk)
    kpi = selectors.kpis_visible_to(request.user).filter(goal__campaign=campaign, pk=kpi_pk).first()
    if kpi is None:
        raise Http404
    try:
        services.kpi_delete(actor=request.user, kpi=kpi)
        messages.success(request, _("KPI removed."))
    except ValidationError as exc:
        _flash_errors(request, exc)
    return redirect("campaigns:goals", pk=campaign.pk)


# --- step 3: phases and milestones ------------------------------------------------------


def campaign_phases(request, pk: int):
    campaign = _get(request, pk, detail=True)
    plan = _plan_state(request.user, campaign)
    members = get_user_model().objects.filter(memberships__team=campaign.team).order_by("username")
    phase_form = PhaseForm(
        request.POST if request.POST.get("form") == "phase" else None, prefix="phase",
        initial={"start_date": campaign.start_date, "end_date": campaign.end_date},
    )
    milestone_form = MilestoneForm(
        request.POST if request.POST.get("form") == "milestone" else None, prefix="milestone",
        phases=campaign.phases.all(), members=members,
    )
    if request.method == "POST":
        _require_edit(request, campaign)
        if not plan["can_edit"]:
            messages.warning(request, plan["lock_reason"])
            return redirect("campaigns:phases", pk=campaign.pk)
        which = request.POST.get("form")
        if which == "standard":
            try:
                services.phase_standard_plan(actor=request.user, campaign=campaign)
                messages.success(request, _("Standard plan created."))
            except ValidationError as exc:
                _flash_errors(request, exc)
            return redirect("campaigns:phases", pk=campaign.pk)
        if which == "phase" and phase_form.is_valid():
            phase = _run(phase_form, lambda: services.phase_create(
                actor=request.user, campaign=campaign, **phase_form.cleaned_data
            ))
            if phase is not None:
                messages.success(request, _("Phase added."))
                return redirect("campaigns:phases", pk=campaign.pk)
        if which == "milestone" and milestone_form.is_valid():
            data = dict(milestone_form.cleaned_data)
            phase = data.pop("phase")
            if _run(milestone_form, lambda: services.milestone_create(
                actor=request.user, phase=phase, **data
            )) is not None:
                messages.success(request, _("Milestone added."))
                return redirect("campaigns:phases", pk=campaign.pk)
    return render(request, "campaigns/phases.html", {
        "campaign": campaign, "phases": campaign.phases.all(), "phase_form": phase_form,
        "milestone_form": milestone_form, "step": 3, **plan,
        "gantt": gantt_figure(campaign),
    })


@require_POST
def phase_delete(request, pk: int, phase_pk: int):
    campaign = _get(request, pk)
    phase = selectors.phases_visible_to(request.user).filter(campaign=campaign, pk=phase_pk).first()
    if phase is None:
        raise Http404
    try:
        services.phase_delete(actor=request.user, phase=phase)
        messages.success(request, _("Phase removed."))
    except ValidationError as exc:
        _flash_errors(request, exc)
    return redirect("campaigns:phases", pk=campaign.pk)


@require_POST
def milestone_toggle(request, pk: int, milestone_pk: int):
    campaign = _get(request, pk)
    milestone = (
        selectors.milestones_visible_to(request.user)
        .filter(phase__campaign=campaign, pk=milestone_pk).first()
    )
    if milestone is None:
        raise Http404
    try:
        services.milestone_set_done(
            actor=request.user, milestone=milestone, done=milestone.done_at is None
        )
    except ValidationError as exc:
        _flash_errors(request, exc)
    return redirect("campaigns:detail", pk=campaign.pk)


# --- detail and lifecycle ---------------------------------------------------------------


def campaign_detail(request, pk: int):
    campaign = _get(request, pk, detail=True)
    user = request.user
    scorecard = smart_check(campaign)
    kpis = [(goal, kpi) for goal in campaign.goals.all() for kpi in goal.kpis.all()]
    milestones = sorted(
        (m for p in campaign.phases.all() for m in p.milestones.all()),
        key=lambda m: (m.due_date, m.pk),
    )
    labels = dict(CampaignStatus.choices)
    transitions = [
        (to, labels[to]) for to in services.transitions_allowed(user, campaign)
    ]
    can_submit = (
        campaign.status == CampaignStatus.DRAFT
        and campaign.submitted_at is None
        and user_can(user, campaign.team_id, "campaign.submit")
    )
    return render(request, "campaigns/detail.html", {
        "campaign": campaign,
        "scorecard": scorecard,
        "kpis": kpis,
        "phases": campaign.phases.all(),
        "milestones": milestones,
        "gantt": gantt_figure(campaign),
        "feed": selectors.activity_feed(campaign),
        "transitions": transitions,
        "can_submit": can_submit,
        # Ticking milestones off is work, not planning: any editor may while it runs.
        "can_edit": user_can(user, campaign.team_id, "campaign.edit")
        and campaign.status not in LOCKED_STATUSES,
        **{f"plan_{k}": v for k, v in _plan_state(user, campaign).items()},
        "can_duplicate": user_can(user, campaign.team_id, "campaign.edit"),
        "duplicate_form": DuplicateForm(initial={"start_date": timezone.localdate()}),
        "recommend_query": _recommend_query(campaign),
    })


def _recommend_query(campaign: Campaign) -> str:
    from urllib.parse import urlencode

    pairs = [("age_bands", band) for band in campaign.target_age_bands]
    pairs.append(("gender", campaign.target_gender))
    if campaign.target_interests:
        pairs.append(("interests", ",".join(campaign.target_interests)))
    return urlencode(pairs)


@require_POST
def campaign_transition(request, pk: int):
    campaign = _get(request, pk)
    form = TransitionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Unknown status."))
        return redirect("campaigns:detail", pk=campaign.pk)
    try:
        services.campaign_transition(
            actor=request.user, campaign=campaign, to=form.cleaned_data["to"],
            reason=form.cleaned_data["reason"],
        )
    except ValidationError as exc:
        _flash_errors(request, exc)
    except PermissionDenied as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Status changed to “%(status)s”.") % {
            "status": CampaignStatus(form.cleaned_data["to"]).label
        })
    return redirect("campaigns:detail", pk=campaign.pk)


@require_POST
def campaign_submit(request, pk: int):
    campaign = _get(request, pk)
    try:
        services.campaign_submit(
            actor=request.user, campaign=campaign, reason=request.POST.get("reason", "")
        )
    except ValidationError as exc:
        _flash_errors(request, exc)
    except PermissionDenied as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Submitted for approval; the team's managers were notified."))
    return redirect("campaigns:detail", pk=campaign.pk)


@require_POST
def campaign_duplicate(request, pk: int):
    campaign = _get(request, pk)
    form = DuplicateForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Enter a valid start date for the copy."))
        return redirect("campaigns:detail", pk=campaign.pk)
    try:
        copy = services.campaign_duplicate(
            actor=request.user, campaign=campaign, **form.cleaned_data
        )
    except ValidationError as exc:
        _flash_errors(request, exc)
        return redirect("campaigns:detail", pk=campaign.pk)
    messages.success(request, _("Plan copied; check the dates of the new draft."))
    return redirect("campaigns:detail", pk=copy.pk)


def milestone_open(request, pk: int):
    """A milestone's own address: its campaign's page, at the milestone."""
    milestone = selectors.milestones_visible_to(request.user).filter(pk=pk).first()
    if milestone is None:
        raise Http404
    return redirect(f"{milestone.phase.campaign.get_absolute_url()}#milestone-{milestone.pk}")

"""Calendar pages (S2.3.1): thin doors into ``campaigns.publishing.services``.

Reads go through the scoped selectors (another team's publication is a 404);
every write is a service call whose ``ValidationError`` lands on the form
(``teams.doors.apply_validation_error``) or, for a drop on the calendar, comes
back as a 400 with the reasons for the page's script to show.
"""

from __future__ import annotations

import datetime

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from campaigns.content.models import ContentItem
from campaigns.planning.models import Campaign
from platforms.models import Platform, PlatformAccount
from teams.doors import apply_validation_error, get_or_404
from teams.models import Membership
from teams.selectors import scope_to_user_teams, teams_where, user_can

from . import selectors, services
from .forms import (
    CalendarFilterForm,
    MoveForm,
    PlanForm,
    PublicationFilterForm,
    ReasonForm,
    RescheduleForm,
    RetryForm,
    ScheduleForm,
    SlotForm,
    at_in,
)
from .models import PublicationStatus, Slot
from .timing import PRESETS

P = PublicationStatus


# --- helpers ----------------------------------------------------------------------------


def _run(form, call):
    """Call a service; its field errors land on the form instead of a 500."""
    try:
        return call()
    except ValidationError as exc:
        apply_validation_error(form, exc)
    return None


def _flash(request, exc: ValidationError) -> None:
    messages.error(request, " ".join(exc.messages))


def _item(request, pk: int) -> ContentItem:
    return get_or_404(lambda: scope_to_user_teams(
        ContentItem.objects.select_related("team", "campaign"), request.user
    ).get(pk=pk))


def _publication(request, pk: int, *, detail: bool = False):
    if detail:
        return get_or_404(selectors.publication_get, request.user, pk)
    return get_or_404(lambda: selectors.publications_visible_to(request.user).get(pk=pk))


def _campaigns(request, team=None):
    qs = scope_to_user_teams(Campaign.objects.select_related("team"), request.user)
    if team is not None:
        qs = qs.filter(team=team)
    return qs.order_by("name")


def _accounts(request, team=None):
    qs = scope_to_user_teams(
        PlatformAccount.objects.select_related("platform", "team"), request.user
    )
    if team is not None:
        qs = qs.filter(team=team)
    return qs.order_by("platform__sort_order", "handle")


def _default_team(request, teams):
    own = set(
        Membership.objects.filter(user_id=request.user.pk).values_list("team_id", flat=True)
    )
    for team in teams:
        if team.pk in own:
            return team
    return teams[0] if teams else None


def _filters(form) -> dict:
    if not form.is_bound:
        return {}
    form.is_valid()  # invalid filters are shown; the valid ones still apply
    return form.cleaned_data


def _pk(value):
    return value.pk if value is not None else None


# --- calendar ---------------------------------------------------------------------------


def calendar_view(request):
    teams = selectors.calendar_teams(request.user)
    chosen = None
    if request.GET.get("team"):
        chosen = next((t for t in teams if str(t.pk) == request.GET["team"]), None)
    team = chosen or _default_team(request, teams)
    if team is None:
        return render(request, "publishing/calendar.html", {"cal": None, "form": None})
    bound = None
    if request.GET:
        bound = request.GET.copy()
        bound["team"] = str(team.pk)  # the team shown, also when none or a foreign one was asked
    form = CalendarFilterForm(
        bound, initial={"team": team, "view": "month"},
        teams=selectors.teams_visible_queryset(request.user),
        # The filter shows each campaign by name and reads back only its id.
        campaigns=_campaigns(request, team).select_related(None).only("id", "name"),
        platforms=Platform.objects.filter(accounts__team=team).distinct().order_by("sort_order"),
        accounts=_accounts(request, team),
    )
    data = _filters(form)
    cal = selectors.calendar(
        request.user, team=team, view=data.get("view") or "month", anchor=data.get("date"),
        campaign=_pk(data.get("campaign")), platform=_pk(data.get("platform")),
        account=_pk(data.get("account")), state=data.get("state") or "",
    )
    can_publish = user_can(request.user, team, services.PUBLISH)
    ready = (
        selectors.items_ready_to_schedule(
            request.user, team=team, campaign=_pk(data.get("campaign"))
        ) if can_publish else []
    )
    query = request.GET.copy()
    for key in ("date", "view"):
        query.pop(key, None)
    query["team"] = str(team.pk)
    return render(request, "publishing/calendar.html", {
        "cal": cal, "form": form, "team": team, "can_publish": can_publish,
        "ready_items": ready, "query": query.urlencode(),
        "today": timezone.localtime(timezone.now(), team.zone).date(),
        "hours": range(24),
    })


def _drop_at(team, publication_local: datetime.datetime | None, form: MoveForm):
    """The instant a drop means: the day (and hour) dropped on, the rest from the entry."""
    day = form.cleaned_data["date"]
    hour = form.cleaned_data.get("hour")
    if publication_local is None:
        base = datetime.time(hour if hour is not None else 20, 0)
    else:
        base = publication_local.time().replace(second=0, microsecond=0)
        if hour is not None:
            base = base.replace(hour=hour)
    return at_in(team, day, base)


def _drop_error(request, exc: ValidationError | str, status: int = 400) -> HttpResponse:
    errors = [exc] if isinstance(exc, str) else exc.messages
    html = render_to_string("publishing/_feedback.html", {"errors": errors}, request=request)
    return HttpResponse(html, status=status)


def _refresh() -> HttpResponse:
    response = HttpResponse(status=200)
    response["HX-Refresh"] = "true"
    return response


@require_POST
def publication_move(request, pk: int):
    """A scheduled publication dropped on another day, hour or unfilled slot (htmx)."""
    pub = _publication(request, pk)
    form = MoveForm(request.POST)
    if not form.is_valid():
        return _drop_error(request, _("Drop the entry on a day of the calendar."))
    slot = None
    if form.cleaned_data.get("slot"):
        slot = selectors.slots_visible_to(request.user).filter(
            pk=form.cleaned_data["slot"]
        ).first()
        if slot is None:
            return _drop_error(request, _("That slot no longer exists."), status=404)
    local = timezone.localtime(pub.scheduled_at, pub.team.zone)
    try:
        services.publication_reschedule(
            actor=request.user, publication=pub, slot=slot,
            at=None if slot else _drop_at(pub.team, local, form),
        )
    except ValidationError as exc:
        return _drop_error(request, exc)
    except PermissionDenied as exc:
        return _drop_error(request, str(exc), status=403)
    messages.success(request, _("Moved."))
    return _refresh()


@require_POST
def item_drop(request, pk: int):
    """An approved item dropped on a day, hour or unfilled slot: scheduled on its accounts."""
    item = _item(request, pk)
    form = MoveForm(request.POST)
    if not form.is_valid():
        return _drop_error(request, _("Drop the item on a day of the calendar."))
    slot = None
    if form.cleaned_data.get("slot"):
        slot = selectors.slots_visible_to(request.user).filter(
            pk=form.cleaned_data["slot"]
        ).first()
        if slot is None:
            return _drop_error(request, _("That slot no longer exists."), status=404)
    try:
        services.publication_schedule(
            actor=request.user, item=item, slot=slot,
            at=None if slot else _drop_at(item.team, None, form),
        )
    except ValidationError as exc:
        return _drop_error(request, exc)
    except PermissionDenied as exc:
        return _drop_error(request, str(exc), status=403)
    messages.success(request, _("Scheduled."))
    return _refresh()


# --- publications -----------------------------------------------------------------------


def publication_list(request):
    form = PublicationFilterForm(
        request.GET or None,
        teams=selectors.teams_visible_queryset(request.user),
        campaigns=_campaigns(request),
        platforms=Platform.objects.filter(accounts__isnull=False).distinct().order_by("sort_order"),
        accounts=_accounts(request),
    )
    data = _filters(form)
    team = data.get("team")
    zone = team.zone if team else None
    qs = selectors.publication_list(
        request.user, team=_pk(team), campaign=_pk(data.get("campaign")),
        platform=_pk(data.get("platform")), account=_pk(data.get("account")),
        status=data.get("state") or "",
        starts=at_in(team, data.get("date_from"), datetime.time(0))
        if team and data.get("date_from") else None,
        ends=at_in(team, data.get("date_to") + datetime.timedelta(days=1), datetime.time(0))
        if team and data.get("date_to") else None,
    )
    page = Paginator(qs, 25).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "publishing/publication_list.html", {
        "form": form, "page": page, "publications": page.object_list, "zone": zone,
        "query": query.urlencode(),
    })


def _detail_context(request, pub) -> dict:
    zone = pub.team.zone
    local = timezone.localtime(pub.scheduled_at, zone)
    attempts = list(pub.attempt_log.all())
    last = attempts[0] if attempts else None
    retry_blocked = ""
    if pub.status == P.UNKNOWN and last is not None and (
        pub.outcome_checked_at is None
        or pub.outcome_checked_at < (last.finished_at or last.started_at)
    ):
        retry_blocked = _(
            "Ask the platform first: the post may already be online, and retrying would "
            "publish it twice."
        )
    return {
        "pub": pub, "zone": zone, "local": local, "attempts": attempts, "last": last,
        "can_publish": user_can(request.user, pub.team_id, services.PUBLISH),
        "reschedule_form": RescheduleForm(initial={"date": local.date(), "time": local.time()}),
        "retry_form": RetryForm(initial={"seen_attempt": pub.attempts}),
        "retry_blocked": retry_blocked,
        "feed": selectors.publication_activity(pub),
    }


def publication_detail(request, pk: int):
    pub = _publication(request, pk, detail=True)
    return render(request, "publishing/publication_detail.html", _detail_context(request, pub))


def _detail_with(request, pub, *, status: int, **forms):
    """The detail page again, with a bound form (and its errors) in place of the empty one."""
    context = _detail_context(request, pub)
    context.update(forms)
    return render(request, "publishing/publication_detail.html", context, status=status)


@require_POST
def publication_reschedule(request, pk: int):
    pub = _publication(request, pk, detail=True)
    form = RescheduleForm(request.POST)
    if form.is_valid():
        done = _run(form, lambda: services.publication_reschedule(
            actor=request.user, publication=pub,
            at=at_in(pub.team, form.cleaned_data["date"], form.cleaned_data["time"]),
        ))
        if done is not None:
            messages.success(request, _("The publication was moved."))
            return redirect(pub.get_absolute_url())
    return _detail_with(request, pub, reschedule_form=form, status=400)


@require_POST
def publication_retry(request, pk: int):
    pub = _publication(request, pk, detail=True)
    form = RetryForm(request.POST)
    if form.is_valid():
        at = at_in(pub.team, form.cleaned_data.get("date"), form.cleaned_data.get("time"))
        if (form.cleaned_data.get("date") is None) != (form.cleaned_data.get("time") is None):
            form.add_error("time", _("Give both a date and a time, or neither to retry now."))
        else:
            done = _run(form, lambda: services.publication_retry(
                actor=request.user, publication=pub,
                seen_attempt=form.cleaned_data["seen_attempt"], at=at,
            ))
            if done is not None:
                messages.success(request, _("The publication will be sent again."))
                return redirect(pub.get_absolute_url())
    return _detail_with(request, pub, retry_form=form, status=400)


@require_POST
def publication_cancel(request, pk: int):
    pub = _publication(request, pk)
    form = ReasonForm(request.POST)
    form.is_valid()
    try:
        services.publication_cancel(
            actor=request.user, publication=pub, reason=form.cleaned_data.get("reason", "")
        )
    except ValidationError as exc:
        _flash(request, exc)
    else:
        messages.success(request, _("The publication was cancelled."))
    return redirect(pub.get_absolute_url())


@require_POST
def publication_check(request, pk: int):
    pub = _publication(request, pk)
    try:
        services.publication_check_request(actor=request.user, publication=pub)
    except ValidationError as exc:
        _flash(request, exc)
    else:
        messages.info(request, _("The platform is being asked; reload the page in a moment."))
    return redirect(pub.get_absolute_url())


# --- scheduling an item -----------------------------------------------------------------


def item_schedule(request, pk: int):
    item = _item(request, pk)
    if not user_can(request.user, item.team_id, services.PUBLISH):
        raise PermissionDenied(_("Your role may not schedule or publish for this team."))
    targets = PlatformAccount.objects.filter(
        content_variants__item=item
    ).select_related("platform").order_by("platform__sort_order", "handle")
    slots = list(
        Slot.objects.filter(
            account__in=targets, item__isnull=True, starts_at__gt=timezone.now()
        ).select_related("account__platform").order_by("starts_at")[:100]
    )
    form = ScheduleForm(
        request.POST or None, accounts=targets, slots=slots, zone=item.team.zone,
        initial={"accounts": list(targets)},
    )
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            data = form.cleaned_data
            slot = next((s for s in slots if str(s.pk) == data.get("slot")), None)
            if data.get("slot") and slot is None:
                form.add_error("slot", _("That slot is no longer free."))
            else:
                created = _run(form, lambda: services.publication_schedule(
                    actor=request.user, item=item, accounts=list(data["accounts"]) or None,
                    slot=slot, at=None if slot else at_in(item.team, data["date"], data["time"]),
                ))
                if created:
                    messages.success(request, _("Scheduled on %(count)s accounts.") % {
                        "count": len(created)
                    })
                    local = timezone.localtime(created[0].scheduled_at, item.team.zone)
                    return redirect(
                        f"{reverse('publishing:calendar')}?team={item.team_id}"
                        f"&date={local.date().isoformat()}"
                    )
    return render(request, "publishing/item_schedule.html", {
        "item": item, "form": form, "zone": item.team.zone,
    }, status=status)


@require_POST
def item_unschedule(request, pk: int):
    item = _item(request, pk)
    form = ReasonForm(request.POST)
    form.is_valid()
    try:
        services.publication_unschedule(
            actor=request.user, item=item, reason=form.cleaned_data.get("reason", "")
        )
    except ValidationError as exc:
        _flash(request, exc)
    else:
        messages.success(request, _("The item was taken off the calendar."))
    return redirect(f"{reverse('publishing:calendar')}?team={item.team_id}")


# --- plans and slots --------------------------------------------------------------------


def _plan_choices(request):
    teams = teams_where(request.user, services.PUBLISH)
    team_ids = [t.pk for t in teams]
    campaigns = _campaigns(request).filter(team_id__in=team_ids)
    accounts = _accounts(request).filter(team_id__in=team_ids)
    return campaigns, accounts


def plan_list(request):
    campaigns, accounts = _plan_choices(request)
    can_plan = bool(teams_where(request.user, services.PUBLISH))
    campaign_filter = request.GET.get("campaign")
    plans = selectors.plan_list(
        request.user, campaign=int(campaign_filter) if (campaign_filter or "").isdigit() else None
    )
    form = PlanForm(
        request.POST if request.POST.get("form") == "plan" else None,
        campaigns=campaigns, accounts=accounts, prefix="plan",
        initial={"starts_on": timezone.localdate(), "preset": "image_text_daily"},
    )
    slot_form = SlotForm(
        request.POST if request.POST.get("form") == "slot" else None,
        accounts=accounts, prefix="slot",
    )
    status = 200
    if request.method == "POST":
        if not can_plan:
            raise PermissionDenied(_("Your role may not schedule or publish for this team."))
        status = 400
        if request.POST.get("form") == "plan" and form.is_valid():
            plan = _run(form, lambda: services.plan_create(actor=request.user, **form.cleaned_data))
            if plan is not None:
                messages.success(request, _("Plan created; its slots are on the calendar."))
                return redirect("publishing:plans")
        elif request.POST.get("form") == "slot" and slot_form.is_valid():
            account = slot_form.cleaned_data["account"]
            slot = _run(slot_form, lambda: services.slot_create(
                actor=request.user, account=account,
                at=at_in(account.team, slot_form.cleaned_data["date"],
                         slot_form.cleaned_data["time"]),
            ))
            if slot is not None:
                messages.success(request, _("Slot added."))
                return redirect("publishing:plans")
    return render(request, "publishing/plans.html", {
        "plans": plans, "form": form, "slot_form": slot_form, "can_plan": can_plan,
        "presets": PRESETS,
    }, status=status)


def plan_edit(request, pk: int):
    plan = get_or_404(lambda: selectors.plans_visible_to(request.user).get(pk=pk))
    if not user_can(request.user, plan.team_id, services.PUBLISH):
        raise PermissionDenied(_("Your role may not schedule or publish for this team."))
    campaigns = _campaigns(request, plan.team)
    accounts = _accounts(request, plan.team)
    initial = {
        f: getattr(plan, f) for f in (
            "campaign", "account", "name", "content_kind", "rrule", "time_of_day", "starts_on",
            "ends_on",
        )
    }
    form = PlanForm(request.POST or None, campaigns=campaigns, accounts=accounts, initial=initial)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            data = dict(form.cleaned_data)
            if _run(form, lambda: services.plan_update(actor=request.user, plan=plan, **data)):
                messages.success(request, _("Plan saved."))
                return redirect("publishing:plans")
    return render(request, "publishing/plan_form.html", {"plan": plan, "form": form},
                  status=status)


@require_POST
def plan_delete(request, pk: int):
    plan = get_or_404(lambda: selectors.plans_visible_to(request.user).get(pk=pk))
    services.plan_delete(actor=request.user, plan=plan)
    messages.success(request, _("Plan removed."))
    return redirect("publishing:plans")


@require_POST
def slot_delete(request, pk: int):
    slot = get_or_404(lambda: selectors.slots_visible_to(request.user).get(pk=pk))
    try:
        services.slot_delete(actor=request.user, slot=slot)
    except ValidationError as exc:
        _flash(request, exc)
    else:
        messages.success(request, _("Slot removed."))
    return redirect(f"{reverse('publishing:calendar')}?team={slot.team_id}")

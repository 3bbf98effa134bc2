"""Meeting pages (S3.3.2), calendar invitations and the per-user calendar feed."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from ..doors import apply_validation_error, get_or_404
from ..forms import ActionItemForm, DecisionForm, MeetingForm, MinutesForm, SeriesForm, in_team_zone
from ..ical import meetings_ics
from ..models import Decision, DecisionStatus, MeetingStatus
from ..selectors import meetings as meeting_selectors
from ..selectors import user_can
from ..services import meetings as meeting_services
from ._common import error_message, pick_team


def meetings(request: HttpRequest, series_form=None, meeting_form=None,
             status: int = 200) -> HttpResponse:
    """Coming and past meetings of a team, its series, and forms to set up new ones."""
    team, teams = pick_team(request)
    context = {"team": team, "teams": teams}
    if team is not None:
        now = timezone.now()
        context |= {
            "upcoming": list(meeting_selectors.meeting_list(request.user, team=team.pk, now=now)[:30]),
            "past": list(meeting_selectors.meeting_list(
                request.user, team=team.pk, when="past", now=now)[:10]),
            "series": meeting_selectors.series_visible_to(request.user).filter(team=team),
            "can_manage": user_can(request.user, team, "team.manage"),
            "series_form": series_form or SeriesForm(team=team),
            "meeting_form": meeting_form or MeetingForm(team=team),
        }
    return render(request, "teams/meetings.html", context, status=status)


def _retry(request: HttpRequest, team, **forms) -> HttpResponse:
    request.GET = request.GET.copy()
    request.GET["team"] = str(team.pk)
    return meetings(request, status=400, **forms)


@require_POST
def series_new(request: HttpRequest) -> HttpResponse:
    team, _teams = pick_team(request)
    if team is None:
        raise PermissionDenied
    form = SeriesForm(request.POST, team=team)
    if form.is_valid():
        data = dict(form.cleaned_data)
        data["first_starts_at"] = in_team_zone(data["first_starts_at"], team)
        try:
            meeting_services.meeting_series_create(actor=request.user, team=team, **data)
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, _("Meeting series set up."))
            return redirect(f"{reverse('teams:meetings')}?team={team.pk}")
    return _retry(request, team, series_form=form)


@require_POST
def meeting_new(request: HttpRequest) -> HttpResponse:
    team, _teams = pick_team(request)
    if team is None:
        raise PermissionDenied
    form = MeetingForm(request.POST, team=team)
    if form.is_valid():
        data = dict(form.cleaned_data)
        data["starts_at"] = in_team_zone(data["starts_at"], team)
        try:
            meeting = meeting_services.meeting_create(actor=request.user, team=team, **data)
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            return redirect(meeting.get_absolute_url())
    return _retry(request, team, meeting_form=form)


def meeting_detail(request: HttpRequest, pk: int, status: int = 200, **forms) -> HttpResponse:
    meeting = get_or_404(meeting_selectors.meeting_get, request.user, pk)
    may_run = meeting.organiser_id == request.user.pk or user_can(
        request.user, meeting.team_id, "team.manage"
    )
    return render(request, "teams/meeting_detail.html", {
        "meeting": meeting,
        "sections": meeting_selectors.agenda_sections(meeting),
        "may_run": may_run,
        "can_assign": user_can(request.user, meeting.team_id, "task.assign"),
        "minutes_form": forms.get("minutes_form") or MinutesForm(initial={"minutes": meeting.minutes}),
        "decision_form": forms.get("decision_form") or DecisionForm(),
        "action_form": forms.get("action_form") or ActionItemForm(team=meeting.team),
        "decision_statuses": DecisionStatus.choices,
        "scheduled": meeting.status == MeetingStatus.SCHEDULED,
    }, status=status)


@require_POST
def meeting_agenda(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = get_or_404(meeting_selectors.meeting_get, request.user, pk)
    try:
        meeting_services.meeting_agenda_write(meeting=meeting, actor=request.user)
    except ValidationError as exc:
        error_message(request, exc)
    else:
        messages.success(request, _("Agenda rewritten from the latest data."))
    return redirect(meeting.get_absolute_url())


@require_POST
def meeting_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = get_or_404(meeting_selectors.meeting_get, request.user, pk)
    try:
        meeting_services.meeting_cancel(actor=request.user, meeting=meeting)
    except ValidationError as exc:
        error_message(request, exc)
    return redirect(meeting.get_absolute_url())


@require_POST
def meeting_minutes(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = get_or_404(meeting_selectors.meeting_get, request.user, pk)
    form = MinutesForm(request.POST)
    if form.is_valid():
        try:
            meeting_services.meeting_minutes_record(actor=request.user, meeting=meeting,
                                                    **form.cleaned_data)
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, _("Minutes saved."))
            return redirect(meeting.get_absolute_url())
    return meeting_detail(request, pk, status=400, minutes_form=form)


@require_POST
def meeting_decision(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = get_or_404(meeting_selectors.meeting_get, request.user, pk)
    form = DecisionForm(request.POST)
    if form.is_valid():
        try:
            meeting_services.decision_add(actor=request.user, meeting=meeting, **form.cleaned_data)
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            return redirect(meeting.get_absolute_url() + "#decisions")
    return meeting_detail(request, pk, status=400, decision_form=form)


def _decision_get(user, pk: int) -> Decision:
    visible = meeting_selectors.meetings_visible_to(user)
    return Decision.objects.select_related("meeting", "team").get(pk=pk, meeting__in=visible)


@require_POST
def decision_status(request: HttpRequest, pk: int) -> HttpResponse:
    decision = get_or_404(_decision_get, request.user, pk)
    try:
        meeting_services.decision_set_status(
            actor=request.user, decision=decision, status=request.POST.get("status", "")
        )
    except ValidationError as exc:
        error_message(request, exc)
    return redirect(reverse("teams:meeting_detail", args=[decision.meeting_id]) + "#decisions")


@require_POST
def meeting_action(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = get_or_404(meeting_selectors.meeting_get, request.user, pk)
    form = ActionItemForm(request.POST, team=meeting.team)
    if form.is_valid():
        try:
            meeting_services.action_item_add(actor=request.user, meeting=meeting,
                                             **form.cleaned_data)
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, _("Action item recorded and assigned."))
            return redirect(meeting.get_absolute_url() + "#action-items")
    return meeting_detail(request, pk, status=400, action_form=form)


def _ics_response(body: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@require_GET
def meeting_ics(request: HttpRequest, pk: int) -> HttpResponse:
    """The meeting as a calendar invitation to import (.ics)."""
    meeting = get_or_404(meeting_selectors.meeting_get, request.user, pk)
    body = meetings_ics([meeting], name=meeting.title, absolute=request.build_absolute_uri)
    return _ics_response(body, f"meeting-{meeting.pk}.ics")


def calendar(request: HttpRequest) -> HttpResponse:
    """The user's own calendar feed address, to subscribe to in any calendar client."""
    feed = meeting_services.calendar_feed_for(request.user)
    url = request.build_absolute_uri(reverse("teams:calendar_feed", args=[feed.token]))
    return render(request, "teams/calendar.html", {
        "feed_url": url, "webcal_url": "webcal://" + url.split("://", 1)[1], "feed": feed,
    })


@require_POST
def calendar_rotate(request: HttpRequest) -> HttpResponse:
    meeting_services.calendar_feed_rotate(user=request.user)
    messages.success(request, _("New address made; the old one no longer works."))
    return redirect("teams:calendar")


@login_not_required
@never_cache
@require_GET
def calendar_feed(request: HttpRequest, token: str) -> HttpResponse:
    """A person's meetings and training sessions; the secret token in the URL is the key."""
    user = meeting_selectors.feed_owner(token)
    if user is None:
        raise Http404
    now = timezone.now()
    body = meetings_ics(
        meeting_selectors.feed_meetings(user, now),
        sessions=meeting_selectors.feed_training_sessions(user, now),
        name=_("CampaignOps: %(user)s") % {"user": user.get_username()},
        absolute=request.build_absolute_uri, feed=True,
    )
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="campaignops.ics"'
    response["X-Robots-Tag"] = "noindex"
    return response

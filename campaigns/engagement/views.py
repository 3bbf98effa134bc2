"""Pages of the inbox, activities and segments (S2.3.2; thin: services decide)."""

from __future__ import annotations

import datetime

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from platforms.models import error_summary
from teams.doors import apply_validation_error, get_or_404
from teams.selectors import teams_where, user_can

from . import draw, selectors, services
from .forms import (
    AnswerForm,
    AssignForm,
    AudienceImportForm,
    CancelForm,
    DrawForm,
    FileForm,
    InboxFilterForm,
    LotteryForm,
    NoteForm,
    PollForm,
    QuestionForm,
    QuestionFromInteractionForm,
    ReplyForm,
    ReplyTemplateForm,
    ReportForm,
    ResponsePolicyForm,
    SegmentForm,
    StatusForm,
    TriageForm,
    VoteForm,
    in_zone,
)
from .models import LotteryStatus, ReplyStatus
from .transitions import INTERACTION, LOTTERY

PAGE_SIZE = 50
REPLY = "interaction.reply"


def _status(request) -> int:
    return 400 if request.method == "POST" else 200


def _reply_teams(request) -> list:
    return teams_where(request.user, REPLY)


def _campaign_param(request) -> int | None:
    """``?campaign=`` from the campaign page's links; anything not a number is ignored."""
    value = request.GET.get("campaign", "")
    return int(value) if value.isdigit() else None


def _require_reply(request, team_id: int) -> None:
    if not user_can(request.user, team_id, REPLY):
        raise PermissionDenied


# --- the inbox ---------------------------------------------------------------------


def inbox(request):
    user = request.user
    # The campaign filter lists every campaign of the user's teams, by name: its
    # rows need no more than id and name (a full row per campaign was most of the page).
    form = InboxFilterForm(
        request.GET or None, accounts=selectors.accounts_for(user),
        members=list(selectors.team_members(selectors.visible_team_ids(user))),
        segments=selectors.segments_for(user),
        campaigns=selectors.campaigns_for(user).select_related(None).only("id", "name"),
    )
    data = form.cleaned_data if form.is_bound and form.is_valid() else {}
    status = data.get("status") or ""
    filters = selectors.InboxFilters(
        status={"": selectors.OPEN, "all": ""}.get(status, status),
        account=data["account"].pk if data.get("account") else None,
        assignee=data.get("assignee"), sentiment=data.get("sentiment") or "",
        overdue=bool(data.get("overdue")),
        segment=data["segment"].pk if data.get("segment") else None,
        kind=data.get("kind") or "", search=data.get("q") or "",
        campaign=data["campaign"].pk if data.get("campaign") else None,
    )
    rows = selectors.inbox(user, filters)
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "engagement/inbox.html", {
        "form": form, "page": page, "counts": selectors.inbox_counts(user),
        "query": query.urlencode(), "filtered": bool(data and any(data.values())),
        "now": timezone.now(),
    })


def _interaction_page(request, pk: int, *, forms: dict | None = None, http_status: int = 200):
    interaction = get_or_404(selectors.interaction_get, request.user, pk)
    can_reply = user_can(request.user, interaction.team_id, REPLY)
    templates = selectors.reply_templates_for(request.user, team=interaction.team_id)
    suggested = selectors.suggested_templates(interaction)
    forms = forms or {}
    initial_template = suggested[0][1].pk if suggested else None
    items = selectors.content_items_for(request.user).filter(team_id=interaction.team_id)
    if interaction.campaign_id:
        items = items.filter(campaign_id=interaction.campaign_id)
    return render(request, "engagement/interaction_detail.html", {
        "interaction": interaction, "can_reply": can_reply, "suggested": suggested,
        "reply_form": forms.get("reply") or ReplyForm(
            templates=templates, initial={"template": initial_template}),
        "note_form": forms.get("note") or NoteForm(),
        "assign_form": forms.get("assign") or AssignForm(
            members=selectors.assignable_members(interaction),
            initial={"assignee": interaction.assignee_id}),
        "triage_form": forms.get("triage") or TriageForm(initial={
            "priority": interaction.priority, "tags": ", ".join(interaction.tags or [])}),
        "status_form": forms.get("status") or StatusForm(initial={"status": interaction.status}),
        "question_form": forms.get("question") or QuestionFromInteractionForm(items=items),
        "next_statuses": [
            (s, INTERACTION.label(s)) for s in INTERACTION.targets(
                actor=request.user, team=interaction.team_id, source=interaction.status)
        ],
        "replies": list(interaction.replies.all()),
        "notes": list(interaction.notes.all()),
        "ReplyStatus": ReplyStatus,
    }, status=http_status)


def interaction_detail(request, pk: int):
    return _interaction_page(request, pk)


def _reply_outcome(request, reply) -> None:
    if reply.status == ReplyStatus.SENT:
        messages.success(request, _("Reply sent."))
    elif reply.status == ReplyStatus.WINDOW_CLOSED:
        messages.info(request, _(
            "Window closed: the platform accepts customer-service replies only within 48 hours "
            "of the user's last message. Nothing went wrong on our side; answer when they "
            "write again."
        ))
    else:
        messages.error(request, _("The reply was not sent: %(reason)s") % {
            "reason": error_summary(reply.error_kind, reply.error_code)})


@require_POST
def interaction_reply(request, pk: int):
    interaction = get_or_404(selectors.interaction_get, request.user, pk)
    _require_reply(request, interaction.team_id)
    form = ReplyForm(request.POST, templates=selectors.reply_templates_for(
        request.user, team=interaction.team_id))
    if form.is_valid():
        try:
            reply = services.interaction_reply(actor=request.user, interaction=interaction,
                                               **form.cleaned_data)
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            _reply_outcome(request, reply)
            return redirect("engagement:interaction", pk=pk)
    return _interaction_page(request, pk, forms={"reply": form}, http_status=400)


@require_POST
def interaction_note(request, pk: int):
    interaction = get_or_404(selectors.interaction_get, request.user, pk)
    _require_reply(request, interaction.team_id)
    form = NoteForm(request.POST)
    if form.is_valid():
        try:
            services.interaction_note_add(actor=request.user, interaction=interaction,
                                          text=form.cleaned_data["text"])
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            return redirect("engagement:interaction", pk=pk)
    return _interaction_page(request, pk, forms={"note": form}, http_status=400)


@require_POST
def interaction_assign(request, pk: int):
    interaction = get_or_404(selectors.interaction_get, request.user, pk)
    _require_reply(request, interaction.team_id)
    form = AssignForm(request.POST, members=selectors.assignable_members(interaction))
    if form.is_valid():
        try:
            services.interaction_assign(actor=request.user, interaction=interaction,
                                        assignee=form.cleaned_data["assignee"])
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, _("Assignment saved."))
            return redirect("engagement:interaction", pk=pk)
    return _interaction_page(request, pk, forms={"assign": form}, http_status=400)


@require_POST
def interaction_triage(request, pk: int):
    interaction = get_or_404(selectors.interaction_get, request.user, pk)
    _require_reply(request, interaction.team_id)
    form = TriageForm(request.POST)
    if form.is_valid():
        try:
            services.interaction_triage(actor=request.user, interaction=interaction,
                                        **form.cleaned_data)
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, _("Priority and tags saved."))
            return redirect("engagement:interaction", pk=pk)
    return _interaction_page(request, pk, forms={"triage": form}, http_status=400)


@require_POST
def interaction_status(request, pk: int):
    interaction = get_or_404(selectors.interaction_get, request.user, pk)
    form = StatusForm(request.POST)
    if form.is_valid():
        try:
            services.interaction_set_status(actor=request.user, interaction=interaction,
                                            status=form.cleaned_data["status"])
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            return redirect("engagement:interaction", pk=pk)
    return _interaction_page(request, pk, forms={"status": form}, http_status=400)


@require_POST
def interaction_question(request, pk: int):
    interaction = get_or_404(selectors.interaction_get, request.user, pk)
    _require_reply(request, interaction.team_id)
    items = selectors.content_items_for(request.user).filter(team_id=interaction.team_id)
    form = QuestionFromInteractionForm(request.POST, items=items)
    if form.is_valid():
        try:
            services.question_create(actor=request.user, item=form.cleaned_data["item"],
                                     question="", interaction=interaction)
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, _("Question added to the content's Q&A."))
            return redirect("engagement:questions")
    return _interaction_page(request, pk, forms={"question": form}, http_status=400)


# --- templates, policy, report -------------------------------------------------------


def reply_templates(request):
    teams = _reply_teams(request)
    form = ReplyTemplateForm(request.POST or None, teams=teams)
    if request.method == "POST":
        if not teams:
            raise PermissionDenied
        if form.is_valid():
            try:
                services.reply_template_create(actor=request.user, **form.cleaned_data)
            except ValidationError as exc:
                apply_validation_error(form, exc)
            else:
                messages.success(request, _("Template saved."))
                return redirect("engagement:templates")
    return render(request, "engagement/templates.html", {
        "templates": selectors.reply_templates_for(request.user), "form": form,
        "can_edit": bool(teams), "editable_team_ids": {t.pk for t in teams},
    }, status=_status(request))


def reply_template_edit(request, pk: int):
    template = get_or_404(selectors.reply_template_get, request.user, pk)
    _require_reply(request, template.team_id)
    teams = [template.team]
    form = ReplyTemplateForm(
        request.POST or None, teams=teams,
        initial={"team": template.team_id, "name": template.name, "body": template.body},
    )
    if request.method == "POST":
        if request.POST.get("delete") == "1":
            services.reply_template_delete(actor=request.user, template=template)
            messages.success(request, _("Template deleted."))
            return redirect("engagement:templates")
        if form.is_valid():
            try:
                services.reply_template_update(
                    actor=request.user, template=template, name=form.cleaned_data["name"],
                    body=form.cleaned_data["body"],
                )
            except ValidationError as exc:
                apply_validation_error(form, exc)
            else:
                messages.success(request, _("Template saved."))
                return redirect("engagement:templates")
    return render(request, "engagement/template_form.html", {"form": form, "template": template},
                  status=_status(request))


def response_policy(request):
    teams = teams_where(request.user, "team.manage")
    form = ResponsePolicyForm(request.POST or None, teams=teams)
    if request.method == "POST":
        if not teams:
            raise PermissionDenied
        if form.is_valid():
            try:
                services.response_policy_save(actor=request.user, **form.cleaned_data)
            except ValidationError as exc:
                apply_validation_error(form, exc)
            else:
                messages.success(request, _("Response policy saved."))
                return redirect("engagement:policy")
    elif len(teams) == 1:
        current = selectors.response_policy_for(teams[0])
        form = ResponsePolicyForm(teams=teams, initial={
            "team": teams[0].pk, "first_response_minutes": current.first_response_minutes,
            "working_days": current.working_days, "work_starts": current.work_starts,
            "work_ends": current.work_ends,
        })
    return render(request, "engagement/policy.html", {
        "policies": selectors.response_policies_for(request.user), "form": form,
        "can_edit": bool(teams),
    }, status=_status(request))


def response_report(request):
    teams = list(selectors.response_policies_for(request.user))
    team_list = [p.team for p in teams]
    today = timezone.localdate()
    form = ReportForm(request.GET or None, teams=team_list, initial={
        "team": team_list[0].pk if team_list else None,
        "since": today - datetime.timedelta(days=30), "until": today,
    })
    report, team = None, None
    if team_list:
        if form.is_bound and form.is_valid():
            team = next(t for t in team_list if t.pk == form.cleaned_data["team"])
            since, until = form.cleaned_data["since"], form.cleaned_data["until"]
        else:
            team, since, until = team_list[0], today - datetime.timedelta(days=30), today
        zone = team.zone
        report = selectors.first_response_report(
            team,
            since=datetime.datetime.combine(since, datetime.time(), tzinfo=zone),
            until=datetime.datetime.combine(until + datetime.timedelta(days=1), datetime.time(),
                                            tzinfo=zone),
        )
    policy = selectors.response_policy_for(team) if team else None
    return render(request, "engagement/report.html", {
        "form": form, "report": report, "team": team, "policy": policy,
    })


# --- lotteries ---------------------------------------------------------------------------


def _lottery_form(request, data=None, files=None, **kwargs) -> LotteryForm:
    teams = [t.pk for t in _reply_teams(request)]
    return LotteryForm(
        data, files,
        campaigns=selectors.campaigns_for(request.user).filter(team_id__in=teams),
        items=selectors.content_items_for(request.user).filter(team_id__in=teams),
        **kwargs,
    )


def _lottery_fields(form: LotteryForm) -> dict:
    data = dict(form.cleaned_data)
    zone = data["campaign"].team.zone
    for name in ("entries_open_at", "entries_close_at", "draw_at"):
        data[name] = in_zone(data.get(name), zone)
    return data


def lottery_list(request):
    can_create = bool(_reply_teams(request))
    form = _lottery_form(request, request.POST or None)
    if request.method == "POST":
        if not can_create:
            raise PermissionDenied
        if form.is_valid():
            try:
                lottery = services.lottery_create(actor=request.user, **_lottery_fields(form))
            except ValidationError as exc:
                apply_validation_error(form, exc)
            else:
                messages.success(request, _("Lottery created. Its commitment is fixed."))
                return redirect("engagement:lottery", pk=lottery.pk)
    return render(request, "engagement/lottery_list.html", {
        "lotteries": selectors.lotteries_for(request.user, campaign=_campaign_param(request)),
        "form": form,
        "can_create": can_create,
    }, status=_status(request))


def _lottery_page(request, pk: int, *, forms: dict | None = None, http_status: int = 200,
                  refused: tuple[str, ...] = (), action_errors: list[str] | None = None):
    lottery = get_or_404(selectors.lottery_get, request.user, pk)
    forms = forms or {}
    can_run = user_can(request.user, lottery.team_id, REPLY)
    targets = LOTTERY.targets(actor=request.user, team=lottery.team_id, source=lottery.status)
    return render(request, "engagement/lottery_detail.html", {
        "lottery": lottery, "can_run": can_run, "targets": targets,
        "import_form": forms.get("import") or FileForm(),
        "draw_form": forms.get("draw") or DrawForm(),
        "cancel_form": forms.get("cancel") or CancelForm(),
        "action_errors": action_errors or [],
        "entrants": lottery.entrants.order_by("entrant_id")[:200],
        "refused": refused, "now": timezone.now(), "LotteryStatus": LotteryStatus,
        "findings": (lottery.compliance_check.findings or []) if lottery.compliance_check else [],
    }, status=http_status)


def lottery_detail(request, pk: int):
    return _lottery_page(request, pk)


def lottery_edit(request, pk: int):
    lottery = get_or_404(selectors.lottery_get, request.user, pk)
    _require_reply(request, lottery.team_id)
    zone = lottery.team.zone
    form = _lottery_form(request, request.POST or None, initial={
        "campaign": lottery.campaign_id, "item": lottery.item_id,
        "platform": lottery.platform_id, "title": lottery.title, "rules": lottery.rules,
        "prizes": LotteryForm.prizes_text(lottery.prizes),
        "entries_open_at": timezone.localtime(lottery.entries_open_at, zone).replace(tzinfo=None),
        "entries_close_at": timezone.localtime(lottery.entries_close_at, zone).replace(tzinfo=None),
        "draw_at": timezone.localtime(lottery.draw_at, zone).replace(tzinfo=None),
        "consent_purpose": lottery.consent_purpose,
    })
    form.fields["campaign"].disabled = True
    if request.method == "POST" and form.is_valid():
        fields = _lottery_fields(form)
        fields.pop("campaign")
        try:
            services.lottery_update(actor=request.user, lottery=lottery, **fields)
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, _("Lottery saved."))
            return redirect("engagement:lottery", pk=pk)
    return render(request, "engagement/lottery_form.html", {"form": form, "lottery": lottery},
                  status=_status(request))


def _lottery_action(request, pk: int, action) -> HttpResponse:
    lottery = get_or_404(selectors.lottery_get, request.user, pk)
    try:
        message = action(lottery)
    except ValidationError as exc:
        return _lottery_page(request, pk, action_errors=exc.messages, http_status=400)
    messages.success(request, message)
    return redirect("engagement:lottery", pk=pk)


@require_POST
def lottery_open(request, pk: int):
    def act(lottery):
        services.lottery_open(actor=request.user, lottery=lottery)
        return _("Entries are open.")

    return _lottery_action(request, pk, act)


@require_POST
def lottery_close(request, pk: int):
    def act(lottery):
        services.lottery_close(actor=request.user, lottery=lottery)
        return _("Entries closed; the entrant list hash is fixed.")

    return _lottery_action(request, pk, act)


@require_POST
def lottery_collect(request, pk: int):
    lottery = get_or_404(selectors.lottery_get, request.user, pk)
    try:
        result = services.lottery_entrants_collect(actor=request.user, lottery=lottery)
    except ValidationError as exc:
        return _lottery_page(request, pk, action_errors=exc.messages, http_status=400)
    messages.success(request, ngettext(
        "%(count)s commenter entered.", "%(count)s commenters entered.", result.added,
    ) % {"count": result.added})
    if result.refused:
        return _lottery_page(request, pk, refused=result.refused)
    return redirect("engagement:lottery", pk=pk)


@require_POST
def lottery_import(request, pk: int):
    lottery = get_or_404(selectors.lottery_get, request.user, pk)
    form = FileForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            result = services.lottery_entrants_import(
                actor=request.user, lottery=lottery, upload=form.cleaned_data["file"])
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, ngettext(
                "%(count)s entrant added.", "%(count)s entrants added.", result.added,
            ) % {"count": result.added})
            return redirect("engagement:lottery", pk=pk)
    return _lottery_page(request, pk, forms={"import": form}, http_status=400)


@require_POST
def lottery_draw(request, pk: int):
    lottery = get_or_404(selectors.lottery_get, request.user, pk)
    form = DrawForm(request.POST)
    if form.is_valid():
        try:
            services.lottery_draw(actor=request.user, lottery=lottery,
                                  beacon=form.cleaned_data["beacon"])
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, _("Winners drawn. The proof is published."))
            return redirect("engagement:lottery_proof", pk=pk)
    return _lottery_page(request, pk, forms={"draw": form}, http_status=400)


@require_POST
def lottery_cancel(request, pk: int):
    lottery = get_or_404(selectors.lottery_get, request.user, pk)
    form = CancelForm(request.POST)
    if form.is_valid():
        try:
            services.lottery_cancel(actor=request.user, lottery=lottery,
                                    reason=form.cleaned_data["reason"])
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, _("Lottery called off."))
            return redirect("engagement:lottery", pk=pk)
    return _lottery_page(request, pk, forms={"cancel": form}, http_status=400)


def lottery_proof(request, pk: int):
    lottery = get_or_404(selectors.lottery_get, request.user, pk)
    proof = lottery.proof
    return render(request, "engagement/lottery_proof.html", {
        "lottery": lottery, "proof": proof,
        "proof_text": draw.proof_json(proof) if proof else "",
        "problems": draw.verify_proof(proof) if proof else [],
        "algorithm": draw.ALGORITHM,
    })


def lottery_proof_file(request, pk: int):
    lottery = get_or_404(selectors.lottery_get, request.user, pk)
    if not lottery.proof:
        raise Http404
    response = HttpResponse(draw.proof_json(lottery.proof), content_type="application/json")
    response["Content-Disposition"] = f'attachment; filename="lottery-{lottery.pk}-proof.json"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


# --- polls and Q&A ------------------------------------------------------------------------


def poll_list(request):
    teams = [t.pk for t in _reply_teams(request)]
    form = PollForm(
        request.POST or None,
        campaigns=selectors.campaigns_for(request.user).filter(team_id__in=teams),
        items=selectors.content_items_for(request.user).filter(team_id__in=teams),
    )
    if request.method == "POST":
        if not teams:
            raise PermissionDenied
        if form.is_valid():
            data = dict(form.cleaned_data)
            zone = data["campaign"].team.zone
            data["opens_at"], data["closes_at"] = (
                in_zone(data["opens_at"], zone), in_zone(data["closes_at"], zone))
            try:
                poll = services.poll_create(actor=request.user, **data)
            except ValidationError as exc:
                apply_validation_error(form, exc)
            else:
                messages.success(request, _("Poll created."))
                return redirect("engagement:poll", pk=poll.pk)
    return render(request, "engagement/poll_list.html", {
        "polls": selectors.polls_for(request.user, campaign=_campaign_param(request)),
        "form": form, "can_create": bool(teams),
        "now": timezone.now(),
    }, status=_status(request))


def poll_detail(request, pk: int):
    poll = get_or_404(selectors.poll_get, request.user, pk)
    options = list(poll.options.all())
    form = VoteForm(request.POST or None, options=options)
    if request.method == "POST":
        _require_reply(request, poll.team_id)
        if request.POST.get("close") == "1":
            try:
                services.poll_close(actor=request.user, poll=poll)
            except ValidationError as exc:
                messages.error(request, " ".join(exc.messages))
            else:
                messages.success(request, _("Voting closed."))
            return redirect("engagement:poll", pk=pk)
        if form.is_valid():
            option = next(o for o in options if o.pk == form.cleaned_data["option"])
            try:
                services.poll_vote(actor=request.user, poll=poll, option=option,
                                   participant_ref=form.cleaned_data["participant"])
            except ValidationError as exc:
                apply_validation_error(form, exc)
            else:
                messages.success(request, _("Vote recorded."))
                return redirect("engagement:poll", pk=pk)
    now = timezone.now()
    return render(request, "engagement/poll_detail.html", {
        "poll": poll, "options": options, "form": form,
        "can_vote": user_can(request.user, poll.team_id, REPLY)
        and poll.opens_at <= now < poll.closes_at,
        "is_open": poll.opens_at <= now < poll.closes_at,
    }, status=_status(request))


def question_list(request):
    teams = [t.pk for t in _reply_teams(request)]
    items = selectors.content_items_for(request.user).filter(team_id__in=teams)
    form = QuestionForm(request.POST or None, items=items)
    if request.method == "POST":
        if not teams:
            raise PermissionDenied
        if form.is_valid():
            try:
                services.question_create(actor=request.user, **form.cleaned_data)
            except ValidationError as exc:
                apply_validation_error(form, exc)
            else:
                messages.success(request, _("Question recorded."))
                return redirect("engagement:questions")
    item = request.GET.get("item")
    questions = selectors.questions_for(
        request.user, item=int(item) if item and item.isdigit() else None,
        campaign=_campaign_param(request))
    return render(request, "engagement/question_list.html", {
        "questions": questions[:200], "form": form, "answer_form": AnswerForm(),
        "can_answer_team_ids": set(teams), "can_create": bool(teams),
    }, status=_status(request))


@require_POST
def question_answer(request, pk: int):
    question = get_or_404(selectors.question_get, request.user, pk)
    form = AnswerForm(request.POST)
    if form.is_valid():
        try:
            services.question_answer(actor=request.user, question=question, **form.cleaned_data)
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, _("Answer saved."))
            return redirect("engagement:questions")
    messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
    return redirect("engagement:questions")


# --- segments ----------------------------------------------------------------------------


def _segment_form(request, data=None, **kwargs) -> SegmentForm:
    teams = _reply_teams(request)
    ids = [t.pk for t in teams]
    return SegmentForm(
        data, teams=teams,
        campaigns=selectors.campaigns_for(request.user).filter(team_id__in=ids),
        templates=selectors.reply_templates_for(request.user).filter(team_id__in=ids),
        **kwargs,
    )


def segment_list(request):
    teams = _reply_teams(request)
    form = _segment_form(request, request.POST or None)
    if request.method == "POST":
        if not teams:
            raise PermissionDenied
        if form.is_valid():
            try:
                segment = services.segment_create(actor=request.user, **form.cleaned_data)
            except ValidationError as exc:
                apply_validation_error(form, exc)
            else:
                messages.success(request, _("Segment created."))
                return redirect("engagement:segment", pk=segment.pk)
    segments = list(selectors.segments_for(request.user))
    counts = selectors.segment_counts(segments)
    for segment in segments:
        segment.member_count = counts.get(segment.pk, 0)
    ids = [t.pk for t in teams]
    return render(request, "engagement/segment_list.html", {
        "segments": segments, "form": form, "can_edit": bool(teams),
        "import_form": AudienceImportForm(
            accounts=selectors.accounts_for(request.user).filter(team_id__in=ids)),
        "audience_total": selectors.audience_for(request.user).count(),
    }, status=_status(request))


@require_POST
def audience_import(request):
    teams = [t.pk for t in _reply_teams(request)]
    if not teams:
        raise PermissionDenied
    form = AudienceImportForm(
        request.POST, request.FILES,
        accounts=selectors.accounts_for(request.user).filter(team_id__in=teams),
    )
    if form.is_valid():
        try:
            result = services.audience_import(
                actor=request.user, account=form.cleaned_data["account"],
                upload=form.cleaned_data["file"])
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, _(
                "Audience imported: %(created)s new, %(updated)s updated."
            ) % {"created": result.created, "updated": result.updated})
            return redirect("engagement:segments")
    segments = list(selectors.segments_for(request.user))
    counts = selectors.segment_counts(segments)
    for segment in segments:
        segment.member_count = counts.get(segment.pk, 0)
    return render(request, "engagement/segment_list.html", {
        "segments": segments, "form": _segment_form(request), "can_edit": True,
        "import_form": form, "audience_total": selectors.audience_for(request.user).count(),
    }, status=400)


def segment_detail(request, pk: int):
    segment = get_or_404(selectors.segment_get, request.user, pk)
    can_edit = user_can(request.user, segment.team_id, REPLY)
    form = _segment_form(request, request.POST or None, initial={
        "team": segment.team_id, "name": segment.name, "rule": segment.rule,
        "days": segment.days, "min_orders": segment.min_orders, "min_spend": segment.min_spend,
        "campaign": segment.campaign_id, "strategy": segment.strategy,
        "template": segment.template_id,
    })
    if request.method == "POST":
        if not can_edit:
            raise PermissionDenied
        if request.POST.get("delete") == "1":
            services.segment_delete(actor=request.user, segment=segment)
            messages.success(request, _("Segment deleted."))
            return redirect("engagement:segments")
        if form.is_valid():
            data = dict(form.cleaned_data)
            data.pop("team")
            try:
                services.segment_update(actor=request.user, segment=segment, **data)
            except ValidationError as exc:
                apply_validation_error(form, exc)
            else:
                messages.success(request, _("Segment saved."))
                return redirect("engagement:segment", pk=pk)
    members = selectors.segment_members(segment)
    return render(request, "engagement/segment_detail.html", {
        "segment": segment, "form": form, "can_edit": can_edit,
        "members": members[:100], "member_count": members.count(),
    }, status=_status(request))


def segment_export(request, pk: int):
    segment = get_or_404(selectors.segment_get, request.user, pk)
    _require_reply(request, segment.team_id)
    text = services.segment_export(actor=request.user, segment=segment)
    response = HttpResponse("\ufeff" + text, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="segment-{segment.pk}.csv"'
    response["X-Content-Type-Options"] = "nosniff"
    return response

"""Content pages (S2.2.3, S3.1.2): thin doors into ``campaigns.content.services``."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from campaigns.planning.selectors import campaigns_visible_to
from campaigns.planning.transitions import LOCKED_STATUSES
from compliance.advertising.models import ContentCheck, Severity
from compliance.advertising.selectors import filings_for
from platforms.selectors import accounts_for_user
from teams.doors import apply_validation_error, get_or_404
from teams.downloads import attachment_response
from teams.selectors import teams_where, user_can

from . import selectors, services
from .diff import snapshot_diff
from .forms import (
    CampaignPickForm,
    DiffForm,
    ItemFilterForm,
    ItemForm,
    LicenceForm,
    MediaUploadForm,
    OverrideForm,
    ReasonForm,
    ReviewForm,
)
from .models import ContentItem, ContentStatus, MediaAsset

S = ContentStatus


# --- helpers ----------------------------------------------------------------------------


def _item(request: HttpRequest, pk: int) -> ContentItem:
    return get_or_404(selectors.item_get, request.user, pk)


def _flash(request: HttpRequest, exc: ValidationError) -> None:
    for message in exc.messages:
        messages.error(request, message)


def _run(request: HttpRequest, call) -> Any | None:
    """Call a service for a button without a form: its errors become messages."""
    try:
        return call()
    except ValidationError as exc:
        _flash(request, exc)
    return None


def _is_own(user, item: ContentItem) -> bool:
    return item.owner_id == user.pk or item.versions.filter(
        number=item.version, author_id=user.pk
    ).exists()


def highlight(text: str, findings: list[dict], overridden: frozenset[int]) -> list[dict]:
    """``text`` cut into pieces, each finding's span marked with its severity and number."""
    marks = sorted(
        (f["start"], f["end"], i, f.get("severity", ""))
        for i, f in enumerate(findings)
        if isinstance(f.get("start"), int) and isinstance(f.get("end"), int) and f["end"] > f["start"]
    )
    pieces, at = [], 0
    for start, end, index, severity in marks:
        if start < at:
            continue  # overlapping spans: the first one marks the text
        if start > at:
            pieces.append({"text": text[at:start]})
        pieces.append({
            "text": text[start:end], "severity": severity, "index": index + 1,
            "overridden": index in overridden,
        })
        at = end
    if at < len(text):
        pieces.append({"text": text[at:]})
    return pieces


def _finding_rows(check: ContentCheck, overridden: frozenset[int]) -> list[dict]:
    zh = (translation.get_language() or "").startswith("zh")
    overrides = {o.finding_index: o for o in check.overrides.all()}
    return [
        {
            "index": i, "number": i + 1, "rule": f.get("rule", ""),
            "severity": f.get("severity", ""), "blocks": f.get("severity") == Severity.BLOCK,
            "match": f.get("match", ""),
            "message": f.get("message_zh" if zh else "message_en", ""),
            "basis": f.get("basis_zh" if zh else "basis_en", ""),
            "override": overrides.get(i),
        }
        for i, f in enumerate(check.findings or [])
    ]


def _checks_context(item: ContentItem) -> list[dict]:
    rows = []
    for vc in selectors.item_checks(item):
        rows.append({
            "variant": vc.variant, "check": vc.check, "text": vc.text,
            "pieces": highlight(vc.text, vc.check.findings or [], vc.overridden) if vc.check else [],
            "findings": _finding_rows(vc.check, vc.overridden) if vc.check else [],
            "blocking_open": vc.blocking_open,
        })
    return rows


def _diff_context(item: ContentItem, a: int, b: int) -> dict:
    old = selectors.version_get(item, a)
    new = selectors.version_get(item, b)
    media_ids = set(old.snapshot.get("media") or []) | set(new.snapshot.get("media") or [])
    names = dict(MediaAsset.objects.filter(pk__in=media_ids).values_list("pk", "title"))
    fields = snapshot_diff(
        old.snapshot, new.snapshot, old_name=f"v{a}", new_name=f"v{b}", media_names=names,
        zone=item.team.zone,
    )
    return {"old": old, "new": new, "fields": fields,
            "changed": [f for f in fields if f.changed]}


# --- list -------------------------------------------------------------------------------


def item_list(request: HttpRequest) -> HttpResponse:
    campaigns = campaigns_visible_to(request.user).order_by("name")
    accounts = accounts_for_user(request.user).order_by("platform__sort_order", "handle")
    form = ItemFilterForm(request.GET or None, campaigns=campaigns, accounts=accounts)
    filters: dict = {}
    if form.is_bound:
        form.is_valid()
        filters = form.cleaned_data
    qs = selectors.item_list(
        request.user,
        campaign=filters["campaign"].pk if filters.get("campaign") else None,
        status=filters.get("status") or None,
        kind=filters.get("kind") or None,
        account=filters["account"].pk if filters.get("account") else None,
    )
    page = Paginator(qs, 25).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    campaign = filters.get("campaign")
    return render(request, "content/list.html", {
        "form": form, "page": page, "items": page.object_list, "query": query.urlencode(),
        "filtered": any(filters.get(k) for k in ("campaign", "status", "kind", "account")),
        "campaign": campaign,
        "can_create": bool(teams_where(request.user, "content.edit")),
        "review_count": selectors.review_queue(request.user).count()
        if teams_where(request.user, "content.review") else 0,
    })


# --- editor -----------------------------------------------------------------------------


def _editor_form(request: HttpRequest, team, *, data=None, initial=None) -> ItemForm:
    return ItemForm(
        data, initial=initial,
        accounts=accounts_for_user(request.user).filter(team=team).order_by(
            "platform__sort_order", "handle"
        ),
        media=selectors.media_for(request.user, team=team.pk),
        filings=filings_for(request.user, team=team),
        zone=team.zone,
    )


def _choice_pk(box) -> int | None:
    value = box.data["value"]
    return _int(getattr(value, "value", value))


def _editor(request: HttpRequest, form: ItemForm, *, campaign, item=None) -> HttpResponse:
    media = {m.pk: m for m in form.fields["media"].queryset}
    today = timezone.localtime(timezone.now(), campaign.team.zone).date()
    return render(request, "content/editor.html", {
        "form": form, "campaign": campaign, "item": item,
        "media_rows": [
            {"box": box, "asset": media.get(_choice_pk(box))} for box in form["media"]
        ],
        "today": today,
        "zone": campaign.team.get_time_zone_display(),
    })


def item_create(request: HttpRequest) -> HttpResponse:
    editable = [t.pk for t in teams_where(request.user, "content.edit")]
    if not editable:
        raise PermissionDenied(_("Your role may not write content."))
    campaigns = campaigns_visible_to(request.user).filter(team_id__in=editable).exclude(
        status__in=LOCKED_STATUSES
    ).order_by("name")
    pick = CampaignPickForm(request.GET or None, campaigns=campaigns)
    if not pick.is_bound or not pick.is_valid():
        return render(request, "content/pick_campaign.html", {"form": pick})
    campaign = pick.cleaned_data["campaign"]
    form = _editor_form(request, campaign.team, data=request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            item = services.content_item_create(
                actor=request.user, campaign=campaign, **form.service_data()
            )
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            if "submit" in request.POST:
                return _submit_and_redirect(request, item)
            messages.success(request, _("Draft saved."))
            return redirect(item)
    return _editor(request, form, campaign=campaign)


def _initial(item: ContentItem) -> dict:
    initial = {
        "kind": item.kind, "title": item.title, "body": item.body,
        "planned_theme": item.planned_theme, "interaction_prompt": item.interaction_prompt,
        "interaction_prompt_text": item.interaction_prompt_text,
        "is_paid_promotion": item.is_paid_promotion, "filing": item.filing_id,
        "planned_at": timezone.localtime(item.planned_at, item.team.zone).replace(tzinfo=None)
        if item.planned_at else None,
        "accounts": [v.account_id for v in item.variants.all()],
        "media": [m.pk for m in item.media.all()],
        "version": item.version,
    }
    for v in item.variants.all():
        initial[f"variant_{v.account_id}_title"] = v.title
        initial[f"variant_{v.account_id}_body"] = v.body
    return initial


def item_edit(request: HttpRequest, pk: int) -> HttpResponse:
    item = _item(request, pk)
    if not user_can(request.user, item.team_id, "content.edit"):
        raise PermissionDenied(_("You may not edit this content."))
    form = _editor_form(request, item.team, data=request.POST or None, initial=_initial(item))
    if request.method == "POST" and form.is_valid():
        data = form.service_data()
        planned = data.get("planned_at")
        if planned and item.planned_at and planned == item.planned_at.replace(second=0, microsecond=0):
            data["planned_at"] = item.planned_at  # shown to the minute; unchanged
        try:
            item = services.content_item_update(
                actor=request.user, item=item, expected_version=form.cleaned_data.get("version"),
                **data,
            )
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            if "submit" in request.POST:
                return _submit_and_redirect(request, item)
            messages.success(request, _("Saved as version %(n)s.") % {"n": item.version})
            return redirect(item)
    return _editor(request, form, campaign=item.campaign, item=item)


# --- detail, diff -----------------------------------------------------------------------


def item_detail(request: HttpRequest, pk: int) -> HttpResponse:
    item = _item(request, pk)
    own = _is_own(request.user, item)
    versions = list(selectors.versions_of(item))
    diff = None
    if len(versions) > 1:
        diff = _diff_context(item, versions[1].number, versions[0].number)
    return render(request, "content/detail.html", {
        "item": item,
        "actions": selectors.item_actions(request.user, item, own=own),
        "versions": versions,
        "diff": diff,
        "diff_form": DiffForm(initial={
            "a": versions[1].number if len(versions) > 1 else 1,
            "b": versions[0].number if versions else 1, "mode": "side",
        }),
        "mode": "side",
        "checks": _checks_context(item),
        "reviews": selectors.reviews_of(item),
        "blocked": item.blocked_version == item.version,
        "media": list(item.media.all()),
        "today": timezone.localtime(timezone.now(), item.team.zone).date(),
        "reason_form": ReasonForm(),
    })


def item_diff(request: HttpRequest, pk: int) -> HttpResponse:
    item = _item(request, pk)
    form = DiffForm(request.GET)
    if not form.is_valid():
        raise Http404
    a, b = form.cleaned_data["a"], form.cleaned_data["b"]
    try:
        context = _diff_context(item, a, b)
    except item.versions.model.DoesNotExist as exc:
        raise Http404 from exc
    context.update({"item": item, "mode": form.cleaned_data.get("mode") or "side",
                    "diff_form": form})
    if request.headers.get("HX-Request"):
        return render(request, "content/_diff.html", {"diff": context, "mode": context["mode"]})
    return render(request, "content/diff.html", {**context, "diff": context})


# --- actions ----------------------------------------------------------------------------


def _submit_and_redirect(request: HttpRequest, item: ContentItem) -> HttpResponse:
    try:
        services.content_item_submit(actor=request.user, item=item)
    except ValidationError as exc:
        messages.error(request, _("Not submitted:"))
        _flash(request, exc)
    else:
        messages.success(request, _("Submitted for review."))
    return redirect(item)


@require_POST
def item_submit(request: HttpRequest, pk: int) -> HttpResponse:
    return _submit_and_redirect(request, _item(request, pk))


@require_POST
def item_recall(request: HttpRequest, pk: int) -> HttpResponse:
    item = _item(request, pk)
    if _run(request, lambda: services.content_item_move(
        actor=request.user, item=item, to=S.DRAFT, expected_from=S.IN_REVIEW,
        reason=request.POST.get("reason", ""),
    )):
        messages.success(request, _("Taken back from review: edit it and submit again."))
    return redirect(item)


@require_POST
def item_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    item = _item(request, pk)
    form = ReasonForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    if _run(request, lambda: services.content_item_withdraw(
        actor=request.user, item=item, reason=reason
    )):
        messages.success(request, _("Withdrawn."))
    return redirect(item)


@require_POST
def item_override(request: HttpRequest, pk: int) -> HttpResponse:
    item = _item(request, pk)
    form = OverrideForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return redirect(item)
    check = ContentCheck.objects.filter(pk=form.cleaned_data["check"], team_id=item.team_id).first()
    if check is None:
        raise Http404
    if _run(request, lambda: services.content_finding_override(
        actor=request.user, item=item, check=check,
        finding_index=form.cleaned_data["finding_index"], reason=form.cleaned_data["reason"],
    )):
        messages.success(request, _("Finding overridden; the author may submit again."))
    if request.POST.get("next") == "review":
        return redirect("content:review", item.pk)
    return redirect(item)


# --- review -----------------------------------------------------------------------------


def review_queue(request: HttpRequest) -> HttpResponse:
    if not teams_where(request.user, "content.review") and not teams_where(
        request.user, "compliance.override"
    ):
        raise PermissionDenied(_("Your role does not review content."))
    return render(request, "content/review_queue.html", {
        "items": selectors.review_queue(request.user),
        "blocked": selectors.override_queue(request.user),
    })


def item_review(request: HttpRequest, pk: int) -> HttpResponse:
    item = _item(request, pk)
    if not user_can(request.user, item.team_id, "content.review"):
        raise PermissionDenied(_("You may not review content of this team."))
    form = ReviewForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.content_item_review(actor=request.user, item=item, **form.cleaned_data)
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, _("Review recorded."))
            return redirect("content:review_queue")
    reviews = list(selectors.reviews_of(item))
    previous = next((r.version for r in reviews if r.version < item.version), None)
    return render(request, "content/review.html", {
        "item": item, "form": form,
        "checklist": [form["accuracy_ok"], form["compliance_ok"], form["safety_ok"]],
        "own": _is_own(request.user, item),
        "checks": _checks_context(item),
        "reviews": reviews,
        "diff": _diff_context(item, previous, item.version) if previous else None,
        "mode": "side",
        "can_override": user_can(request.user, item.team_id, "compliance.override"),
        "media": list(item.media.all()),
        "today": timezone.localtime(timezone.now(), item.team.zone).date(),
    })


# --- media ------------------------------------------------------------------------------


def media_library(request: HttpRequest) -> HttpResponse:
    teams = teams_where(request.user, "content.edit")
    form = MediaUploadForm(request.POST or None, request.FILES or None)
    team_ids = {t.pk: t for t in teams}
    chosen_team = None
    if request.method == "POST":
        if not teams:
            raise PermissionDenied(_("Your role may not upload media."))
        chosen_team = team_ids.get(_int(request.POST.get("team")))
        if chosen_team is None and len(teams) == 1:
            chosen_team = teams[0]
        if chosen_team is None:
            form.add_error(None, _("Choose a team."))
        elif form.is_valid():
            try:
                asset = services.media_asset_upload(
                    actor=request.user, team=chosen_team, **form.cleaned_data
                )
            except ValidationError as exc:
                apply_validation_error(form, exc)
            else:
                messages.success(request, _("“%(title)s” uploaded.") % {"title": asset.title})
                return redirect("content:media")
    page = Paginator(selectors.media_for(request.user), 50).get_page(request.GET.get("page"))
    return render(request, "content/media.html", {
        "form": form, "teams": teams, "page": page, "assets": page.object_list,
        "chosen_team": chosen_team,
        "today": timezone.localdate(),
        "licence_form": LicenceForm(),
        "can_edit_teams": set(team_ids),
    })


def _int(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def media_file(request: HttpRequest, pk: int) -> HttpResponse:
    asset = get_or_404(selectors.media_get, request.user, pk)
    return attachment_response(asset.file, content_type=asset.content_type)


@require_POST
def media_licence(request: HttpRequest, pk: int) -> HttpResponse:
    asset = get_or_404(selectors.media_get, request.user, pk)
    form = LicenceForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return redirect("content:media")
    if _run(request, lambda: services.media_asset_update_licence(
        actor=request.user, asset=asset, **form.cleaned_data
    )):
        messages.success(request, _("Licence of “%(title)s” updated.") % {"title": asset.title})
    return redirect("content:media")

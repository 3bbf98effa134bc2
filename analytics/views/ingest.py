"""Pages of the ways in (S2.3.3): metric imports and tracking links, plus the public
tracking endpoints ``/t/<code>`` (click) and ``/t/<code>/conversion``.

Thin doors: reads through the scoped selectors (another team's record is a
404), writes through ``analytics.services``; a service's ``ValidationError``
lands on the form.
"""

from __future__ import annotations

from django import forms
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied, RequestDataTooBig, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponseRedirect, JsonResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from campaigns.content.models import ContentItem
from platforms.models import PlatformAccount
from teams.doors import StyledForm, apply_validation_error, get_or_404
from teams.selectors import teams_where, user_can

from ..models import ImportStatus, TrackingLink
from ..selectors import metrics as selectors
from ..services import imports, tracking

# --- forms -------------------------------------------------------------------------------------


class AccountChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: PlatformAccount) -> str:
        return f"{obj.platform.name} · {obj.handle} ({obj.team.name})"


class ImportForm(StyledForm):
    campaign = forms.ModelChoiceField(queryset=None, label=gettext_lazy("Campaign"))
    file = forms.FileField(
        label=gettext_lazy("File (CSV or XLSX)"),
        help_text=gettext_lazy(
            "A platform back-end's export with columns date/日期, platform/平台, account/账号 "
            "and one per metric, or a day-by-day export of 百度统计, 生意参谋 or Google "
            "Analytics 4 as the tool writes it."
        ),
    )
    preset = forms.ChoiceField(label=gettext_lazy("Layout"), choices=(), initial=imports.AUTO)
    account = AccountChoiceField(
        queryset=None, required=False, label=gettext_lazy("Account"),
        help_text=gettext_lazy(
            "Exports of analytics tools name no account: choose the team's website account "
            "(自有网站) for 百度统计 and Google Analytics, the shop's account for 生意参谋."
        ),
    )
    skip_invalid = forms.BooleanField(
        label=gettext_lazy("Import the valid rows, skip the invalid"), required=False
    )
    dry_run = forms.BooleanField(label=gettext_lazy("Check only, write nothing"), required=False)

    def __init__(self, *args, campaigns=None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["campaign"].queryset = campaigns
        self.fields["preset"].choices = imports.layout_choices()
        self.fields["account"].queryset = PlatformAccount.objects.filter(
            team_id__in=campaigns.values("team_id")
        ).select_related("platform", "team").order_by("team__name", "platform__sort_order", "handle")
        self.fields["file"].widget.attrs["accept"] = ".csv,.xlsx,text/csv," + imports.XLSX


class TrackingLinkForm(StyledForm):
    campaign = forms.ModelChoiceField(queryset=None, label=gettext_lazy("Campaign"))
    account = forms.ModelChoiceField(queryset=None, label=gettext_lazy("Account (channel)"))
    content_item = forms.ModelChoiceField(
        queryset=None, label=gettext_lazy("Content"), required=False
    )
    target_url = forms.CharField(label=gettext_lazy("Target address"), max_length=1000)
    utm_source = forms.CharField(label="utm_source", max_length=100, required=False)
    utm_medium = forms.CharField(label="utm_medium", max_length=100, required=False)
    utm_campaign = forms.CharField(label="utm_campaign", max_length=100, required=False)
    utm_content = forms.CharField(label="utm_content", max_length=100, required=False)

    def __init__(self, *args, campaigns=None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        team_ids = campaigns.values("team_id")
        self.fields["campaign"].queryset = campaigns
        self.fields["account"].queryset = PlatformAccount.objects.filter(
            team_id__in=team_ids
        ).select_related("platform")
        self.fields["content_item"].queryset = ContentItem.objects.filter(
            campaign__in=campaigns
        ).order_by("-updated_at")


class SecretForm(StyledForm):
    campaign = forms.ModelChoiceField(queryset=None, label=gettext_lazy("Campaign"))

    def __init__(self, *args, campaigns=None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["campaign"].queryset = campaigns


# --- imports -----------------------------------------------------------------------------------


def import_list(request):
    page = Paginator(selectors.import_batches_for_user(request.user), 25).get_page(
        request.GET.get("page")
    )
    return render(request, "analytics/ingest/import_list.html", {
        "page": page, "batches": page.object_list,
        "can_import": bool(teams_where(request.user, "metrics.import")),
    })


def _content_too_large(request) -> bool:
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return False
    # The multipart envelope adds a few hundred bytes to the file.
    return length > imports.import_max_bytes() + 64 * 1024


def import_upload(request):
    campaigns = selectors.campaigns_open_to_import(request.user)
    if not teams_where(request.user, "metrics.import"):
        raise PermissionDenied
    if request.method == "POST" and _content_too_large(request):
        # Refused before the body is read: the page says why, with nothing uploaded.
        refusal = _("The file is larger than imports allow (%(limit)s MB).") % {
            "limit": imports.import_max_bytes() // (1024 * 1024)
        }
        return render(request, "analytics/ingest/import_upload.html", {
            "form": ImportForm(campaigns=campaigns), "refusal": refusal,
        }, status=413)
    form = ImportForm(request.POST or None, request.FILES or None, campaigns=campaigns)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        upload = data["file"]
        try:
            batch = imports.import_create(
                actor=request.user, campaign=data["campaign"], file=upload,
                original_name=upload.name, size=upload.size, preset=data["preset"],
                account=data["account"], skip_invalid=data["skip_invalid"],
                dry_run=data["dry_run"], language=request.LANGUAGE_CODE,
            )
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            return redirect("analytics:import_detail", pk=batch.pk)
    return render(request, "analytics/ingest/import_upload.html", {"form": form})


def _batch_or_404(request, pk):
    return get_or_404(selectors.import_batch_get_for_user, request.user, pk)


def _progress_context(batch) -> dict:
    finished = batch.status not in (ImportStatus.PENDING, ImportStatus.RUNNING)
    if finished:
        percent = 100
    elif batch.rows_total:
        percent = min(99, round(100 * batch.rows_done / batch.rows_total))
    else:
        percent = 0
    return {"batch": batch, "finished": finished, "percent": percent}


def import_detail(request, pk: int):
    batch = _batch_or_404(request, pk)
    layout = imports.LAYOUTS.get(batch.preset)
    return render(request, "analytics/ingest/import_detail.html", {
        **_progress_context(batch), "preview": imports.import_preview(batch=batch),
        "layout_label": layout.label if layout is not None else batch.preset,
    })


@require_GET
def import_progress(request, pk: int):
    batch = _batch_or_404(request, pk)
    return render(request, "analytics/ingest/_import_progress.html", _progress_context(batch))


# --- tracking links ----------------------------------------------------------------------------


def _short_url(request, code: str) -> str:
    try:
        location = reverse("tracking:click", args=[code])
    except NoReverseMatch:
        location = f"/t/{code}"
    return request.build_absolute_uri(location)


def tracking_link_list(request):
    page = Paginator(selectors.tracking_links_for_user(request.user), 25).get_page(
        request.GET.get("page")
    )
    rows = [(link, _short_url(request, link.code)) for link in page.object_list]
    can_edit = bool(teams_where(request.user, "metrics.import"))
    return render(request, "analytics/ingest/tracking_links.html", {
        "page": page, "rows": rows, "can_edit": can_edit,
    })


def tracking_link_create(request):
    campaigns = selectors.campaigns_open_to_import(request.user)
    if not teams_where(request.user, "metrics.import"):
        raise PermissionDenied
    form = TrackingLinkForm(request.POST or None, campaigns=campaigns)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            tracking.tracking_link_create(actor=request.user, **data)
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            return redirect("analytics:tracking_links")
    return render(request, "analytics/ingest/tracking_link_form.html", {
        "form": form, "secret_form": SecretForm(campaigns=campaigns),
    })


@require_POST
def tracking_secret_rotate(request):
    campaigns = selectors.campaigns_open_to_import(request.user)
    form = SecretForm(request.POST, campaigns=campaigns)
    if not form.is_valid():
        raise Http404
    campaign = form.cleaned_data["campaign"]
    if not user_can(request.user, campaign.team_id, "metrics.import"):
        raise PermissionDenied
    secret = tracking.tracking_secret_rotate(actor=request.user, campaign=campaign)
    response = render(request, "analytics/ingest/tracking_secret.html", {
        "campaign": campaign, "secret": secret,
    })
    response["Cache-Control"] = "no-store"
    return response


# --- public tracking endpoints (mounted at /t/) ----------------------------------------------


def _link_or_404(code: str) -> TrackingLink:
    link = TrackingLink.objects.select_related("team").filter(code=code).first()
    if link is None:
        raise Http404
    return link


@login_not_required
@never_cache
@require_http_methods(["GET", "HEAD"])
def tracking_click(request, code: str):
    """Count the click (no IP, no user agent, no cookie is kept) and send the visitor on (302)."""
    link = _link_or_404(code)
    if request.method == "GET":  # link previews ask with HEAD; they are not visitors
        tracking.tracking_click_record(link=link)
    response = HttpResponseRedirect(tracking.tracking_redirect_url(link))
    response["Referrer-Policy"] = "no-referrer"
    return response


@login_not_required
@csrf_exempt  # server to server: the HMAC signature authenticates the call, not a session
@require_POST
def tracking_conversion(request, code: str):
    """Record a signed conversion: 201 when new, 200 for an order already recorded."""
    try:
        link = _link_or_404(code)
    except Http404:
        return JsonResponse({"detail": _("Not found.")}, status=404)
    try:
        body = request.body
        conversion, created = tracking.tracking_conversion_record(
            link=link, body=body, signature=request.headers.get("X-Signature", ""),
        )
    except RequestDataTooBig:
        return JsonResponse({"detail": _("The request is too large.")}, status=400)
    except PermissionDenied as exc:
        return JsonResponse({"detail": str(exc)}, status=403)
    except ValidationError as exc:
        return JsonResponse(exc.message_dict, status=400)
    return JsonResponse(
        {"order_id": conversion.order_id, "recorded": created},
        status=201 if created else 200,
    )


tracking_urlpatterns = [
    path("<slug:code>", tracking_click, name="click"),
    path("<slug:code>/conversion", tracking_conversion, name="conversion"),
]

urlpatterns = [
    path("imports/", import_list, name="import_list"),
    path("imports/new/", import_upload, name="import_upload"),
    path("imports/<int:pk>/", import_detail, name="import_detail"),
    path("imports/<int:pk>/progress/", import_progress, name="import_progress"),
    path("tracking/", tracking_link_list, name="tracking_links"),
    path("tracking/new/", tracking_link_create, name="tracking_link_create"),
    path("tracking/secret/", tracking_secret_rotate, name="tracking_secret_rotate"),
]

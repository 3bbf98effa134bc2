"""The privacy ledger page: consents, data-subject requests, retention (S3.1.3)."""

import json

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from teams.doors import apply_validation_error, get_or_404
from teams.selectors import teams_where

from . import selectors, services
from .forms import ConsentForm, DSRForm, DSRStatusForm
from .models import DSRStatus


def privacy(request):
    """Consents and data-subject requests; personal fields masked without the capability."""
    teams = teams_where(request.user, "privacy.edit")
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
                    services.consent_record_create(actor=request.user,
                                                           **form.cleaned_data)
                else:
                    services.dsr_create(actor=request.user, **form.cleaned_data)
            except ValidationError as exc:
                apply_validation_error(form, exc)
            else:
                messages.success(request, _("Saved."))
                return redirect("privacy:ledger")
        http_status = 400
        if which == "consent":
            consent_form = form
        else:
            dsr_form = form
    # Looking a person up tells whether they are on file: only with privacy.view_personal.
    personal_team_ids = selectors.teams_with_personal_access(request.user)
    can_search = bool(personal_team_ids)
    subject = request.GET.get("subject", "").strip() if can_search else ""
    consents = list(selectors.consents_for(request.user, subject_ref=subject)[:200])
    rows = [(c, selectors.personal_fields(request.user, c)) for c in consents]
    return render(request, "privacy/ledger.html", {
        "rows": rows, "requests": [
            # Each request offers only the moves this user may make from its status.
            (dsr, selectors.shown_subject_ref(request.user, dsr),
             _status_choices(selectors.dsr_next_statuses(request.user, dsr)),
             selectors.shown_details(request.user, dsr))
            for dsr in selectors.requests_for(request.user, subject_ref=subject)[:200]
        ],
        "consent_form": consent_form, "dsr_form": dsr_form, "can_edit": bool(teams),
        "subject": subject, "can_search": can_search, "today": timezone.localdate(),
        # The export is unmasked, so it is offered only where the user may see personal data.
        "export_team_ids": personal_team_ids,
        "retention": selectors.retention_overview(),
    }, status=http_status)


def _status_choices(statuses: list[str]) -> list[tuple[str, str]]:
    return [(value, label) for value, label in DSRStatus.choices if value in statuses]


@require_POST
def consent_withdraw(request, pk: int):
    record = get_or_404(selectors.consent_get, request.user, pk)
    services.consent_withdraw(actor=request.user, record=record,
                                      channel=request.POST.get("channel", "web"))
    messages.success(request, _("Consent withdrawn."))
    return redirect("privacy:ledger")


@require_POST
def dsr_status(request, pk: int):
    dsr = get_or_404(selectors.request_get, request.user, pk)
    form = DSRStatusForm(request.POST)
    if form.is_valid():
        try:
            services.dsr_set_status(actor=request.user, request=dsr,
                                            **form.cleaned_data)
        except ValidationError as exc:
            # The ledger lists every request with its own small form, so the
            # reason is shown above the list rather than under one field.
            for error in exc.messages:
                messages.error(request, error)
        else:
            messages.success(request, _("Request updated."))
    else:
        messages.error(request, _("Choose a valid status."))
    return redirect("privacy:ledger")


def dsr_export(request, pk: int):
    dsr = get_or_404(selectors.request_get, request.user, pk)
    data = services.subject_export_for(actor=request.user, request=dsr)
    response = HttpResponse(json.dumps(data, ensure_ascii=False, indent=2),
                            content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="subject-{dsr.pk}.json"'
    return response

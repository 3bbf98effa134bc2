from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from teams.doors import apply_validation_error, get_or_404
from teams.downloads import attachment_response
from teams.selectors import teams_where, user_can

from . import selectors, services
from .forms import (
    AGE_BAND_LABELS,
    AccountEditForm,
    AccountForm,
    DocumentForm,
    RecommendForm,
    VerificationForm,
)
from .interests import interest_suggestions
from .models import Platform, PlatformAccount, VerificationStatus
from .recommender import AGE_BANDS
from .transitions import verification_machine


def _account_or_404(request, pk) -> PlatformAccount:
    return get_or_404(selectors.account_get_for_user, request.user, pk)


def catalogue(request):
    platforms = selectors.platforms_active()
    return render(request, "platforms/catalogue.html", {"platforms": platforms})


def platform_detail(request, code: str):
    platform = get_object_or_404(Platform, code=code, is_active=True)
    shares = platform.shares("audience_age")
    ages = [(band, round(shares.get(band, 0) * 100)) for band in AGE_BANDS]
    # People read a label ("Under 18"), not the band code.
    age_rows = [(AGE_BAND_LABELS.get(band, band), share) for band, share in ages]
    return render(request, "platforms/platform_detail.html", {
        "platform": platform, "ages": ages, "age_rows": age_rows,
    })


def recommend(request):
    """The recommender page: a link's query pre-fills and ranks (GET); the form posts.

    The form posts so that a long list of interests travels in the body: in a
    query string it would make the URL too long for the server (a bare 414)
    before the form could say what is wrong.
    """
    ranking, form = [], RecommendForm(initial={"gender": "any"})
    query = request.POST if request.method == "POST" else request.GET
    if query.keys() - {"csrfmiddlewaretoken"}:
        form = RecommendForm.from_query(query)
        if form.is_valid():
            ranking, errors = selectors.recommend_platforms(form.to_input())
            if errors:
                apply_validation_error(form, ValidationError(errors))
    return render(request, "platforms/recommend.html", {
        "form": form, "ranking": ranking, "interest_suggestions": interest_suggestions(),
    })


def account_list(request):
    accounts = list(selectors.accounts_for_user(request.user))
    rows = [(account, *selectors.account_can_publish(account)) for account in accounts]
    can_add = bool(teams_where(request.user, "platform_account.edit"))
    return render(request, "platforms/account_list.html", {"rows": rows, "can_add": can_add})


def account_create(request):
    teams = teams_where(request.user, "platform_account.edit")
    if not teams:
        raise PermissionDenied
    form = AccountForm(request.POST or None, teams=teams)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            account = services.account_create(
                actor=request.user, team=data["team"], platform=data["platform"],
                handle=data["handle"], connector=data["connector"],
                external_id=data["external_id"],
                enterprise_certificate_number=data["enterprise_certificate_number"],
                credentials=form.credentials(),
            )
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, _("Account added."))
            return redirect("platforms:account_detail", pk=account.pk)
    return render(request, "platforms/account_form.html", {"form": form})


def account_edit(request, pk: int):
    account = _account_or_404(request, pk)
    if not user_can(request.user, account.team_id, "platform_account.edit"):
        raise PermissionDenied
    initial = {
        "handle": account.handle, "external_id": account.external_id,
        "connector": account.connector,
        "enterprise_certificate_number": account.enterprise_certificate_number,
    }
    form = AccountEditForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.account_update(
                actor=request.user, account=account, credentials=form.credentials(),
                handle=data["handle"], external_id=data["external_id"],
                connector=data["connector"],
                enterprise_certificate_number=data["enterprise_certificate_number"],
            )
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, _("Account updated."))
            return redirect("platforms:account_detail", pk=account.pk)
    return render(
        request, "platforms/account_form.html", {"form": form, "team": account.team,
                                                 "account": account},
    )


def _detail_context(request, account, document_form=None, verification_form=None):
    allowed, reasons = selectors.account_can_publish(account)
    # Only the moves this person may make from the current status are offered.
    targets = verification_machine.targets(
        actor=request.user, team=account.team_id, source=account.verification_status
    )
    return {
        "account": account,
        "can_publish": allowed,
        "reasons": reasons,
        "checklist": selectors.account_document_checklist(account),
        "documents": account.documents.all(),
        "document_form": document_form or DocumentForm(),
        "verification_form": verification_form or VerificationForm(
            initial={"verification_status": targets[0] if targets else None,
                     "certification_expires_on": account.certification_expires_on}
        ),
        "verification_targets": [
            (target, VerificationStatus(target).label) for target in targets
        ],
        # The dates are part of the platform's verdict, recorded with "verified".
        "can_record_verified": VerificationStatus.VERIFIED in targets,
        "can_edit": user_can(request.user, account.team_id, "platform_account.edit"),
        "events": selectors.account_activity(account, limit=20),
    }


def account_detail(request, pk: int):
    account = _account_or_404(request, pk)
    return render(request, "platforms/account_detail.html", _detail_context(request, account))


@require_POST
def document_add(request, pk: int):
    account = _account_or_404(request, pk)
    form = DocumentForm(request.POST, request.FILES)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.document_add(
                actor=request.user, account=account, kind=data["kind"],
                expires_on=data["expires_on"], number=data["number"],
                issued_on=data["issued_on"], file=data["file"],
            )
        except ValidationError as exc:
            apply_validation_error(form, exc)
        except PermissionDenied as exc:
            form.add_error(None, str(exc) or _("You may not change this account."))
        else:
            messages.success(request, _("Document filed."))
            return redirect("platforms:account_detail", pk=account.pk)
    account = _account_or_404(request, pk)
    return render(
        request, "platforms/account_detail.html",
        _detail_context(request, account, document_form=form), status=400,
    )


def document_file(request, pk: int, document_pk: int):
    """A qualification document's file, as a download, for whoever may see the account.

    Another team's document, a missing file and a malformed id are all 404.
    """
    document = get_or_404(selectors.document_get_for_user, request.user, pk, document_pk)
    return attachment_response(
        document.file, content_type=document.content_type,
        filename=selectors.document_download_name(document),
    )


@require_POST
def account_verify(request, pk: int):
    account = _account_or_404(request, pk)
    form = VerificationForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.account_set_verification(
                actor=request.user, account=account, status=data["verification_status"],
                verified_on=data["verified_on"],
                certification_expires_on=data["certification_expires_on"],
                reason=data["reason"],
            )
        except ValidationError as exc:
            apply_validation_error(form, exc)
        except PermissionDenied as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Verification status recorded."))
            return redirect("platforms:account_detail", pk=account.pk)
    account = _account_or_404(request, pk)
    return render(
        request, "platforms/account_detail.html",
        _detail_context(request, account, verification_form=form), status=400,
    )


def account_health(request, pk: int):
    """The connection's state; while a check is under way the panel polls this page (htmx)."""
    account = _account_or_404(request, pk)
    if request.headers.get("HX-Request"):
        return render(request, "platforms/_health_panel.html", {"account": account})
    return render(request, "platforms/account_health.html", {"account": account})


@require_POST
def account_health_check(request, pk: int):
    account = _account_or_404(request, pk)
    services.account_request_health_check(actor=request.user, account=account)
    # Reread: where the check already ran (an eager worker), the page shows its result.
    account = _account_or_404(request, pk)
    if request.headers.get("HX-Request"):
        return render(request, "platforms/_health_panel.html", {"account": account})
    return render(request, "platforms/account_health.html", {"account": account})

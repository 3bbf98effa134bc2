"""Pages for the content checker, stored checks with overrides, and filings."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from teams.doors import apply_validation_error, get_or_404
from teams.downloads import attachment_response
from teams.selectors import audit_events_for, teams_where, user_can

from . import selectors, services
from .checker.engine import Finding
from .checker.highlight import segments
from .forms import CheckForm, FilingDocumentForm, FilingForm, OverrideForm
from .models import ContentCheck


def _localise(findings: list[dict]) -> list[dict]:
    language = get_language()
    return [
        {**f, **Finding.from_record(f).to_dict(language), "number": i + 1, "index": i}
        for i, f in enumerate(findings)
    ]


def _check_context(request, check: ContentCheck, *, own_text: bool = False) -> dict:
    """The highlighted view of a check; a stored check's text is masked for
    viewers without the privacy permission, the user's own pasted text is not."""
    findings = _localise(check.findings)
    overrides = {o.finding_index: o for o in check.overrides.select_related("overridden_by")}
    for finding in findings:
        finding["override"] = overrides.get(finding["index"])
    text = check.text if own_text else selectors.StoredTextMasker(request.user).text(check)
    pieces = segments(text, findings)
    for piece in pieces:
        piece["numbers"] = [findings[i]["number"] for i in piece["findings"]]
        piece["title"] = " · ".join(
            f"{findings[i]['rule']} {findings[i]['message']}" for i in piece["findings"]
        )
    return {
        "check": check,
        "findings": findings,
        "pieces": pieces,
        "text_findings": [f for f in findings if f["end"] <= f["start"]],
        "can_override": user_can(request.user, check.team, "compliance.override"),
    }


def checker(request):
    """Paste any text, see each finding marked and explained (S3.1.1)."""
    form_kwargs = {
        "platforms": selectors.platform_choices(),
        "filings": selectors.filings_for(request.user),
        "teams": teams_where(request.user, "compliance.check"),
    }
    context: dict = {}
    if request.method == "POST":
        form = CheckForm(request.POST, **form_kwargs)
        if form.is_valid():
            data = form.cleaned_data
            try:
                check = services.content_check_run(
                    actor=request.user, team=data["team"], text=data["text"],
                    platform=data["platform"], is_paid_promotion=data["is_paid_promotion"],
                    filing=data["filing"],
                )
            except ValidationError as exc:
                apply_validation_error(form, exc)
            except PermissionDenied as exc:
                form.add_error(None, str(exc))
            else:
                context.update(_check_context(request, check, own_text=True))
    else:
        # A link may name the platform as people write it (?platform=小红书).
        initial = {}
        platform = services.platform_resolve(request.GET.get("platform", ""))
        if platform is not None:
            initial["platform"] = platform.code
        form = CheckForm(initial=initial, **form_kwargs)
    context["form"] = form
    if request.headers.get("HX-Request"):
        return render(request, "advertising/_check_result.html", context)
    return render(request, "advertising/checker.html", context)


def check_list(request):
    checks = list(selectors.checks_for(request.user)[:100])
    masker = selectors.StoredTextMasker(request.user)
    for check in checks:
        check.text = masker.text(check)  # display copy only; never saved
    return render(request, "advertising/check_list.html", {"checks": checks})


def check_detail(request, pk: int):
    check = get_or_404(selectors.check_get, request.user, pk)
    context = _check_context(request, check)
    context["events"] = audit_events_for(check)
    context["override_form"] = OverrideForm()
    return render(request, "advertising/check_detail.html", context)


@require_POST
def check_override(request, pk: int):
    check = get_or_404(selectors.check_get, request.user, pk)
    form = OverrideForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a finding and write a reason."))
        return redirect("advertising:check_detail", pk=check.pk)
    try:
        services.finding_override(
            actor=request.user, check=check, finding_index=form.cleaned_data["finding_index"],
            reason=form.cleaned_data["reason"],
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    except PermissionDenied as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Finding overridden; the reason is on record."))
    return redirect("advertising:check_detail", pk=check.pk)


# --- filings (S3.2.2) ---------------------------------------------------------------

def filing_list(request):
    filings = selectors.filings_for(request.user)
    can_edit = bool(teams_where(request.user, "filing.edit"))
    return render(
        request, "advertising/filing_list.html", {"filings": filings, "can_edit": can_edit}
    )


def _split_filing_errors(form, doc_form, exc: ValidationError) -> None:
    """The document's errors (file type, size, title) under the document's fields."""
    if not hasattr(exc, "error_dict"):
        apply_validation_error(form, exc)
        return
    doc_errors = {k: v for k, v in exc.message_dict.items() if k in doc_form.fields}
    others = {k: v for k, v in exc.message_dict.items() if k not in doc_form.fields}
    if doc_errors:
        apply_validation_error(doc_form, ValidationError(doc_errors))
    if others:
        apply_validation_error(form, ValidationError(others))


def filing_create(request):
    teams = teams_where(request.user, "filing.edit")
    if request.method == "POST":
        form = FilingForm(request.POST, teams=teams)
        doc_form = FilingDocumentForm(request.POST, request.FILES)
        # The document is optional when recording a filing: no "required" under it.
        doc_form.fields["file"].required = False
        valid = [form.is_valid(), doc_form.is_valid()]  # both, so every field shows its error
        if all(valid):
            try:
                filing = services.filing_create(
                    actor=request.user, **form.cleaned_data,
                    document=doc_form.cleaned_data["file"],
                    document_title=doc_form.cleaned_data["title"],
                )
            except ValidationError as exc:
                _split_filing_errors(form, doc_form, exc)
            except PermissionDenied as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(request, _("Filing recorded."))
                return redirect("advertising:filing_detail", pk=filing.pk)
    else:
        form = FilingForm(teams=teams)
        doc_form = FilingDocumentForm()
    return render(
        request, "advertising/filing_form.html", {"form": form, "doc_form": doc_form, "filing": None}
    )


def filing_detail(request, pk: int):
    filing = get_or_404(selectors.filing_get, request.user, pk)
    return render(
        request,
        "advertising/filing_detail.html",
        {
            "filing": filing,
            "documents": filing.documents.all(),
            "doc_form": FilingDocumentForm(),
            "events": audit_events_for(filing),
            "can_edit": user_can(request.user, filing.team, "filing.edit"),
        },
    )


def filing_edit(request, pk: int):
    filing = get_or_404(selectors.filing_get, request.user, pk)
    if request.method == "POST":
        form = FilingForm(request.POST, filing=filing)
        if form.is_valid():
            try:
                services.filing_update(actor=request.user, filing=filing, **form.cleaned_data)
            except ValidationError as exc:
                apply_validation_error(form, exc)
            except PermissionDenied as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(request, _("Filing updated."))
                return redirect("advertising:filing_detail", pk=filing.pk)
    else:
        form = FilingForm(filing=filing)
    return render(request, "advertising/filing_form.html", {"form": form, "filing": filing})


@require_POST
def filing_delete(request, pk: int):
    filing = get_or_404(selectors.filing_get, request.user, pk)
    try:
        services.filing_delete(actor=request.user, filing=filing)
    except PermissionDenied as exc:
        messages.error(request, str(exc))
        return redirect("advertising:filing_detail", pk=pk)
    messages.success(request, _("Filing deleted."))
    return redirect("advertising:filing_list")


@require_POST
def filing_document_add(request, pk: int):
    filing = get_or_404(selectors.filing_get, request.user, pk)
    form = FilingDocumentForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, _("Choose a file to upload."))
    else:
        try:
            services.filing_document_add(
                actor=request.user, filing=filing, file=form.cleaned_data["file"],
                title=form.cleaned_data["title"],
            )
        except (ValidationError, PermissionDenied) as exc:
            messages.error(request, " ".join(getattr(exc, "messages", [str(exc)])))
        else:
            messages.success(request, _("Document added."))
    return redirect("advertising:filing_detail", pk=filing.pk)


def filing_document_file(request, pk: int, document_pk: int):
    """A filing document's file, as a download, for whoever may see the filing.

    Another team's document, a missing file and a malformed id are all 404.
    """
    document = get_or_404(selectors.filing_document_get, request.user, pk, document_pk)
    return attachment_response(
        document.file, content_type=document.content_type,
        filename=selectors.filing_document_download_name(document),
    )

"""Forms of the privacy ledger (input shape only; rules live in services).

Phone and ID number formats and text lengths are checked by the service (with
``pii``), so the page and the API refuse the same values with the same message;
a form field with an HTML ``maxlength`` would let the browser cut text silently.
"""

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from teams.doors import StyledForm, TeamChoiceForm

from .models import DataCategory, DSRKind, DSRStatus, LegalBasis


class ConsentForm(TeamChoiceForm):
    subject_ref = forms.CharField(label=_("Data subject identifier"))
    subject_name = forms.CharField(label=pgettext_lazy("person", "Name"), required=False)
    subject_phone = forms.CharField(label=_("Phone"), required=False)
    subject_id_number = forms.CharField(label=_("ID number"), required=False)
    purpose = forms.CharField(label=_("Purpose"))
    data_categories = forms.MultipleChoiceField(
        label=_("Data categories"), choices=DataCategory.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    legal_basis = forms.ChoiceField(label=_("Legal basis"), choices=LegalBasis.choices)
    notice_version = forms.CharField(label=_("Notice version shown"))
    channel = forms.CharField(label=_("Channel"))
    sensitive_consent = forms.BooleanField(label=_("Separate consent: sensitive data"),
                                           required=False)
    sharing_consent = forms.BooleanField(label=_("Separate consent: sharing"), required=False)
    cross_border_consent = forms.BooleanField(label=_("Separate consent: cross-border"),
                                              required=False)
    guardian_consent = forms.BooleanField(label=_("Guardian consent (under 14)"), required=False)


class DSRForm(TeamChoiceForm):
    subject_ref = forms.CharField(label=_("Data subject identifier"))
    kind = forms.ChoiceField(label=_("Kind"), choices=DSRKind.choices)
    details = forms.CharField(label=_("Details"), required=False,
                              widget=forms.Textarea(attrs={"rows": 2}))


class DSRStatusForm(StyledForm):
    status = forms.ChoiceField(label=_("Status"), choices=DSRStatus.choices)
    refusal_reason = forms.CharField(label=_("Reason for refusal"), required=False)

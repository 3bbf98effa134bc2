"""Forms for incidents, drills and the privacy ledger (input shape only; rules live in services)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from teams.models import Team

from .models_privacy import DataCategory, DSRKind, DSRStatus, LegalBasis
from .models_risk import IncidentSeverity, IncidentStatus, IncidentType


class StyledForm(forms.Form):
    """Bootstrap classes on every widget."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, forms.CheckboxSelectMultiple | forms.CheckboxInput):
                continue
            css = "form-select" if isinstance(widget, forms.Select) else "form-control"
            widget.attrs.setdefault("class", f"{css} form-control-sm")


class TeamChoiceForm(StyledForm):
    team = forms.ModelChoiceField(queryset=Team.objects.none(), label=_("Team"))

    def __init__(self, *args, teams=None, **kwargs):
        super().__init__(*args, **kwargs)
        ids = [t.pk for t in teams or []]
        self.fields["team"].queryset = Team.objects.filter(pk__in=ids).order_by("name")
        if teams is not None and len(teams) == 1:
            self.fields["team"].initial = teams[0].pk


class IncidentForm(TeamChoiceForm):
    title = forms.CharField(label=_("Title"), max_length=200)
    incident_type = forms.ChoiceField(label=_("Incident type"), choices=IncidentType.choices)
    severity = forms.ChoiceField(label=_("Severity"), choices=IncidentSeverity.choices,
                                 initial=IncidentSeverity.MEDIUM)
    source = forms.CharField(label=_("Source"), max_length=120, required=False)


class UpdateForm(StyledForm):
    message = forms.CharField(label=_("Update"), widget=forms.Textarea(attrs={"rows": 3}),
                              max_length=5000)


class StatusForm(StyledForm):
    status = forms.ChoiceField(label=_("Status"), choices=IncidentStatus.choices)
    note = forms.CharField(label=_("Note"), required=False, max_length=5000)


class DrillRunForm(StyledForm):
    ran_on = forms.DateField(label=_("Ran on"), widget=forms.DateInput(attrs={"type": "date"}))
    participants = forms.CharField(label=_("Participants"), max_length=300, required=False)
    log = forms.CharField(label=_("Run log"), widget=forms.Textarea(attrs={"rows": 3}),
                          max_length=20000)
    lessons_learned = forms.CharField(label=_("Lessons learned"), required=False,
                                      widget=forms.Textarea(attrs={"rows": 2}), max_length=20000)


class ConsentForm(TeamChoiceForm):
    subject_ref = forms.CharField(label=_("Data subject identifier"), max_length=120)
    subject_name = forms.CharField(label=_("Name"), max_length=120, required=False)
    subject_phone = forms.RegexField(label=_("Phone"), regex=r"^\+?[\d\- ]{0,20}$",
                                     max_length=32, required=False)
    subject_id_number = forms.RegexField(label=_("ID number"), regex=r"^[0-9Xx]{0,18}$",
                                         max_length=32, required=False)
    purpose = forms.CharField(label=_("Purpose"), max_length=200)
    data_categories = forms.MultipleChoiceField(
        label=_("Data categories"), choices=DataCategory.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    legal_basis = forms.ChoiceField(label=_("Legal basis"), choices=LegalBasis.choices)
    notice_version = forms.CharField(label=_("Notice version shown"), max_length=60)
    channel = forms.CharField(label=_("Channel"), max_length=60)
    sensitive_consent = forms.BooleanField(label=_("Separate consent: sensitive data"),
                                           required=False)
    sharing_consent = forms.BooleanField(label=_("Separate consent: sharing"), required=False)
    cross_border_consent = forms.BooleanField(label=_("Separate consent: cross-border"),
                                              required=False)
    guardian_consent = forms.BooleanField(label=_("Guardian consent (under 14)"), required=False)


class DSRForm(TeamChoiceForm):
    subject_ref = forms.CharField(label=_("Data subject identifier"), max_length=120)
    kind = forms.ChoiceField(label=_("Kind"), choices=DSRKind.choices)
    details = forms.CharField(label=_("Details"), required=False, max_length=5000,
                              widget=forms.Textarea(attrs={"rows": 2}))


class DSRStatusForm(StyledForm):
    status = forms.ChoiceField(label=_("Status"), choices=DSRStatus.choices)
    refusal_reason = forms.CharField(label=_("Reason for refusal"), required=False,
                                     max_length=5000)

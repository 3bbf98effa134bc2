from django import forms
from django.utils.translation import gettext_lazy as _

from platforms.models import Platform

from .models import PromotionFiling


class CheckForm(forms.Form):
    """The checker page: any text, optionally for a platform and as paid promotion."""

    text = forms.CharField(
        label=_("Text to check"), widget=forms.Textarea(attrs={"rows": 8}), strip=False,
        required=False,  # the service gives the message, the same as the API's
    )
    platform = forms.ModelChoiceField(
        label=_("Platform"), queryset=Platform.objects.none(), to_field_name="code",
        required=False, empty_label=_("Any platform"),
    )
    is_paid_promotion = forms.BooleanField(label=_("Paid promotion"), required=False)
    filing = forms.ModelChoiceField(
        label=_("Filing"), queryset=PromotionFiling.objects.none(), required=False,
        empty_label=_("No filing"),
    )
    team = forms.ModelChoiceField(label=_("Team"), queryset=None, empty_label=None, required=False)

    def __init__(self, *args, platforms=None, filings=None, teams=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["platform"].queryset = platforms if platforms is not None else Platform.objects.all()
        if filings is not None:
            self.fields["filing"].queryset = filings
        self.fields["team"].queryset = teams
        self._teams = teams
        if teams is not None and teams.count() <= 1:
            self.fields["team"].widget = forms.HiddenInput()
            first = teams.first()
            if first is not None:
                self.fields["team"].initial = first.pk


    def clean_team(self):
        """The one team a single-team user belongs to needs no choosing."""
        team = self.cleaned_data.get("team")
        if team is None and self._teams is not None:
            team = self._teams.order_by("pk").first()
        if team is None:
            raise forms.ValidationError(_("Choose a team."))
        return team


class OverrideForm(forms.Form):
    finding_index = forms.IntegerField(widget=forms.HiddenInput, min_value=0)
    reason = forms.CharField(
        label=_("Reason for the override"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )


class FilingForm(forms.ModelForm):
    class Meta:
        model = PromotionFiling
        fields = [
            "team", "platform", "filing_number", "contract_reference", "amount_cny",
            "starts_on", "ends_on", "notes",
        ]
        widgets = {
            "starts_on": forms.DateInput(attrs={"type": "date"}),
            "ends_on": forms.DateInput(attrs={"type": "date"}),
            "notes": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, teams=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["team"].queryset = teams
        self.fields["team"].empty_label = None
        if self.instance.pk:
            self.fields["team"].disabled = True

    def validate_unique(self):
        """Uniqueness is checked by the service, with its own message."""

    def clean(self):
        """Put the date and amount rules on their fields, not above the form.

        The model's check constraints would report them as form-wide errors; a field
        that already has an error is left out of those checks.
        """
        data = super().clean()
        starts, ends = data.get("starts_on"), data.get("ends_on")
        if starts and ends and ends < starts:
            self.add_error("ends_on", _("The end date must not be before the start date."))
        amount = data.get("amount_cny")
        if amount is not None and amount < 0:
            self.add_error("amount_cny", _("Enter an amount of zero or more."))
        return data


class FilingDocumentForm(forms.Form):
    file = forms.FileField(label=_("Document"))
    title = forms.CharField(label=_("Title"), required=False, max_length=200)

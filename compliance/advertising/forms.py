"""Page forms: they parse types and shapes; the services own every rule."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from platforms.models import Platform
from teams.models import Team

from .models import FilingDocument, PromotionFiling


class PlatformNameField(forms.ChoiceField):
    """The catalogue as a choice, but any name or alias may be posted (微信, B站 …):
    the service resolves it and says which platform it understood, or that it knows none."""

    def valid_value(self, value: str) -> bool:
        return True


class CheckForm(forms.Form):
    """The checker page: any text, optionally for a platform and as paid promotion."""

    text = forms.CharField(
        label=_("Text to check"), widget=forms.Textarea(attrs={"rows": 8}), strip=False,
        required=False,  # the service gives the message, the same as the API's
    )
    platform = PlatformNameField(label=_("Platform"), required=False)
    is_paid_promotion = forms.BooleanField(label=_("Paid promotion"), required=False)
    filing = forms.ModelChoiceField(
        label=_("Filing"), queryset=PromotionFiling.objects.none(), required=False,
        empty_label=_("No filing"),
    )
    # Left empty, the service picks the user's only team (or asks for one).
    team = forms.ModelChoiceField(
        label=_("Team"), queryset=Team.objects.none(), empty_label=None, required=False
    )

    def __init__(
        self,
        *args: Any,
        teams: Sequence[Team],
        platforms: QuerySet[Platform] | None = None,
        filings: QuerySet[PromotionFiling] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        catalogue = platforms if platforms is not None else Platform.objects.all()
        self.fields["platform"].choices = [
            ("", _("Any platform")), *((p.code, p.name) for p in catalogue)
        ]
        if filings is not None:
            self.fields["filing"].queryset = filings
        self.fields["team"].queryset = Team.objects.filter(pk__in=[t.pk for t in teams]).order_by(
            "name", "pk"
        )
        if len(teams) <= 1:
            self.fields["team"].widget = forms.HiddenInput()
            if teams:
                self.fields["team"].initial = teams[0].pk


class OverrideForm(forms.Form):
    # Which indexes exist (and may be overridden) is the service's to say.
    finding_index = forms.IntegerField(widget=forms.HiddenInput)
    reason = forms.CharField(
        label=_("Reason for the override"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )


FILING_FIELDS = (
    "team", "platform", "filing_number", "contract_reference", "amount_cny", "starts_on", "ends_on",
    "notes",
)


class FilingForm(forms.Form):
    """A filing's fields, typed as the model declares them.

    A plain form, not a ModelForm: a ModelForm would also run the model's
    check constraints (date order, amount) and report them above the form,
    a second copy of rules ``services.filing_create`` and ``filing_update`` own.
    """

    def __init__(
        self,
        *args: Any,
        teams: Sequence[Team] = (),
        filing: PromotionFiling | None = None,
        **kwargs: Any,
    ) -> None:
        """A new filing in one of ``teams``, or the fields of ``filing`` to change."""
        if filing is not None:
            kwargs.setdefault("initial", forms.model_to_dict(filing, fields=FILING_FIELDS))
        super().__init__(*args, **kwargs)
        self.fields.update(
            forms.fields_for_model(
                PromotionFiling, fields=FILING_FIELDS,
                widgets={
                    "starts_on": forms.DateInput(attrs={"type": "date"}),
                    "ends_on": forms.DateInput(attrs={"type": "date"}),
                    "notes": forms.Textarea(attrs={"rows": 3}),
                },
            )
        )
        team = self.fields["team"]
        team.empty_label = None
        if filing is None:
            team.queryset = Team.objects.filter(pk__in=[t.pk for t in teams]).order_by("name", "pk")
        else:
            # A filing stays in its team: shown, never posted.
            team.queryset = Team.objects.filter(pk=filing.team_id)
            team.disabled = True


class FilingDocumentForm(forms.Form):
    file = forms.FileField(label=_("Document"))
    title = forms.CharField(
        label=_("Title"), required=False, max_length=FilingDocument._meta.get_field("title").max_length
    )

"""Forms of the content pages: they parse types and shapes; every rule is the services'.

A service's ``ValidationError`` reaches these forms through
``teams.doors.apply_validation_error``, so a page shows the same message the API gives.
"""

from __future__ import annotations

import datetime
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from campaigns.planning.models import Campaign
from compliance.advertising.models import PromotionFiling
from platforms.models import PlatformAccount
from teams.doors import StyledForm

from .models import (
    ContentKind,
    ContentStatus,
    InteractionPrompt,
    MediaAsset,
    MediaSource,
    ReviewDecision,
)

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
DATETIME_INPUT = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


def in_zone(value: datetime.datetime | None, zone: datetime.tzinfo) -> datetime.datetime | None:
    """A time typed as wall-clock time in ``zone`` (the team's), made aware there."""
    if value is None:
        return None
    # The field made it aware in the request's zone; the clock reading is what was typed.
    return timezone.make_aware(timezone.make_naive(value), zone)


class ItemFilterForm(StyledForm):
    campaign = forms.ModelChoiceField(
        label=_("Campaign"), required=False, queryset=Campaign.objects.none(),
        empty_label=_("Any campaign"),
    )
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", _("Any status")), *ContentStatus.choices]
    )
    kind = forms.ChoiceField(
        label=_("Kind"), required=False, choices=[("", _("Any kind")), *ContentKind.choices]
    )
    account = forms.ModelChoiceField(
        label=_("Account"), required=False, queryset=PlatformAccount.objects.none(),
        empty_label=_("Any account"),
    )

    def __init__(self, *args: Any, campaigns=None, accounts=None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if campaigns is not None:
            self.fields["campaign"].queryset = campaigns
        if accounts is not None:
            self.fields["account"].queryset = accounts


class CampaignPickForm(StyledForm):
    campaign = forms.ModelChoiceField(label=_("Campaign"), queryset=Campaign.objects.none())

    def __init__(self, *args: Any, campaigns=None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["campaign"].queryset = campaigns if campaigns is not None else Campaign.objects.none()


class AccountLabelMixin:
    def label_from_instance(self, obj: PlatformAccount) -> str:
        return f"{obj.platform.name} · {obj.handle}"


class AccountsField(AccountLabelMixin, forms.ModelMultipleChoiceField):
    pass


class MediaField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: MediaAsset) -> str:
        return obj.title


class ItemForm(StyledForm):
    """The editor: the original, target accounts, a variant per account, media, prompt, paid flag."""

    kind = forms.ChoiceField(label=_("Kind"), choices=ContentKind.choices)
    title = forms.CharField(label=_("Title"), max_length=200)
    body = forms.CharField(
        label=_("Body"), required=False, widget=forms.Textarea(attrs={"rows": 10})
    )
    planned_theme = forms.CharField(
        label=_("Planned theme"), required=False, max_length=200,
        help_text=_("What the piece is about and why, from the campaign goal (S2.2.3(1))."),
    )
    planned_at = forms.DateTimeField(
        label=_("Planned for"), required=False, widget=DATETIME_INPUT,
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
        help_text=_("In the team's time zone. Not approved by then, it expires."),
    )
    accounts = AccountsField(
        label=_("Target accounts"), required=False, queryset=PlatformAccount.objects.none(),
        widget=forms.CheckboxSelectMultiple,
    )
    media = MediaField(
        label=_("Media"), required=False, queryset=MediaAsset.objects.none(),
        widget=forms.CheckboxSelectMultiple,
    )
    interaction_prompt = forms.ChoiceField(
        label=_("Interaction prompt"), required=False, choices=InteractionPrompt.choices
    )
    interaction_prompt_text = forms.CharField(
        label=_("Interaction prompt text"), required=False, max_length=300,
        help_text=_("The topic, poll question or Q&A invitation readers see (S2.3.1(3))."),
    )
    is_paid_promotion = forms.BooleanField(label=_("Paid promotion"), required=False)
    filing = forms.ModelChoiceField(
        label=_("Filing"), required=False, queryset=PromotionFiling.objects.none(),
        empty_label=_("No filing chosen"),
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(
        self, *args: Any, accounts=None, media=None, filings=None, zone=None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        for name in ("accounts", "media", "is_paid_promotion"):
            self.fields[name].widget.attrs["class"] = "form-check-input"
        self.zone = zone
        self.accounts = list(accounts) if accounts is not None else []
        self.fields["accounts"].queryset = PlatformAccount.objects.filter(
            pk__in=[a.pk for a in self.accounts]
        ).select_related("platform")
        self.fields["media"].queryset = media if media is not None else MediaAsset.objects.none()
        self.fields["filing"].queryset = (
            filings if filings is not None else PromotionFiling.objects.none()
        )
        for account in self.accounts:
            self.fields[f"variant_{account.pk}_title"] = forms.CharField(
                label=_("Title on this account"), required=False, max_length=200,
                widget=forms.TextInput(attrs={"class": "form-control form-control-sm"}),
            )
            self.fields[f"variant_{account.pk}_body"] = forms.CharField(
                label=_("Body on this account"), required=False,
                widget=forms.Textarea(attrs={"rows": 8, "class": "form-control form-control-sm"}),
            )

    def clean_planned_at(self) -> datetime.datetime | None:
        return in_zone(self.cleaned_data.get("planned_at"), self.zone) if self.zone else (
            self.cleaned_data.get("planned_at")
        )

    def variant_fields(self) -> list[tuple[PlatformAccount, Any, Any]]:
        """(account, title field, body field) per account, for the tabs."""
        return [
            (a, self[f"variant_{a.pk}_title"], self[f"variant_{a.pk}_body"]) for a in self.accounts
        ]

    def service_data(self) -> dict[str, Any]:
        """The cleaned values as the create/update services take them."""
        data = dict(self.cleaned_data)
        data.pop("version", None)
        data["variants"] = {
            a.pk: {
                "title": data.pop(f"variant_{a.pk}_title", ""),
                "body": data.pop(f"variant_{a.pk}_body", ""),
            }
            for a in self.accounts
        }
        chosen = {a.pk for a in data["accounts"]}
        data["variants"] = {pk: v for pk, v in data["variants"].items() if pk in chosen}
        data["accounts"] = list(data["accounts"])
        data["media"] = list(data["media"])
        return data


class MediaUploadForm(StyledForm):
    file = forms.FileField(label=_("File"), help_text=_("JPEG, PNG, WebP, PDF or MP4."))
    title = forms.CharField(label=_("Title"), max_length=200)
    source = forms.ChoiceField(label=_("Source"), choices=MediaSource.choices)
    licence_reference = forms.CharField(
        label=_("Licence or authorisation"), required=False, max_length=200,
        help_text=_("Licence number, contract or written authorisation; required unless the team made it."),
    )
    licence_expires_on = forms.DateField(
        label=_("Licence expires on"), required=False, widget=DATE_INPUT,
        help_text=_("Leave empty when the right of use does not expire."),
    )


class LicenceForm(StyledForm):
    licence_reference = forms.CharField(label=_("Licence or authorisation"), max_length=200)
    licence_expires_on = forms.DateField(
        label=_("Licence expires on"), required=False, widget=DATE_INPUT
    )


class ReviewForm(StyledForm):
    """The S3.1.2 checklist and the decision; labels come from the review model."""

    accuracy_ok = forms.BooleanField(
        label=_("accurate: no typos or misleading claims"), required=False
    )
    compliance_ok = forms.BooleanField(label=_("compliant: law, platform rules, rights"), required=False)
    safety_ok = forms.BooleanField(
        label=_("safe: no pornographic, violent or terrorist content"), required=False
    )
    comment = forms.CharField(
        label=_("Comment"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    decision = forms.ChoiceField(label=_("Decision"), choices=ReviewDecision.choices)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in ("accuracy_ok", "compliance_ok", "safety_ok"):
            self.fields[name].widget.attrs["class"] = "form-check-input"


class OverrideForm(StyledForm):
    check = forms.IntegerField(widget=forms.HiddenInput)
    finding_index = forms.IntegerField(widget=forms.HiddenInput, min_value=0)
    reason = forms.CharField(
        label=_("Reason for the override"), widget=forms.Textarea(attrs={"rows": 2})
    )


class ReasonForm(StyledForm):
    reason = forms.CharField(label=_("Reason"), required=False, max_length=500)


class DiffForm(StyledForm):
    a = forms.IntegerField(label=_("From version"), min_value=1)
    b = forms.IntegerField(label=_("To version"), min_value=1)
    mode = forms.ChoiceField(
        label=_("View"), required=False,
        choices=[("side", _("Side by side")), ("unified", _("Unified"))],
    )

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from teams.doors import TeamChoiceForm

from .models import ConnectorKind, DocumentKind, Platform, VerificationStatus
from .recommender import AGE_BANDS

# What people read for an age band code; the codes themselves stay in data and the API.
AGE_BAND_LABELS = {
    "under-18": _("Under 18"),
    "18-24": "18–24",
    "25-34": "25–34",
    "35-44": "35–44",
    "45-54": "45–54",
    "55+": _("55 and over"),
}
AGE_CHOICES = [(band, AGE_BAND_LABELS.get(band, band)) for band in AGE_BANDS]
GENDER_CHOICES = [("any", _("Any")), ("female", _("Mostly female")), ("male", _("Mostly male"))]
FORMAT_CHOICES = [("video", _("Video-friendly")), ("image_text", _("Image-text"))]
BUSINESS_CHOICES = [("b2c", _("B2C (consumers)")), ("b2b", _("B2B (business buyers)"))]


class RecommendForm(forms.Form):
    """The recommender's input (S2.2.1); submitted by GET so links can pre-fill it."""

    age_bands = forms.MultipleChoiceField(
        label=_("Age bands"), choices=AGE_CHOICES, required=False,
        widget=forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"}),
    )
    gender = forms.ChoiceField(
        label=_("Gender"), choices=GENDER_CHOICES, initial="any", required=False
    )
    interests = forms.CharField(
        label=_("Interests"), required=False, max_length=300,
        help_text=_("Comma-separated, e.g. gaming, beauty, business"),
    )
    content_format = forms.ChoiceField(
        label=_("Product / content"), choices=FORMAT_CHOICES, initial="image_text",
        required=False,
    )
    business = forms.ChoiceField(
        label=_("Business"), choices=BUSINESS_CHOICES, initial="b2c", required=False
    )
    paid_promotion = forms.BooleanField(label=_("Paid promotion planned"), required=False)

    @classmethod
    def from_query(cls, query) -> "RecommendForm":
        """Bind from GET; ``interests`` may be repeated or comma-separated."""
        data = query.copy()
        interests = [part.strip() for value in query.getlist("interests")
                     for part in value.split(",") if part.strip()]
        data.setlist("interests", [", ".join(interests)] if interests else [])
        if data.get("paid_promotion") in ("false", "0", "no"):
            data.pop("paid_promotion")
        return cls(data)

    def to_input(self) -> dict:
        data = dict(self.cleaned_data)
        data["interests"] = [t.strip() for t in data["interests"].split(",") if t.strip()]
        # Left out of a link: the recommender's defaults apply.
        for name in ("gender", "content_format", "business"):
            if not data.get(name):
                data.pop(name, None)
        return data


class AccountForm(TeamChoiceForm):
    """A new account's fields; which team it lands in and every rule are the service's."""

    platform = forms.ModelChoiceField(
        label=_("Platform"), queryset=Platform.objects.filter(is_active=True),
        to_field_name="code",
    )
    handle = forms.CharField(label=_("Handle"), max_length=120, required=False)
    external_id = forms.CharField(label=_("External id"), max_length=120, required=False)
    connector = forms.ChoiceField(label=_("Connector"), choices=ConnectorKind.choices)
    enterprise_certificate_number = forms.CharField(
        label=_("Enterprise certificate number"), max_length=80, required=False
    )
    app_id = forms.CharField(
        label=_("WeChat app id"), max_length=40, required=False,
        help_text=_("Only for the WeChat Official Account connector."),
    )
    app_secret = forms.CharField(
        label=_("WeChat app secret"), max_length=200, required=False,
        widget=forms.PasswordInput(render_value=False),
        help_text=_("Stored encrypted; never shown again."),
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # Left empty, the service picks the user's only team or asks for one.
        self.fields["team"].required = False

    def credentials(self) -> dict | None:
        app_id = self.cleaned_data.get("app_id", "").strip()
        secret = self.cleaned_data.get("app_secret", "").strip()
        if not (app_id or secret):
            return None
        return {"app_id": app_id, "app_secret": secret}


class AccountEditForm(AccountForm):
    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # An account keeps its team and platform.
        del self.fields["team"]
        del self.fields["platform"]
        self.fields["app_secret"].help_text = _(
            "Stored encrypted; leave both empty to keep the current credentials."
        )


class DocumentForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=DocumentKind.choices)
    number = forms.CharField(label=_("Number"), max_length=80, required=False)
    issued_on = forms.DateField(
        label=_("Issued on"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    # Every document is valid until a date (S2.2.2): the service says so when it is missing.
    expires_on = forms.DateField(
        label=_("Expires on"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    file = forms.FileField(label=_("File"), required=False)


class VerificationForm(forms.Form):
    verification_status = forms.ChoiceField(
        label=_("Verification status"), choices=VerificationStatus.choices
    )
    verified_on = forms.DateField(
        label=_("Verified on"), required=False, widget=forms.DateInput(attrs={"type": "date"}),
        initial=timezone.localdate,
    )
    certification_expires_on = forms.DateField(
        label=_("Certification expires on"), required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    reason = forms.CharField(label=_("Note"), required=False, max_length=500)

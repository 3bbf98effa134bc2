from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from teams.doors import TeamChoiceForm

from .interests import split_interests
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
    """The recommender's input (S2.2.1); links pre-fill it by GET, the page posts it.

    Text fields carry no length limit here: a browser would cut longer input
    silently at an HTML ``maxlength``. The services refuse it with the limit.
    """

    age_bands = forms.MultipleChoiceField(
        label=_("Age bands"), choices=AGE_CHOICES, required=False,
        widget=forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"}),
    )
    gender = forms.ChoiceField(
        label=_("Gender"), choices=GENDER_CHOICES, initial="any", required=False
    )
    interests = forms.CharField(
        label=_("Interests"), required=False,
        help_text=_("Comma-separated, e.g. gaming, beauty, travel"),
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
                     for part in split_interests(value) if part.strip()]
        data.setlist("interests", [", ".join(interests)] if interests else [])
        if data.get("paid_promotion") in ("false", "0", "no"):
            data.pop("paid_promotion")
        return cls(data)

    def to_input(self) -> dict:
        data = dict(self.cleaned_data)
        data["interests"] = [t.strip() for t in split_interests(data["interests"]) if t.strip()]
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
    handle = forms.CharField(label=_("Handle"), required=False)
    external_id = forms.CharField(label=_("External id"), required=False)
    connector = forms.ChoiceField(label=_("Connector"), choices=ConnectorKind.choices)
    enterprise_certificate_number = forms.CharField(
        label=_("Enterprise certificate number"), required=False
    )
    app_id = forms.CharField(
        label=_("WeChat app id"), required=False,
        help_text=_("Only for the WeChat Official Account connector."),
    )
    app_secret = forms.CharField(
        label=_("App secret"), required=False,
        widget=forms.PasswordInput(render_value=False),
        help_text=_(
            "WeChat: the Official Account's app secret. Weibo: the app's secret, "
            "needed only to renew tokens. Stored encrypted; never shown again."
        ),
    )
    access_token = forms.CharField(
        label=_("Weibo access token"), required=False,
        widget=forms.PasswordInput(render_value=False),
        help_text=_("Only for the Weibo connector: the account's OAuth2 access token."),
    )
    app_key = forms.CharField(
        label=_("Weibo app key"), required=False,
        help_text=_("Only for the Weibo connector, with a refresh token."),
    )
    refresh_token = forms.CharField(
        label=_("Weibo refresh token"), required=False,
        widget=forms.PasswordInput(render_value=False),
        help_text=_("Optional: lets the product renew an expired Weibo token by itself."),
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # Left empty, the service picks the user's only team or asks for one.
        self.fields["team"].required = False

    def credentials(self) -> dict | None:
        """The credentials typed for the chosen connector; None when none were typed."""
        data = self.cleaned_data
        if data.get("connector") == ConnectorKind.WEIBO:
            names = ("access_token", "app_key", "app_secret", "refresh_token")
        else:
            names = ("app_id", "app_secret")
        typed = {name: data.get(name, "").strip() for name in names}
        if not any(typed.values()):
            return None
        return typed


class AccountEditForm(AccountForm):
    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # An account keeps its team and platform.
        del self.fields["team"]
        del self.fields["platform"]
        self.fields["app_secret"].help_text = _(
            "Stored encrypted; leave the credentials empty to keep the current ones."
        )


class DocumentForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=DocumentKind.choices)
    number = forms.CharField(label=_("Number"), required=False)
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
    reason = forms.CharField(label=_("Note"), required=False)

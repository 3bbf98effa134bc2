"""Forms of the calendar pages: they parse types and shapes; every rule is the services'.

Dates and times are entered as the team's wall clock (separate date and time
fields, never the server's zone); ``at_in`` turns them into an aware instant
with the team's zone.
"""

from __future__ import annotations

import datetime

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from campaigns.content.models import ContentKind
from campaigns.planning.models import Campaign
from platforms.models import Platform, PlatformAccount
from teams.doors import StyledForm
from teams.models import Team

from . import timing
from .models import PublicationStatus
from .selectors import UNFILLED

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
TIME_INPUT = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")

PRESET_CHOICES = [
    ("", _("Custom rule")),
    ("image_text_daily", _("Image and text, daily at 20:00")),
    ("video_weekly_friday", _("Short video, weekly on Friday at 20:00")),
    ("live_stream_monthly", _("Live stream, monthly on the first Saturday at 20:00")),
]


def at_in(team: Team, day: datetime.date | None, time: datetime.time | None):
    """The aware instant of ``day`` ``time`` on the team's wall clock; None if one is missing."""
    if day is None or time is None:
        return None
    return timing.local_to_aware(day, time, team.zone)


class CalendarFilterForm(StyledForm):
    view = forms.ChoiceField(
        label=_("View"), required=False,
        choices=[("month", _("Month")), ("week", _("Week"))],
    )
    date = forms.DateField(label=_("Date"), required=False, widget=DATE_INPUT)
    team = forms.ModelChoiceField(label=_("Team"), required=False, queryset=Team.objects.none())
    campaign = forms.ModelChoiceField(
        label=_("Campaign"), required=False, queryset=Campaign.objects.none(),
        empty_label=_("Any campaign"),
    )
    platform = forms.ModelChoiceField(
        label=_("Platform"), required=False, queryset=Platform.objects.none(),
        empty_label=_("Any platform"),
    )
    account = forms.ModelChoiceField(
        label=_("Account"), required=False, queryset=PlatformAccount.objects.none(),
        empty_label=_("Any account"),
    )
    state = forms.ChoiceField(
        label=_("State"), required=False,
        choices=[
            ("", _("Any state")),
            (UNFILLED, _("Unfilled slots")),
            *PublicationStatus.choices,
        ],
    )

    def __init__(self, *args, teams=None, campaigns=None, platforms=None, accounts=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["team"].queryset = teams if teams is not None else Team.objects.none()
        self.fields["team"].empty_label = None
        self.fields["campaign"].queryset = (
            campaigns if campaigns is not None else Campaign.objects.none()
        )
        self.fields["platform"].queryset = (
            platforms if platforms is not None else Platform.objects.none()
        )
        self.fields["account"].queryset = (
            accounts if accounts is not None else PlatformAccount.objects.none()
        )


class PublicationFilterForm(CalendarFilterForm):
    """The list page's filters: the calendar's, without view and date, with a period."""

    date_from = forms.DateField(label=_("From"), required=False, widget=DATE_INPUT)
    date_to = forms.DateField(label=_("Until"), required=False, widget=DATE_INPUT)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        del self.fields["view"]
        del self.fields["date"]
        self.fields["state"].choices = [("", _("Any state")), *PublicationStatus.choices]
        self.fields["team"].empty_label = _("Any team")


class ScheduleForm(StyledForm):
    """Put an approved item on the calendar: its accounts, and a time or an unfilled slot."""

    accounts = forms.ModelMultipleChoiceField(
        label=_("Accounts"), queryset=PlatformAccount.objects.none(),
        widget=forms.CheckboxSelectMultiple, required=False,
    )
    slot = forms.ChoiceField(label=_("Unfilled slot"), required=False)
    date = forms.DateField(label=_("Date"), required=False, widget=DATE_INPUT)
    time = forms.TimeField(label=_("Time"), required=False, widget=TIME_INPUT)

    def __init__(self, *args, accounts=None, slots=(), zone=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["accounts"].queryset = (
            accounts if accounts is not None else PlatformAccount.objects.none()
        )
        from django.utils import timezone

        self.fields["slot"].choices = [("", _("No slot: the date and time below"))] + [
            (str(s.pk), f"{timezone.localtime(s.starts_at, zone):%Y-%m-%d %H:%M} · {s.account}")
            for s in slots
        ]


class RescheduleForm(StyledForm):
    date = forms.DateField(label=_("Date"), widget=DATE_INPUT)
    time = forms.TimeField(label=_("Time"), widget=TIME_INPUT)


class MoveForm(forms.Form):
    """A drop on the calendar: the day, and in the week view the hour."""

    date = forms.DateField()
    hour = forms.IntegerField(required=False, min_value=0, max_value=23)
    slot = forms.IntegerField(required=False, min_value=1)


class RetryForm(StyledForm):
    seen_attempt = forms.IntegerField(widget=forms.HiddenInput, min_value=0)
    confirm = forms.BooleanField(
        label=_("I have read why it did not go out; send it again."),
        required=True,
    )
    date = forms.DateField(label=_("Later, on"), required=False, widget=DATE_INPUT)
    time = forms.TimeField(label=_("at"), required=False, widget=TIME_INPUT)


class ReasonForm(forms.Form):
    reason = forms.CharField(required=False, max_length=500)


class PlanForm(StyledForm):
    campaign = forms.ModelChoiceField(label=_("Campaign"), queryset=Campaign.objects.none())
    account = forms.ModelChoiceField(label=_("Account"), queryset=PlatformAccount.objects.none())
    name = forms.CharField(label=pgettext_lazy("plan", "Name"), max_length=200)
    preset = forms.ChoiceField(
        label=_("Rhythm"), required=False, choices=PRESET_CHOICES,
        help_text=_("A preset fills in the kind, the rule and the time; or write your own rule."),
    )
    content_kind = forms.ChoiceField(
        label=_("Content kind"), required=False, choices=[("", "—"), *ContentKind.choices]
    )
    rrule = forms.CharField(
        label=_("Recurrence (RRULE)"), required=False, max_length=300,
        help_text=_("iCalendar RRULE, e.g. FREQ=WEEKLY;BYDAY=MO,TH or FREQ=MONTHLY;BYMONTHDAY=1."),
    )
    time_of_day = forms.TimeField(label=_("Time of day"), required=False, widget=TIME_INPUT)
    starts_on = forms.DateField(label=_("Starts on"), widget=DATE_INPUT)
    ends_on = forms.DateField(label=_("Ends on"), required=False, widget=DATE_INPUT)

    def __init__(self, *args, campaigns=None, accounts=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["campaign"].queryset = (
            campaigns if campaigns is not None else Campaign.objects.none()
        )
        self.fields["account"].queryset = (
            accounts if accounts is not None else PlatformAccount.objects.none()
        )


class SlotForm(StyledForm):
    account = forms.ModelChoiceField(label=_("Account"), queryset=PlatformAccount.objects.none())
    date = forms.DateField(label=_("Date"), widget=DATE_INPUT)
    time = forms.TimeField(label=_("Time"), widget=TIME_INPUT)

    def __init__(self, *args, accounts=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["account"].queryset = (
            accounts if accounts is not None else PlatformAccount.objects.none()
        )

"""Forms of the engagement pages: they parse types and shapes; every rule is the services'."""

from __future__ import annotations

import datetime
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from campaigns.planning.models import Campaign
from compliance.risk.models import SentimentLabel
from platforms.models import Platform, PlatformAccount
from teams.doors import StyledForm, TeamChoiceForm

from .models import (
    InteractionKind,
    InteractionStatus,
    Priority,
    ReplyTemplate,
    Segment,
    SegmentRule,
    SegmentStrategy,
)

DATETIME_INPUT = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
TIME_INPUT = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
WEEKDAYS = [
    (1, _("Monday")), (2, _("Tuesday")), (3, _("Wednesday")), (4, _("Thursday")),
    (5, _("Friday")), (6, _("Saturday")), (7, _("Sunday")),
]


def in_zone(value: datetime.datetime | None, zone: datetime.tzinfo) -> datetime.datetime | None:
    """A time typed as wall-clock time in ``zone`` (the team's), made aware there."""
    if value is None:
        return None
    # The field made it aware in the request's zone; the clock reading is what was typed.
    return timezone.make_aware(timezone.make_naive(value), zone)


class AccountChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: PlatformAccount) -> str:
        return f"{obj.platform.name} · {obj.handle}"


class UserChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return obj.get_username()


# --- the inbox --------------------------------------------------------------------------


class InboxFilterForm(StyledForm):
    status = forms.ChoiceField(
        label=_("Status"), required=False,
        choices=[("", _("Open (new and pending)")), ("all", _("All")), *InteractionStatus.choices],
    )
    account = AccountChoiceField(
        label=_("Account"), required=False, queryset=PlatformAccount.objects.none(),
        empty_label=_("Any account"),
    )
    assignee = forms.TypedChoiceField(label=_("Assignee"), required=False, coerce=int,
                                      empty_value=None)
    sentiment = forms.ChoiceField(
        label=_("Sentiment"), required=False, choices=[("", _("Any sentiment")), *SentimentLabel.choices]
    )
    kind = forms.ChoiceField(
        label=_("Kind"), required=False, choices=[("", _("Comments and messages")),
                                                  *InteractionKind.choices],
    )
    segment = forms.ModelChoiceField(
        label=_("Segment"), required=False, queryset=Segment.objects.none(),
        empty_label=_("Any author"),
    )
    campaign = forms.ModelChoiceField(
        label=_("Campaign"), required=False, queryset=Campaign.objects.none(),
        empty_label=_("Any campaign"),
    )
    overdue = forms.BooleanField(label=_("Overdue only"), required=False)
    q = forms.CharField(label=_("Search"), required=False, max_length=100)

    def __init__(self, *args: Any, accounts=None, members=(), segments=None, campaigns=None,
                 **kwargs: Any):
        super().__init__(*args, **kwargs)
        if accounts is not None:
            self.fields["account"].queryset = accounts
        if campaigns is not None:
            self.fields["campaign"].queryset = campaigns
        if segments is not None:
            self.fields["segment"].queryset = segments
        self.fields["assignee"].choices = [
            ("", _("Anyone")), (0, _("Nobody")),
            *[(m.pk, m.get_username()) for m in members],
        ]


class ReplyForm(StyledForm):
    template = forms.ModelChoiceField(
        label=_("Template"), required=False, queryset=ReplyTemplate.objects.none(),
        empty_label=_("No template"),
    )
    text = forms.CharField(
        label=_("Reply"), required=False, widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        help_text=_("Leave empty to send the template. Variables: {nickname}, {campaign}, {account}."),
    )
    resolve = forms.BooleanField(label=_("Resolve after sending"), required=False)

    def __init__(self, *args: Any, templates=None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if templates is not None:
            self.fields["template"].queryset = templates


class NoteForm(StyledForm):
    text = forms.CharField(label=_("Internal note"), widget=forms.Textarea(attrs={"rows": 2}),
                           max_length=5000)


class AssignForm(StyledForm):
    assignee = UserChoiceField(label=_("Assignee"), required=False, queryset=None,
                               empty_label=_("Nobody"))

    def __init__(self, *args: Any, members=None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["assignee"].queryset = members


class TriageForm(StyledForm):
    priority = forms.ChoiceField(label=_("Priority"), choices=Priority.choices)
    tags = forms.CharField(label=_("Tags"), required=False, max_length=400,
                           help_text=_("Separate tags with commas."))

    def clean_tags(self) -> list[str]:
        raw = self.cleaned_data["tags"].replace("，", ",")
        return [t.strip() for t in raw.split(",") if t.strip()]


class StatusForm(StyledForm):
    status = forms.ChoiceField(label=_("Status"), choices=InteractionStatus.choices)


class ReplyTemplateForm(TeamChoiceForm):
    name = forms.CharField(label=_("Name"), max_length=120)
    body = forms.CharField(
        label=_("Text"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000,
        help_text=_("Variables: {nickname}, {campaign}, {account}."),
    )


class ResponsePolicyForm(TeamChoiceForm):
    first_response_minutes = forms.IntegerField(
        label=_("First response within (working minutes)"), min_value=1, max_value=20160
    )
    working_days = forms.TypedMultipleChoiceField(
        label=_("Working days"), choices=WEEKDAYS, coerce=int,
        widget=forms.CheckboxSelectMultiple,
    )
    work_starts = forms.TimeField(label=_("Working day starts"), widget=TIME_INPUT)
    work_ends = forms.TimeField(label=_("Working day ends"), widget=TIME_INPUT)


class ReportForm(StyledForm):
    team = forms.TypedChoiceField(label=_("Team"), coerce=int)
    since = forms.DateField(label=_("From"), widget=DATE_INPUT)
    until = forms.DateField(label=_("To"), widget=DATE_INPUT)

    def __init__(self, *args: Any, teams=(), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["team"].choices = [(t.pk, t.name) for t in teams]


# --- activities -------------------------------------------------------------------------


class CampaignScopedForm(StyledForm):
    campaign = forms.ModelChoiceField(label=_("Campaign"), queryset=Campaign.objects.none())
    item = forms.ModelChoiceField(
        label=_("Content item"), required=False, queryset=None, empty_label=_("None"),
    )

    def __init__(self, *args: Any, campaigns=None, items=None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["campaign"].queryset = campaigns if campaigns is not None else Campaign.objects.none()
        self.fields["item"].queryset = items


class LotteryForm(CampaignScopedForm):
    platform = forms.ModelChoiceField(
        label=_("Platform"), required=False, queryset=Platform.objects.order_by("sort_order"),
        empty_label=_("Any platform"),
        help_text=_("The platform's rules are checked against the lottery's text."),
    )
    title = forms.CharField(label=_("Title"), max_length=200)
    rules = forms.CharField(
        label=_("Rules"), widget=forms.Textarea(attrs={"rows": 4}), max_length=10000,
        help_text=_("Who may enter and how, how winners are told and how prizes are delivered."),
    )
    prizes = forms.CharField(
        label=_("Prizes"), widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("One prize per line: name | count | value in CNY, e.g. “保温杯 | 3 | 199”."),
    )
    entries_open_at = forms.DateTimeField(label=_("Entries open at"), widget=DATETIME_INPUT)
    entries_close_at = forms.DateTimeField(label=_("Entries close at"), widget=DATETIME_INPUT)
    draw_at = forms.DateTimeField(label=_("Draw at"), widget=DATETIME_INPUT)
    consent_purpose = forms.CharField(
        label=_("Consent purpose"), required=False, max_length=200,
        help_text=_("The purpose entrants consented to in the privacy ledger; "
                    "the title when left empty."),
    )
    field_order = ["campaign", "item", "platform", "title", "rules", "prizes",
                   "entries_open_at", "entries_close_at", "draw_at", "consent_purpose"]

    def clean_prizes(self) -> list[dict]:
        prizes = []
        for number, line in enumerate(self.cleaned_data["prizes"].splitlines(), start=1):
            if not line.strip():
                continue
            parts = [p.strip() for p in line.replace("｜", "|").split("|")]
            count = parts[1] if len(parts) > 1 and parts[1] else "1"
            if not count.isdigit():
                raise forms.ValidationError(
                    _("Line %(n)s: the count must be a whole number.") % {"n": number})
            prizes.append({"name": parts[0], "count": int(count),
                           "value_cny": parts[2] if len(parts) > 2 else ""})
        return prizes

    @staticmethod
    def prizes_text(prizes: list[dict]) -> str:
        return "\n".join(
            " | ".join(str(v) for v in (p.get("name", ""), p.get("count", ""), p.get("value_cny", "")))
            for p in prizes
        )


class FileForm(StyledForm):
    file = forms.FileField(label=_("CSV file"))


class DrawForm(StyledForm):
    beacon = forms.CharField(
        label=_("Public beacon"), required=False, max_length=500,
        help_text=_("Optional randomness announced after entries closed, e.g. a drand round "
                    "or a lottery result; mixed into the draw."),
    )


class CancelForm(StyledForm):
    reason = forms.CharField(label=_("Reason"), max_length=500)


class PollForm(CampaignScopedForm):
    title = forms.CharField(label=_("Question"), max_length=200)
    options = forms.CharField(label=_("Options"), widget=forms.Textarea(attrs={"rows": 3}),
                              help_text=_("One option per line."))
    opens_at = forms.DateTimeField(label=_("Voting opens at"), widget=DATETIME_INPUT)
    closes_at = forms.DateTimeField(label=_("Voting closes at"), widget=DATETIME_INPUT)

    def clean_options(self) -> list[str]:
        return [line.strip() for line in self.cleaned_data["options"].splitlines() if line.strip()]


class VoteForm(StyledForm):
    option = forms.TypedChoiceField(label=_("Option"), coerce=int)
    participant = forms.CharField(label=_("Participant (platform id)"), max_length=200)

    def __init__(self, *args: Any, options=(), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["option"].choices = [(o.pk, o.label) for o in options]


class QuestionForm(StyledForm):
    item = forms.ModelChoiceField(label=_("Content item"), queryset=None)
    question = forms.CharField(label=_("Question"), widget=forms.Textarea(attrs={"rows": 2}),
                               max_length=5000)
    asked_by = forms.CharField(label=_("Asked by"), required=False, max_length=120)

    def __init__(self, *args: Any, items=None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["item"].queryset = items


class AnswerForm(StyledForm):
    answer = forms.CharField(label=_("Answer"), widget=forms.Textarea(attrs={"rows": 2}),
                             max_length=5000)
    publish = forms.BooleanField(label=_("Show with the content"), required=False)


class QuestionFromInteractionForm(StyledForm):
    item = forms.ModelChoiceField(label=_("Content item"), queryset=None)

    def __init__(self, *args: Any, items=None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["item"].queryset = items


# --- segments ---------------------------------------------------------------------------


class SegmentForm(TeamChoiceForm):
    name = forms.CharField(label=_("Name"), max_length=120)
    rule = forms.ChoiceField(label=_("Rule"), choices=SegmentRule.choices)
    days = forms.IntegerField(label=_("Days (N)"), required=False, min_value=1, max_value=3650)
    min_orders = forms.IntegerField(label=_("Minimum orders"), required=False, min_value=0)
    min_spend = forms.DecimalField(label=_("Minimum spend (CNY)"), required=False,
                                   max_digits=14, decimal_places=2, min_value=0)
    campaign = forms.ModelChoiceField(label=_("Campaign"), required=False,
                                      queryset=Campaign.objects.none())
    strategy = forms.ChoiceField(label=_("Strategy"), choices=SegmentStrategy.choices)
    template = forms.ModelChoiceField(
        label=_("Message template"), required=False, queryset=ReplyTemplate.objects.none(),
        help_text=_("Offered in the inbox when a member of the segment writes."),
    )

    def __init__(self, *args: Any, campaigns=None, templates=None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if campaigns is not None:
            self.fields["campaign"].queryset = campaigns
        if templates is not None:
            self.fields["template"].queryset = templates


class AudienceImportForm(StyledForm):
    account = AccountChoiceField(label=_("Account"), queryset=PlatformAccount.objects.none())
    file = forms.FileField(
        label=_("CSV file"),
        help_text=_("Columns: platform_user_id, nickname, followed_at, orders, total_spend, "
                    "last_order_at."),
    )

    def __init__(self, *args: Any, accounts=None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if accounts is not None:
            self.fields["account"].queryset = accounts

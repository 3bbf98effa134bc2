"""Forms of the team pages: input shapes only; the services own every rule."""

from __future__ import annotations

import datetime
from typing import Any

from django import forms
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .doors import StyledForm
from .models import (
    DecisionStatus,
    MeetingKind,
    Membership,
    NotificationKind,
    Skill,
    TaskPriority,
    Team,
    TrainingFormat,
    TrainingTopic,
)
from .roles import Role

DATE = {"type": "date"}
DATETIME = {"type": "datetime-local"}
DATETIME_FORMAT = "%Y-%m-%dT%H:%M"


def in_team_zone(moment: datetime.datetime, team: Team) -> datetime.datetime:
    """A time typed into a form, read on the team's wall clock (forms parse it in the site's)."""
    wall = timezone.make_naive(moment) if timezone.is_aware(moment) else moment
    return wall.replace(tzinfo=team.zone)


class _MembersMixin:
    """Choice fields listing the team's members (users or memberships)."""

    def set_members(self, team: Team, *names: str, memberships: tuple[str, ...] = ()) -> None:
        users = get_user_model().objects.filter(memberships__team=team).order_by("username")
        for name in names:
            self.fields[name].queryset = users
        for name in memberships:
            self.fields[name].queryset = (
                Membership.objects.filter(team=team).select_related("user")
                .order_by("user__username")
            )
            self.fields[name].label_from_instance = lambda m: m.user.get_username()


class TaskForm(_MembersMixin, StyledForm):
    title = forms.CharField(label=_("Title"), max_length=200)
    owner = forms.ModelChoiceField(label=_("Owner"), queryset=get_user_model().objects.none())
    due_date = forms.DateField(label=_("Due date"), required=False,
                               widget=forms.DateInput(attrs=DATE))
    priority = forms.ChoiceField(label=_("Priority"), choices=TaskPriority.choices,
                                 initial=TaskPriority.NORMAL)
    skill = forms.ChoiceField(label=_("Skill needed"), required=False,
                              choices=[("", "—"), *Skill.choices])
    description = forms.CharField(label=_("Description"), required=False,
                                  widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args: Any, team: Team, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.set_members(team, "owner")
        # Choosing the skill asks who should take the task (shown beside the form).
        self.fields["skill"].widget.attrs.update({
            "hx-get": reverse("teams:task_suggest"), "hx-trigger": "change",
            "hx-target": "#suggestions", "hx-include": "[name=team]",
        })


class CommentForm(StyledForm):
    body = forms.CharField(label=_("Comment"), widget=forms.Textarea(attrs={"rows": 2}))


class AssignForm(_MembersMixin, StyledForm):
    owner = forms.ModelChoiceField(label=_("Hand to"), queryset=get_user_model().objects.none())

    def __init__(self, *args: Any, team: Team, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.set_members(team, "owner")


class AssessmentForm(StyledForm):
    skill = forms.ChoiceField(label=_("Skill"), choices=Skill.choices)
    # Bounds are the service's rule (1–5); the form only parses.
    level = forms.CharField(label=_("Level (1–5)"), max_length=3)
    note = forms.CharField(label=_("Note"), max_length=300, required=False)


class RequirementForm(StyledForm):
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices)
    skill = forms.ChoiceField(label=_("Skill"), choices=Skill.choices)
    level = forms.CharField(label=_("Required level (1–5, empty to remove)"), max_length=3,
                            required=False)


class SeriesForm(_MembersMixin, StyledForm):
    kind = forms.ChoiceField(label=_("Kind"), choices=MeetingKind.choices)
    title = forms.CharField(label=_("Title"), max_length=200)
    rrule = forms.CharField(
        label=_("Repeats (RRULE)"), max_length=300, initial="FREQ=WEEKLY;BYDAY=MO",
        help_text=_("Weekly on Monday: FREQ=WEEKLY;BYDAY=MO · first Friday of each month: "
                    "FREQ=MONTHLY;BYDAY=1FR"),
    )
    first_starts_at = forms.DateTimeField(
        label=_("First meeting"), input_formats=[DATETIME_FORMAT],
        widget=forms.DateTimeInput(attrs=DATETIME, format=DATETIME_FORMAT),
    )
    duration_minutes = forms.IntegerField(label=_("Duration (minutes)"), initial=60)
    location = forms.CharField(label=_("Location"), max_length=200, required=False)
    participants = forms.ModelMultipleChoiceField(
        label=_("Participants"), queryset=get_user_model().objects.none(), required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args: Any, team: Team, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.set_members(team, "participants")


class MeetingForm(_MembersMixin, StyledForm):
    kind = forms.ChoiceField(label=_("Kind"), choices=MeetingKind.choices,
                             initial=MeetingKind.OTHER)
    title = forms.CharField(label=_("Title"), max_length=200)
    starts_at = forms.DateTimeField(
        label=_("Starts at"), input_formats=[DATETIME_FORMAT],
        widget=forms.DateTimeInput(attrs=DATETIME, format=DATETIME_FORMAT),
    )
    duration_minutes = forms.IntegerField(label=_("Duration (minutes)"), initial=60)
    location = forms.CharField(label=_("Location"), max_length=200, required=False)
    participants = forms.ModelMultipleChoiceField(
        label=_("Participants"), queryset=get_user_model().objects.none(), required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args: Any, team: Team, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.set_members(team, "participants")


class MinutesForm(StyledForm):
    minutes = forms.CharField(label=_("Minutes"), widget=forms.Textarea(attrs={"rows": 6}))


class DecisionForm(StyledForm):
    title = forms.CharField(label=_("Decision"), max_length=300)
    status = forms.ChoiceField(
        label=_("Status"), initial=DecisionStatus.MADE,
        choices=[(DecisionStatus.MADE, DecisionStatus.MADE.label),
                 (DecisionStatus.PENDING, _("Pending: decide at a later meeting"))],
    )


class ActionItemForm(_MembersMixin, StyledForm):
    title = forms.CharField(label=_("Action item"), max_length=200)
    owner = forms.ModelChoiceField(label=_("Owner"), queryset=get_user_model().objects.none())
    due_date = forms.DateField(label=_("Due date"), widget=forms.DateInput(attrs=DATE))

    def __init__(self, *args: Any, team: Team, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.set_members(team, "owner")


class PlanForm(StyledForm):
    title = forms.CharField(label=_("Title"), max_length=200)
    topic = forms.ChoiceField(label=_("Topic"), choices=TrainingTopic.choices)
    format = forms.ChoiceField(label=_("Format"), choices=TrainingFormat.choices)
    skill = forms.ChoiceField(label=_("Skill trained"), choices=Skill.choices)
    starts_on = forms.DateField(label=_("From"), widget=forms.DateInput(attrs=DATE))
    ends_on = forms.DateField(label=_("To"), widget=forms.DateInput(attrs=DATE))
    content = forms.CharField(label=_("Content"), required=False,
                              widget=forms.Textarea(attrs={"rows": 3}))


class SessionForm(_MembersMixin, StyledForm):
    title = forms.CharField(label=_("Title"), max_length=200)
    starts_at = forms.DateTimeField(
        label=_("Starts at"), input_formats=[DATETIME_FORMAT],
        widget=forms.DateTimeInput(attrs=DATETIME, format=DATETIME_FORMAT),
    )
    ends_at = forms.DateTimeField(
        label=_("Ends at"), input_formats=[DATETIME_FORMAT],
        widget=forms.DateTimeInput(attrs=DATETIME, format=DATETIME_FORMAT),
    )
    location = forms.CharField(label=_("Location"), max_length=200, required=False)
    trainer = forms.ModelChoiceField(label=_("Trainer"), required=False,
                                     queryset=get_user_model().objects.none())
    invitees = forms.ModelMultipleChoiceField(
        label=_("Invite"), queryset=Membership.objects.none(), required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args: Any, team: Team, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.set_members(team, "trainer", memberships=("invitees",))


class AttendanceForm(StyledForm):
    attended = forms.TypedChoiceField(
        label=_("Attended"), coerce=lambda value: value == "yes",
        choices=[("yes", _("Yes")), ("no", _("No"))],
    )
    score = forms.CharField(label=_("Score (0–100)"), max_length=4, required=False)
    level = forms.CharField(label=_("New level (1–5)"), max_length=3, required=False)


class NotificationSettingsForm(StyledForm):
    email_kinds = forms.MultipleChoiceField(
        label=_("Also send me by e-mail (one digest a day at most)"),
        choices=NotificationKind.choices, required=False, widget=forms.CheckboxSelectMultiple,
    )

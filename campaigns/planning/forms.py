"""Forms of the planning pages: they parse types and shapes; every rule is the services'.

Text fields carry no length limit: at an HTML ``maxlength`` a browser cuts a
longer text silently. The services refuse it and name the limit.

A service's ``ValidationError`` reaches these forms through
``teams.doors.apply_validation_error``, so a page shows the same message the
API gives.
"""

from django import forms
from django.utils.translation import gettext_lazy as _

from platforms.metrics import Metric
from platforms.models import Platform
from teams.doors import TeamChoiceForm
from teams.models import Team

from .models import AgeBand, CampaignStatus, Direction, Gender, Objective, PhaseKind

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class BootstrapForm(forms.Form):
    """Gives every widget its Bootstrap class, so templates stay plain."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, forms.CheckboxSelectMultiple | forms.CheckboxInput):
                css = "form-check-input"
            elif isinstance(widget, forms.Select):
                css = "form-select"
            else:
                css = "form-control"
            widget.attrs["class"] = css


class CampaignFilterForm(BootstrapForm):
    q = forms.CharField(label=_("Search"), required=False)
    status = forms.ChoiceField(
        label=_("Status"), required=False,
        choices=[("", _("Any status")), *CampaignStatus.choices],
    )
    objective = forms.ChoiceField(
        label=_("Objective"), required=False, choices=[("", _("Any objective")), *Objective.choices]
    )
    team = forms.ModelChoiceField(
        label=_("Team"), required=False, queryset=Team.objects.none(), empty_label=_("Any team")
    )
    date_from = forms.DateField(label=_("Active from"), required=False, widget=DATE_INPUT)
    date_to = forms.DateField(label=_("Active until"), required=False, widget=DATE_INPUT)

    def __init__(self, *args, teams=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["team"].queryset = teams if teams is not None else Team.objects.none()

    def clean(self):
        data = super().clean()
        date_from, date_to = data.get("date_from"), data.get("date_to")
        if date_from and date_to and date_to < date_from:
            # Said, rather than silently listing nothing; "active from" still applies.
            self.add_error("date_to", _("“Active until” must not be before “Active from”."))
        return data


class CampaignForm(TeamChoiceForm, BootstrapForm):
    """A campaign's fields; ``teams`` are those the user may plan in (new campaigns only)."""

    name = forms.CharField(label=_("Name"))
    objective = forms.ChoiceField(
        label=_("Main objective"), choices=Objective.choices,
        help_text=_("What the campaign is for: awareness, sales, leads or engagement (S2.1.1)."),
    )
    description = forms.CharField(label=_("Description"), required=False, widget=forms.Textarea(
        attrs={"rows": 3}
    ))
    budget = forms.DecimalField(
        label=_("Budget (CNY)"), max_digits=14, decimal_places=2, initial=0
    )
    start_date = forms.DateField(label=_("Start date"), widget=DATE_INPUT)
    end_date = forms.DateField(label=_("End date"), widget=DATE_INPUT)
    target_age_bands = forms.MultipleChoiceField(
        label=_("Target age bands"), choices=AgeBand.choices, required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    target_gender = forms.ChoiceField(label=_("Target gender"), choices=Gender.choices)
    target_interests = forms.CharField(
        label=_("Target interests"), required=False,
        help_text=_("Comma-separated, e.g. gaming, beauty, travel."),
    )
    shift_phases = forms.BooleanField(
        label=_("Move phases, milestones and KPI deadlines with the new start date"),
        required=False, initial=True,
    )

    def __init__(self, *args, teams=None, editing=False, **kwargs):
        super().__init__(*args, teams=teams, **kwargs)
        if editing:
            del self.fields["team"]
        else:
            del self.fields["shift_phases"]


class KPIFieldsForm(BootstrapForm):
    metric = forms.ChoiceField(label=_("Metric"), choices=Metric.choices)
    platform = forms.ModelChoiceField(
        label=_("Platform"), queryset=Platform.objects.filter(is_active=True), required=False,
        empty_label=_("All platforms"),
    )
    direction = forms.ChoiceField(label=_("Direction"), choices=Direction.choices)
    baseline = forms.DecimalField(
        label=_("Baseline"), required=False, max_digits=18, decimal_places=4,
        help_text=_("Today's value. For rates enter a percentage, e.g. 5 for 5%."),
    )
    no_baseline_reason = forms.CharField(
        label=_("No baseline because…"), required=False,
        help_text=_("Only when there is no baseline, e.g. a new account."),
    )
    target = forms.DecimalField(
        label=_("Target"), required=False, max_digits=18, decimal_places=4,
        help_text=_("Absolute target. For rates enter a percentage."),
    )
    target_change_percent = forms.DecimalField(
        label=_("…or change in %"), required=False, max_digits=9, decimal_places=2,
        help_text=_("A relative goal such as +20%: the target is computed from the baseline."),
    )
    deadline = forms.DateField(
        label=_("Deadline"), required=False, widget=DATE_INPUT,
        help_text=_("Defaults to the campaign's end date."),
    )
    unit = forms.CharField(label=_("Unit"), required=False)

    def kpi_values(self) -> dict:
        """The KPI's values as typed: rates in percent (services take ``rates_as_percent``)."""
        return {k: self.cleaned_data.get(k) for k in KPIFieldsForm.base_fields}


class GoalForm(KPIFieldsForm):
    """A goal together with its first KPI, so a new plan is measurable from the start."""

    statement = forms.CharField(
        label=_("Goal statement"), widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("e.g. Within three months raise brand awareness by 20% through social media."),
    )
    objective = forms.ChoiceField(label=_("Objective"), choices=Objective.choices)

    field_order = ["statement", "objective"]


class KPIForm(KPIFieldsForm):
    goal = forms.ModelChoiceField(label=_("Goal"), queryset=None)

    field_order = ["goal"]

    def __init__(self, *args, goals=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["goal"].queryset = goals


class KPIEditForm(KPIFieldsForm):
    """Change a KPI and record the result it reached (at evaluation)."""

    weight = forms.IntegerField(label=_("Weight"), initial=1)
    achieved = forms.DecimalField(
        label=_("Achieved"), required=False, max_digits=18, decimal_places=4,
        help_text=_("The result reached. For rates enter a percentage."),
    )

    def kpi_values(self) -> dict:
        return {k: self.cleaned_data.get(k) for k in KPIEditForm.base_fields}


class AchievedForm(BootstrapForm):
    """Only the result, for a plan that is locked for the user."""

    achieved = forms.DecimalField(
        label=_("Achieved"), required=False, max_digits=18, decimal_places=4,
        help_text=_("The result reached. For rates enter a percentage."),
    )


class PhaseForm(BootstrapForm):
    kind = forms.ChoiceField(label=_("Kind"), choices=PhaseKind.choices)
    name = forms.CharField(label=_("Name"), required=False)
    start_date = forms.DateField(label=_("Start date"), widget=DATE_INPUT)
    end_date = forms.DateField(label=_("End date"), widget=DATE_INPUT)
    parallel = forms.BooleanField(label=_("May overlap other phases"), required=False)


class UserIdChoiceField(forms.TypedChoiceField):
    """A user's id, picked from the offered people.

    Which users qualify (the campaign team's members) is the service's rule,
    so an id outside the list reaches the service and gets its message.
    """

    def __init__(self, **kwargs):
        super().__init__(coerce=int, empty_value=None, required=False, **kwargs)

    def valid_value(self, value) -> bool:
        return True


class MilestoneForm(BootstrapForm):
    phase = forms.ModelChoiceField(label=_("Phase"), queryset=None)
    title = forms.CharField(label=_("Title"))
    due_date = forms.DateField(label=_("Due date"), widget=DATE_INPUT)
    owner = UserIdChoiceField(label=_("Owner"))

    def __init__(self, *args, phases=None, members=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["phase"].queryset = phases
        people = members if members is not None else []
        self.fields["owner"].choices = lambda: [
            ("", "---------"), *((user.pk, str(user)) for user in people)
        ]


class DuplicateForm(BootstrapForm):
    name = forms.CharField(label=_("Name of the copy"), required=False)
    start_date = forms.DateField(label=_("New start date"), widget=DATE_INPUT)


class TransitionForm(BootstrapForm):
    to = forms.ChoiceField(choices=CampaignStatus.choices)
    reason = forms.CharField(label=_("Reason"), required=False)

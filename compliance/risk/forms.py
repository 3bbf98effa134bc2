"""Forms for incidents, plans and drills (input shape only; rules live in services).

Text fields carry no length limit: at an HTML ``maxlength`` a browser cuts
longer input silently. The services refuse it and say the limit.
"""

from django import forms
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from teams.doors import StyledForm, TeamChoiceForm
from teams.roles import Role

from .models import EmergencyPlan, IncidentSeverity, IncidentStatus, IncidentType


class IncidentForm(TeamChoiceForm):
    title = forms.CharField(label=_("Title"))
    incident_type = forms.ChoiceField(label=_("Incident type"), choices=IncidentType.choices)
    severity = forms.ChoiceField(label=_("Severity"), choices=IncidentSeverity.choices,
                                 initial=IncidentSeverity.MEDIUM)
    source = forms.CharField(label=_("Source"), required=False)


class UpdateForm(StyledForm):
    message = forms.CharField(label=_("Update"), widget=forms.Textarea(attrs={"rows": 3}))


class StatusForm(StyledForm):
    status = forms.ChoiceField(label=_("Status"), choices=IncidentStatus.choices)
    note = forms.CharField(label=_("Note"), required=False)

    def __init__(self, *args, offered: list[str] | None = None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if offered is not None:
            # The select lists only the moves this user may make now; any known
            # status still parses, so the service gives its reason for a refused one.
            self.fields["status"].widget.choices = [
                (value, label) for value, label in IncidentStatus.choices if value in offered
            ]


class DrillRunForm(StyledForm):
    ran_on = forms.DateField(label=_("Ran on"), widget=forms.DateInput(attrs={"type": "date"}))
    participants = forms.CharField(label=_("Participants"), required=False)
    log = forms.CharField(label=_("Run log"), widget=forms.Textarea(attrs={"rows": 3}))
    lessons_learned = forms.CharField(label=_("Lessons learned"), required=False,
                                      widget=forms.Textarea(attrs={"rows": 2}))


def role_code(text: str) -> str:
    """The role a person typed, by its name in either language (营销专员, Marketer) or
    its code; anything else as typed, for the service to refuse by name."""
    key = " ".join(text.split()).lower()
    if not key:
        return ""
    for language in ("zh-hans", "en"):
        with translation.override(language):
            for role in Role:
                if key in (role.value, str(role.label).lower()):
                    return role.value
    return text


class PlanForm(TeamChoiceForm):
    """Steps one per line: ``title | role | hours``; statements separated by a blank line."""

    incident_type = forms.ChoiceField(label=_("Incident type"), choices=IncidentType.choices)
    name = forms.CharField(label=_("Name"))
    description = forms.CharField(label=_("Description"), required=False,
                                  widget=forms.Textarea(attrs={"rows": 2}))
    steps = forms.CharField(
        label=_("Steps"), widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("One step per line: title | owner role | due after hours, "
                    "e.g. “Contact the platform's support | Marketer | 2”."),
    )
    holding_statements = forms.CharField(
        label=_("Holding statements"), required=False, widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Separate statements with a blank line; the first line is the title."),
    )

    def clean_steps(self) -> list[dict]:
        steps = []
        for number, line in enumerate(self.cleaned_data["steps"].splitlines(), start=1):
            if not line.strip():
                continue
            parts = [p.strip() for p in line.split("|")]
            step = {"title": parts[0],
                    "owner_role": role_code(parts[1]) if len(parts) > 1 else ""}
            if len(parts) > 2 and parts[2]:
                if not parts[2].isdigit():
                    raise forms.ValidationError(
                        _("Line %(n)s: hours must be a whole number.") % {"n": number})
                step["due_offset_hours"] = int(parts[2])
            steps.append(step)
        return steps

    def clean_holding_statements(self) -> list[dict]:
        blocks = [b.strip() for b in self.cleaned_data["holding_statements"].split("\n\n")]
        statements = []
        for block in filter(None, blocks):
            lines = block.splitlines()
            if len(lines) == 1:
                statements.append({"title": "", "body": lines[0]})
            else:
                statements.append({"title": lines[0], "body": "\n".join(lines[1:])})
        return statements

    @classmethod
    def initial_for(cls, plan) -> dict:
        return {
            "team": plan.team_id, "incident_type": plan.incident_type, "name": plan.name,
            "description": plan.description,
            "steps": "\n".join(
                f"{s.title} | {s.owner_role} | {s.due_offset_hours}" for s in plan.steps.all()
            ),
            "holding_statements": "\n\n".join(
                f"{s.get('title', '')}\n{s['body']}" if s.get("title") else s["body"]
                for s in plan.holding_statements
            ),
        }


class DrillForm(TeamChoiceForm):
    title = forms.CharField(label=_("Title"))
    plan = forms.ModelChoiceField(label=pgettext_lazy("emergency", "Plan"), queryset=EmergencyPlan.objects.none(),
                                  required=False)
    next_due = forms.DateField(label=_("Next due"),
                               widget=forms.DateInput(attrs={"type": "date"}))
    interval_days = forms.IntegerField(label=_("Every (days)"), initial=90)

    def __init__(self, *args, teams=None, **kwargs):
        super().__init__(*args, teams=teams, **kwargs)
        self.fields["plan"].queryset = EmergencyPlan.objects.filter(
            team__in=[t.pk for t in teams or []]).order_by("incident_type")

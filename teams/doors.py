"""What every door (page, API endpoint) shares: errors onto forms, 404s, team choices.

Services own the rules and raise Django's ``ValidationError`` with field keys;
a page shows those errors under its fields through ``apply_validation_error``,
and the API's exception handler (``config.api``) turns the same error into a
400 with the same field keys. One helper each, so both doors say the same.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, TypeVar

from django import forms
from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.http import Http404
from django.utils.formats import localize
from django.utils.html import conditional_escape, escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from .models import Team
from .selectors import teams_visible_to

T = TypeVar("T")


def apply_validation_error(form: forms.BaseForm, exc: ValidationError) -> None:
    """Show a service's ``ValidationError`` on ``form``: under its field, or above the form.

    A key the form has no field for (a rule about several fields, or a field the
    page does not show) becomes a form-wide error, so no message is lost.
    """
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


def get_or_404(getter: Callable[..., T], *args: Any) -> T:
    """The selector's object, or 404 for a missing, foreign or malformed id.

    Selectors are scoped to the acting user, so another team's record is
    "does not exist" here: its existence is never revealed.
    """
    try:
        return getter(*args)
    except (ObjectDoesNotExist, ValueError, TypeError, OverflowError) as exc:
        raise Http404 from exc


def _attrs_html(attrs: dict[str, Any]) -> str:
    """``django/forms/widgets/attrs.html`` in Python: ``True`` is a bare name, ``False`` none."""
    return "".join(
        f" {conditional_escape(name)}" if value is True
        else f' {conditional_escape(name)}="{escape(str(value))}"'
        for name, value in attrs.items() if value is not False
    )


def _shown(value: Any) -> str:
    """A label as ``{{ value }}`` shows it: localised, escaped unless already safe."""
    return str(conditional_escape(localize(value)))


def render_select_inline(
    widget: forms.Select, name: str, value: Any, attrs: dict | None = None, renderer: Any = None
) -> SafeString:
    """The markup of Django's ``select.html``, written in Python.

    Django's template includes a template per option, and even written in place
    a template loop runs a node per attribute per option: a filter of a few
    hundred campaigns cost the calendar and inbox a quarter of their time. The
    output is Django's, byte for byte (``tests/teams/test_doors_select_widget.py``).
    """
    context = widget.get_context(name, value, attrs)["widget"]
    parts = [f'<select name="{_shown(context["name"])}"{_attrs_html(context["attrs"])}>']
    for group_name, group_choices, _index in context["optgroups"]:
        if group_name:
            parts.append(f'\n  <optgroup label="{_shown(group_name)}">')
        for option in group_choices:
            parts.append(
                f'\n  <option value="{escape(str(option["value"]))}"'
                f'{_attrs_html(option["attrs"])}>{_shown(option["label"])}</option>\n'
            )
        if group_name:
            parts.append("\n  </optgroup>")
    parts.append("\n</select>")
    return mark_safe("".join(parts))  # noqa: S308 - every part above is escaped


class StyledForm(forms.Form):
    """Bootstrap classes on every widget."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, forms.CheckboxSelectMultiple | forms.CheckboxInput):
                continue
            css = "form-select" if isinstance(widget, forms.Select) else "form-control"
            widget.attrs.setdefault("class", f"{css} form-control-sm")
            if (
                widget.template_name == forms.Select.template_name
                and widget.option_template_name == forms.Select.option_template_name
            ):
                widget.render = functools.partial(render_select_inline, widget)  # type: ignore[method-assign]


class TeamChoiceForm(StyledForm):
    """A form whose first field picks one of the teams the page allows (``teams=``)."""

    team = forms.ModelChoiceField(queryset=Team.objects.none(), label=_("Team"))

    def __init__(self, *args: Any, teams: list[Team] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        ids = [t.pk for t in teams or []]
        self.fields["team"].queryset = Team.objects.filter(pk__in=ids).order_by("name")
        if teams is not None and len(teams) == 1:
            self.fields["team"].initial = teams[0].pk


@extend_schema_field(OpenApiTypes.INT)
class TeamField(serializers.PrimaryKeyRelatedField):
    """A team the user can see; others are "does not exist" (no existence leak)."""

    def get_queryset(self):
        return teams_visible_to(self.context["request"].user)


class NumericLookupMixin:
    """Detail routes only match numeric ids, so ``…/abc/`` is a 404, never a 500."""

    lookup_value_regex = r"\d+"

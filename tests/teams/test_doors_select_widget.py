"""StyledForm writes its selects in Python (``render_select_inline``): Django's markup, byte for byte."""

import pytest
from django import forms

from teams.doors import StyledForm

DJANGO_SELECT = forms.Select.template_name


class Choices(StyledForm):
    plain = forms.ChoiceField(
        choices=[("", "Any"), ("a", "Ä & <b>"), ("b", 'quote " here'), (3, "three")],
        required=False,
    )
    grouped = forms.ChoiceField(
        choices=[("", "None"), ("Fruit", [("apple", "Apple"), ("pear", "Pear")]), ("x", "X")],
        required=False,
    )
    many = forms.MultipleChoiceField(choices=[("1", "One"), ("2", "Two"), ("3", "Three")])
    flag = forms.NullBooleanField(required=False)
    disabled = forms.ChoiceField(choices=[("k", "K")], disabled=True, required=False)


BOUND = {"plain": "b", "grouped": "pear", "many": ["1", "3"], "flag": "true", "disabled": "k"}


def _rendered(form, name, template):
    """The field as the form renders it; with Django's template, by Django's own ``render``."""
    widget = form[name].field.widget
    if template == DJANGO_SELECT:
        widget.__dict__.pop("render", None)
    widget.template_name = template
    return str(form[name])


@pytest.mark.parametrize("data", [None, BOUND], ids=["unbound", "bound"])
@pytest.mark.parametrize("name", ["plain", "grouped", "many", "flag", "disabled"])
def test_the_inline_select_renders_what_django_renders(name, data):
    form = Choices(data)

    assert "render" in vars(form[name].field.widget)  # written in Python, not by a template
    inline = str(form[name])
    django = _rendered(form, name, DJANGO_SELECT)

    assert inline == django
    assert inline.count("<option") == len(list(form[name].field.widget.options(name, [])))


def test_the_bound_choice_is_selected_and_labels_are_escaped():
    html = str(Choices(BOUND)["plain"])

    assert '<option value="b" selected>quote &quot; here</option>' in html
    assert '<option value="a">Ä &amp; &lt;b&gt;</option>' in html
    assert 'class="form-select form-control-sm"' in html


def test_widgets_with_their_own_template_keep_it():
    class Radios(StyledForm):
        choice = forms.ChoiceField(choices=[("a", "A")], widget=forms.RadioSelect)
        text = forms.CharField()

    form = Radios()

    assert form["choice"].field.widget.template_name == forms.RadioSelect.template_name
    assert "render" not in vars(form["choice"].field.widget)
    assert form["text"].field.widget.template_name == forms.TextInput.template_name

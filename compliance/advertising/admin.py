from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from . import services
from .checker.engine import regex_error
from .models import (
    ContentCheck,
    FilingDocument,
    FindingOverride,
    PromotionFiling,
    Rule,
    RuleSet,
    Term,
)


class _BumpsVersionAdmin(SimpleHistoryAdmin):
    """Every admin edit of a rule or term makes a new rule-set version (S3.1.1)."""

    def _ruleset(self, obj):
        raise NotImplementedError

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        services.ruleset_bump_version(
            actor=request.user, ruleset=self._ruleset(form.instance), summary=f"admin: {form.instance}"
        )

    def delete_model(self, request, obj):
        ruleset = self._ruleset(obj)
        super().delete_model(request, obj)
        services.ruleset_bump_version(actor=request.user, ruleset=ruleset, summary=f"admin: -{obj}")

    def delete_queryset(self, request, queryset):
        rulesets = {self._ruleset(obj) for obj in queryset}
        super().delete_queryset(request, queryset)
        for ruleset in rulesets:
            services.ruleset_bump_version(actor=request.user, ruleset=ruleset, summary="admin: delete")


_INVALID_REGEX = _("Not a valid regular expression: %(error)s")


class TermForm(forms.ModelForm):
    """A pattern term is compiled (with its rule's word lists) before it is saved: a
    broken one is a form error, never a term the checker silently skips (S3.1.1).
    Model and fields come from the admin."""

    def clean(self):
        data = super().clean()
        text, kind = data.get("text"), data.get("kind")
        if text and kind:
            rule = data.get("rule") or getattr(self.instance, "rule", None)
            problem = services.term_problem(rule=rule, text=text, kind=kind)
            if problem is not None:
                self.add_error("text", problem)
        return data


class RuleForm(forms.ModelForm):
    """The ``unless`` pattern must compile (model and fields come from the admin)."""

    def clean_unless_pattern(self):
        pattern = self.cleaned_data.get("unless_pattern") or ""
        if pattern:
            error = regex_error(pattern)
            if error is not None:
                raise forms.ValidationError(_INVALID_REGEX % {"error": error})
        return pattern


class TermInline(admin.TabularInline):
    model = Term
    form = TermForm
    extra = 1
    fields = ["text", "kind", "note", "enabled"]


@admin.register(RuleSet)
class RuleSetAdmin(SimpleHistoryAdmin):
    list_display = ["name", "version", "is_active", "updated_at"]
    search_fields = ["name"]
    list_filter = ["is_active"]
    readonly_fields = ["version", "updated_at"]


@admin.register(Rule)
class RuleAdmin(_BumpsVersionAdmin):
    form = RuleForm
    list_display = ["code", "category", "severity", "detector", "message_zh", "enabled", "ruleset"]
    search_fields = ["code", "message_zh", "message_en", "basis_zh", "terms__text"]
    list_filter = ["ruleset", "category", "severity", "enabled", "platforms"]
    list_editable = ["enabled"]
    filter_horizontal = ["platforms"]
    inlines = [TermInline]

    def _ruleset(self, obj):
        return obj.ruleset


@admin.register(Term)
class TermAdmin(_BumpsVersionAdmin):
    form = TermForm
    list_display = ["text", "kind", "rule", "enabled", "note"]
    search_fields = ["text", "note", "rule__code"]
    list_filter = ["kind", "enabled", "rule__category", "rule"]
    list_select_related = ["rule"]
    autocomplete_fields = ["rule"]

    def _ruleset(self, obj):
        return obj.rule.ruleset


class FindingOverrideInline(admin.TabularInline):
    model = FindingOverride
    extra = 0
    readonly_fields = ["finding_index", "rule_code", "match", "reason", "overridden_by", "created_at"]
    can_delete = False


@admin.register(ContentCheck)
class ContentCheckAdmin(admin.ModelAdmin):
    list_display = ["id", "team", "platform", "passed", "cleared", "ruleset_version", "created_by", "created_at"]
    search_fields = ["text", "created_by__username"]
    list_filter = ["passed", "cleared", "platform", "team", "is_paid_promotion"]
    list_select_related = ["team", "platform", "created_by"]
    readonly_fields = [f.name for f in ContentCheck._meta.fields]
    inlines = [FindingOverrideInline]


@admin.register(FindingOverride)
class FindingOverrideAdmin(admin.ModelAdmin):
    list_display = ["check_run", "rule_code", "match", "overridden_by", "created_at"]
    search_fields = ["rule_code", "match", "reason", "overridden_by__username"]
    list_filter = ["rule_code", "created_at"]
    readonly_fields = ["check_run", "finding_index", "rule_code", "match", "reason", "overridden_by", "created_at"]


class FilingDocumentInline(admin.TabularInline):
    model = FilingDocument
    extra = 0
    fields = ["title", "file", "uploaded_by", "uploaded_at"]
    readonly_fields = ["uploaded_by", "uploaded_at"]


@admin.register(PromotionFiling)
class PromotionFilingAdmin(SimpleHistoryAdmin):
    list_display = ["filing_number", "platform", "team", "amount_cny", "starts_on", "ends_on"]
    search_fields = ["filing_number", "contract_reference", "team__name"]
    list_filter = ["platform", "team", "starts_on"]
    list_select_related = ["platform", "team"]
    inlines = [FilingDocumentInline]


@admin.register(FilingDocument)
class FilingDocumentAdmin(admin.ModelAdmin):
    list_display = ["title", "filing", "uploaded_by", "uploaded_at"]
    search_fields = ["title", "filing__filing_number"]
    list_filter = ["uploaded_at"]

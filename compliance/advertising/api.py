"""API for the content checker, stored checks, overrides, filings and rules (S3.1.1, S3.2.2)."""

from django.core.exceptions import ValidationError
from django.http import Http404
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import mixins, parsers, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from platforms.models import Platform
from teams.models import Team
from teams.selectors import teams_visible_to, user_can

from . import selectors, services
from .checker import check_text
from .checker.masking import mask_personal
from .models import ContentCheck, FilingDocument, FindingOverride, PromotionFiling, Rule


class FindingSerializer(serializers.Serializer):
    rule = serializers.CharField()
    category = serializers.CharField()
    severity = serializers.CharField()
    start = serializers.IntegerField()
    end = serializers.IntegerField()
    match = serializers.CharField()
    message = serializers.CharField()
    basis = serializers.CharField()


@extend_schema_field(
    {
        "oneOf": [
            {"type": "boolean"},
            {"type": "string", "enum": ["true", "false", "1", "0"]},
            {"type": "integer", "enum": [0, 1]},
        ],
        "default": False,
    }
)
class PaidFlagField(serializers.JSONField):
    """true/false, 1/0 or "true"/"false"/"1"/"0"; parsed by ``services.paid_flag_clean``."""

    def to_internal_value(self, data):
        try:
            return services.paid_flag_clean(data)
        except ValidationError as exc:
            raise serializers.ValidationError(exc.message_dict["is_paid_promotion"]) from exc


class CheckRequestSerializer(serializers.Serializer):
    # Length and platform are validated by the service so that API, UI and
    # the command line give the same messages.
    text = serializers.CharField(allow_blank=True, trim_whitespace=False)
    platform = serializers.CharField(required=False, allow_blank=True, allow_null=True)
    # Parsed by the service, exactly as on the command line ("false" is false).
    is_paid_promotion = PaidFlagField(required=False, default=False, allow_null=True)
    filing = serializers.IntegerField(required=False, allow_null=True)
    team = serializers.IntegerField(required=False, allow_null=True)


class CheckResponseSerializer(serializers.Serializer):
    id = serializers.IntegerField(allow_null=True)
    passed = serializers.BooleanField()
    ruleset_version = serializers.IntegerField()
    findings = FindingSerializer(many=True)
    exemptions = serializers.ListField(child=serializers.DictField())


def _localised(finding: dict) -> dict:
    zh = (get_language() or "zh").startswith("zh")
    return {
        "rule": finding["rule"], "category": finding["category"], "severity": finding["severity"],
        "start": finding["start"], "end": finding["end"], "match": finding["match"],
        "message": finding["message_zh"] if zh else finding["message_en"],
        "basis": finding["basis_zh"] if zh else finding["basis_en"],
    }


class CheckViewSet(viewsets.ViewSet):
    """Check a text: `{"text", "platform", "is_paid_promotion"}` → `{"passed", "findings"}`.

    The check is stored (with the rule-set version) for the given `team`, or
    the caller's team when they belong to exactly one; otherwise `id` is null.
    """

    @extend_schema(request=CheckRequestSerializer, responses=CheckResponseSerializer)
    def create(self, request):
        payload = CheckRequestSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = payload.validated_data
        text, platform = services.check_input_clean(text=data["text"], platform=data.get("platform"))
        team = self._team(request, data.get("team"))
        filing = None
        if data.get("filing"):
            try:
                filing = selectors.filing_get(request.user, data["filing"])
            except PromotionFiling.DoesNotExist as exc:
                raise ValidationError({"filing": _("No such filing.")}) from exc
        if team is not None:
            check = services.content_check_run(
                actor=request.user, team=team, text=text, platform=platform,
                is_paid_promotion=bool(data["is_paid_promotion"]), filing=filing,
            )
            body = {
                "id": check.pk, "passed": check.passed, "ruleset_version": check.ruleset_version,
                "findings": [_localised(f) for f in check.findings], "exemptions": check.exemptions,
            }
        else:
            result = check_text(
                text, platform=platform, is_paid_promotion=bool(data["is_paid_promotion"]), filing=filing
            )
            body = {"id": None, **result.to_dict(get_language())}
        return Response(body, status=status.HTTP_200_OK)

    def _team(self, request, team_id: int | None) -> Team | None:
        visible = teams_visible_to(request.user)
        if team_id:
            team = visible.filter(pk=team_id).first()
            if team is None:
                raise ValidationError({"team": _("No such team.")})
            return team
        own = list(request.user.memberships.values_list("team_id", flat=True)[:2])
        return Team.objects.get(pk=own[0]) if len(own) == 1 else None


class OverrideSerializer(serializers.ModelSerializer):
    overridden_by = serializers.CharField(source="overridden_by.username", read_only=True)

    class Meta:
        model = FindingOverride
        fields = ["finding_index", "rule_code", "match", "reason", "overridden_by", "created_at"]


class OverrideRequestSerializer(serializers.Serializer):
    finding_index = serializers.IntegerField(min_value=0)
    reason = serializers.CharField(allow_blank=True)


class ContentCheckSerializer(serializers.ModelSerializer):
    # A check of a text without a platform has none: documented as nullable.
    platform = serializers.SlugRelatedField(slug_field="code", read_only=True, allow_null=True)
    findings = serializers.SerializerMethodField()
    overrides = OverrideSerializer(many=True, read_only=True)
    created_by = serializers.CharField(source="created_by.username", read_only=True, default=None)
    content = serializers.SerializerMethodField()

    class Meta:
        model = ContentCheck
        fields = [
            "id", "team", "text", "platform", "is_paid_promotion", "filing", "ruleset_version",
            "passed", "cleared", "findings", "exemptions", "overrides", "content",
            "created_by", "created_at",
        ]

    def get_findings(self, check: ContentCheck) -> list[dict]:
        return [_localised(f) for f in check.findings]

    def to_representation(self, check: ContentCheck) -> dict:
        """Phones and ID numbers in the text are masked without ``privacy.view_personal`` (S3.1.3)."""
        data = super().to_representation(check)
        if not self._can_view_personal(check):
            data["text"] = mask_personal(data["text"])
        return data

    def _can_view_personal(self, check: ContentCheck) -> bool:
        request = self.context.get("request")
        if request is None:
            return False
        cache = self.context.setdefault("_can_view_personal", {})
        if check.team_id not in cache:
            cache[check.team_id] = user_can(request.user, check.team, "privacy.view_personal")
        return cache[check.team_id]

    def get_content(self, check: ContentCheck) -> dict | None:
        if check.content_type_id is None:
            return None
        return {"type": f"{check.content_type.app_label}.{check.content_type.model}", "id": check.content_id}


class ContentCheckViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Stored checks of the caller's teams; reviewers override blocking findings."""

    serializer_class = ContentCheckSerializer
    filterset_fields = ["team", "passed", "cleared"]
    ordering_fields = ["created_at"]

    def get_queryset(self):
        return selectors.checks_for(self.request.user).select_related(
            "content_type"
        ).prefetch_related("overrides__overridden_by")

    @extend_schema(request=OverrideRequestSerializer, responses=OverrideSerializer)
    @action(detail=True, methods=["post"])
    def override(self, request, pk=None):
        check = self.get_object()
        payload = OverrideRequestSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        override = services.finding_override(
            actor=request.user, check=check, finding_index=payload.validated_data["finding_index"],
            reason=payload.validated_data["reason"],
        )
        return Response(OverrideSerializer(override).data, status=status.HTTP_201_CREATED)


class FilingDocumentSerializer(serializers.ModelSerializer):
    class Meta:
        model = FilingDocument
        fields = ["id", "title", "file", "uploaded_at"]


class PromotionFilingSerializer(serializers.ModelSerializer):
    platform = serializers.SlugRelatedField(slug_field="code", queryset=Platform.objects.all())
    team = serializers.PrimaryKeyRelatedField(queryset=Team.objects.all())
    documents = FilingDocumentSerializer(many=True, read_only=True)

    class Meta:
        model = PromotionFiling
        fields = [
            "id", "team", "platform", "filing_number", "contract_reference", "amount_cny",
            "starts_on", "ends_on", "notes", "documents", "created_at",
        ]
        read_only_fields = ["created_at"]
        validators: list = []  # uniqueness is the service's to check, with a clear message


class DocumentUploadSerializer(serializers.Serializer):
    file = serializers.FileField()
    title = serializers.CharField(required=False, allow_blank=True)


class PromotionFilingViewSet(viewsets.ModelViewSet):
    """Paid-promotion filings (S3.2.2) of the caller's teams."""

    serializer_class = PromotionFilingSerializer
    filterset_fields = ["team", "platform__code"]
    search_fields = ["filing_number", "contract_reference"]
    ordering_fields = ["starts_on", "ends_on", "amount_cny"]

    def get_queryset(self):
        return selectors.filings_for(self.request.user).prefetch_related("documents")

    def get_serializer(self, *args, **kwargs):
        serializer = super().get_serializer(*args, **kwargs)
        if hasattr(serializer, "fields") and "team" in serializer.fields:
            serializer.fields["team"].queryset = teams_visible_to(self.request.user)
        return serializer

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        team = data.pop("team")
        serializer.instance = services.filing_create(actor=self.request.user, team=team, **data)

    def perform_update(self, serializer):
        data = dict(serializer.validated_data)
        team = data.pop("team", None)
        if team is not None and team.pk != serializer.instance.team_id:
            raise ValidationError({"team": _("A filing cannot move to another team.")})
        serializer.instance = services.filing_update(
            actor=self.request.user, filing=serializer.instance, **data
        )

    def perform_destroy(self, instance):
        services.filing_delete(actor=self.request.user, filing=instance)

    @extend_schema(request=DocumentUploadSerializer, responses=FilingDocumentSerializer)
    @action(detail=True, methods=["post"], parser_classes=[parsers.MultiPartParser, parsers.FormParser])
    def documents(self, request, pk=None):
        filing = self.get_object()
        payload = DocumentUploadSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        document = services.filing_document_add(
            actor=request.user, filing=filing, file=payload.validated_data["file"],
            title=payload.validated_data.get("title", ""),
        )
        return Response(FilingDocumentSerializer(document).data, status=status.HTTP_201_CREATED)


class RuleSerializer(serializers.ModelSerializer):
    # Plain strings: the codes are documented in docs/compliance.md, and enum
    # components here would collide in the schema with incident severities.
    category = serializers.CharField(read_only=True)
    severity = serializers.CharField(read_only=True)
    detector = serializers.CharField(read_only=True)
    platforms = serializers.SlugRelatedField(slug_field="code", many=True, read_only=True)
    message = serializers.CharField(read_only=True)
    basis = serializers.CharField(read_only=True)
    terms = serializers.SerializerMethodField()

    class Meta:
        model = Rule
        fields = ["code", "category", "severity", "detector", "message", "basis", "platforms", "enabled", "terms"]

    def get_terms(self, rule: Rule) -> list[dict]:
        return [{"text": t.text, "kind": t.kind} for t in rule.terms.all() if t.enabled]


class RuleViewSet(viewsets.ReadOnlyModelViewSet):
    """The active rule set (read-only; admins edit rules in Django admin)."""

    serializer_class = RuleSerializer
    queryset = Rule.objects.none()  # for the schema; get_queryset gives the real one
    lookup_field = "code"
    lookup_value_regex = "[A-Z]{2}-[0-9]{2}"

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Rule.objects.none()
        ruleset = selectors.active_ruleset()
        if ruleset is None:
            raise Http404
        return selectors.rules_of(ruleset)

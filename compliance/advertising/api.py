"""API for the content checker, stored checks, overrides, filings and rules (S3.1.1, S3.2.2)."""

from django.core.exceptions import ValidationError
from django.http import Http404
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import mixins, parsers, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from platforms.models import Platform
from teams.doors import NumericLookupMixin, TeamField, get_or_404
from teams.downloads import attachment_response

from . import selectors, services
from .checker.engine import Finding
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


@extend_schema_field(OpenApiTypes.INT)
class FilingField(serializers.PrimaryKeyRelatedField):
    """A filing of the caller's teams; any other id is "No such filing." (no existence leak)."""

    default_error_messages = {"does_not_exist": _("No such filing.")}

    def get_queryset(self):
        return selectors.filings_for(self.context["request"].user)


class CheckRequestSerializer(serializers.Serializer):
    # Length and platform are validated by the service so that API, UI and
    # the command line give the same messages.
    text = serializers.CharField(allow_blank=True, trim_whitespace=False)
    platform = serializers.CharField(
        required=False, allow_blank=True, allow_null=True,
        help_text="A platform code, its Chinese or English name, or an alias (wechat, 微信, B站 …).",
    )
    # Parsed by the service, exactly as on the command line ("false" is false).
    is_paid_promotion = PaidFlagField(required=False, default=False, allow_null=True)
    filing = FilingField(required=False, allow_null=True)
    team = TeamField(
        required=False, allow_null=True, error_messages={"does_not_exist": _("No such team.")}
    )


class PlatformUnderstoodSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()


class CheckResponseSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    # The catalogue platform the request's `platform` was understood as (null: none given).
    platform = PlatformUnderstoodSerializer(allow_null=True)
    passed = serializers.BooleanField()
    ruleset_version = serializers.IntegerField()
    findings = FindingSerializer(many=True)
    exemptions = serializers.ListField(child=serializers.DictField())


def _localised(record: dict) -> dict:
    return Finding.from_record(record).to_dict(get_language())


class CheckViewSet(viewsets.ViewSet):
    """Check a text: `{"text", "platform", "is_paid_promotion"}` → `{"passed", "findings"}`.

    `platform` may be a code, a Chinese or English name or an alias (wechat, 微信,
    公众号, 抖音, 小红书, B站 …); the answer's `platform` says which one was understood.

    The check is stored (with the rule-set version) for the given `team`, or
    the caller's team when exactly one of their teams may run checks;
    otherwise `team` is required (400).
    """

    # Each check runs every rule over the text: CPU per request, so callers are
    # throttled (the "cpu" rate in REST_FRAMEWORK settings) with a translated 429.
    throttle_scope = "cpu"

    @extend_schema(request=CheckRequestSerializer, responses={200: CheckResponseSerializer})
    def create(self, request):
        payload = CheckRequestSerializer(data=request.data, context={"request": request})
        payload.is_valid(raise_exception=True)
        data = payload.validated_data
        check = services.content_check_run(
            actor=request.user, team=data.get("team"), text=data["text"],
            platform=data.get("platform"), is_paid_promotion=bool(data["is_paid_promotion"]),
            filing=data.get("filing"),
        )
        body = {
            "id": check.pk, "platform": services.platform_understood(check.platform),
            "passed": check.passed, "ruleset_version": check.ruleset_version,
            "findings": [_localised(f) for f in check.findings], "exemptions": check.exemptions,
        }
        return Response(body, status=status.HTTP_200_OK)


class OverrideSerializer(serializers.ModelSerializer):
    overridden_by = serializers.CharField(source="overridden_by.username", read_only=True)

    class Meta:
        model = FindingOverride
        fields = ["finding_index", "rule_code", "match", "reason", "overridden_by", "created_at"]


class OverrideRequestSerializer(serializers.Serializer):
    finding_index = serializers.IntegerField()  # the service says which indexes exist
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
        if "_masker" not in self.context:
            request = self.context.get("request")
            self.context["_masker"] = selectors.StoredTextMasker(
                request.user if request is not None else None
            )
        data["text"] = self.context["_masker"].text(check)
        return data

    def get_content(self, check: ContentCheck) -> dict | None:
        if check.content_type_id is None:
            return None
        return {"type": f"{check.content_type.app_label}.{check.content_type.model}", "id": check.content_id}


class ContentCheckViewSet(
    NumericLookupMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """Stored checks of the caller's teams; reviewers override blocking findings."""

    serializer_class = ContentCheckSerializer
    filterset_fields = ["team", "passed", "cleared"]
    ordering_fields = ["created_at"]

    def get_queryset(self):
        return selectors.checks_for(self.request.user).select_related(
            "content_type"
        ).prefetch_related("overrides__overridden_by")

    @extend_schema(request=OverrideRequestSerializer, responses={201: OverrideSerializer})
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


class FilingDocumentFileField(serializers.FileField):
    """On the way out, the URL that downloads the file after checking the reader
    (never a /media/ address)."""

    def to_representation(self, value) -> str | None:
        if not value:
            return None
        document = value.instance
        url = reverse("advertising-filing-document-file", args=[document.filing_id, document.pk])
        request = self.context.get("request")
        return request.build_absolute_uri(url) if request is not None else url


class FilingDocumentSerializer(serializers.ModelSerializer):
    file = FilingDocumentFileField(read_only=True)

    class Meta:
        model = FilingDocument
        fields = ["id", "title", "file", "content_type", "uploaded_at"]
        read_only_fields = ["id", "title", "content_type", "uploaded_at"]


class PromotionFilingSerializer(serializers.ModelSerializer):
    platform = serializers.SlugRelatedField(slug_field="code", queryset=Platform.objects.all())
    team = TeamField()
    documents = FilingDocumentSerializer(many=True, read_only=True)

    class Meta:
        model = PromotionFiling
        fields = [
            "id", "team", "platform", "filing_number", "contract_reference", "amount_cny",
            "starts_on", "ends_on", "notes", "documents", "created_at",
        ]
        read_only_fields = ["created_at"]
        validators: list = []  # uniqueness is the service's to check, with a clear message


class PromotionFilingCreateSerializer(PromotionFilingSerializer):
    """A new filing, optionally with its first document (send it as multipart)."""

    document = serializers.FileField(write_only=True, required=False)
    document_title = serializers.CharField(
        write_only=True, required=False, allow_blank=True,
        max_length=FilingDocument._meta.get_field("title").max_length,
    )

    class Meta(PromotionFilingSerializer.Meta):
        fields = [*PromotionFilingSerializer.Meta.fields, "document", "document_title"]


class DocumentUploadSerializer(serializers.Serializer):
    file = serializers.FileField()
    title = serializers.CharField(
        required=False, allow_blank=True, max_length=FilingDocument._meta.get_field("title").max_length
    )


class PromotionFilingViewSet(NumericLookupMixin, viewsets.ModelViewSet):
    """Paid-promotion filings (S3.2.2) of the caller's teams.

    A new filing may bring its first document (multipart `document`,
    `document_title`); both are stored together or not at all.
    """

    serializer_class = PromotionFilingSerializer
    filterset_fields = ["team", "platform__code"]
    search_fields = ["filing_number", "contract_reference"]
    ordering_fields = ["starts_on", "ends_on", "amount_cny"]

    def get_queryset(self):
        return selectors.filings_for(self.request.user).prefetch_related("documents")

    def get_serializer_class(self):
        if self.action == "create":
            return PromotionFilingCreateSerializer
        return PromotionFilingSerializer

    def perform_create(self, serializer):
        try:
            serializer.instance = services.filing_create(
                actor=self.request.user, **serializer.validated_data
            )
        except ValidationError as exc:
            # The service names the document's fields as on the upload form.
            if not hasattr(exc, "error_dict"):
                raise
            renamed = {"file": "document", "title": "document_title"}
            raise ValidationError(
                {renamed.get(k, k): v for k, v in exc.message_dict.items()}
            ) from exc

    def perform_update(self, serializer):
        serializer.instance = services.filing_update(
            actor=self.request.user, filing=serializer.instance, **serializer.validated_data
        )

    def perform_destroy(self, instance):
        services.filing_delete(actor=self.request.user, filing=instance)

    @extend_schema(request=DocumentUploadSerializer, responses={201: FilingDocumentSerializer})
    @action(detail=True, methods=["post"], parser_classes=[parsers.MultiPartParser, parsers.FormParser])
    def documents(self, request, pk=None):
        filing = self.get_object()
        payload = DocumentUploadSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        document = services.filing_document_add(
            actor=request.user, filing=filing, file=payload.validated_data["file"],
            title=payload.validated_data.get("title", ""),
        )
        return Response(
            FilingDocumentSerializer(document, context={"request": request}).data,
            status=status.HTTP_201_CREATED,
        )

    @extend_schema(
        # Any type: the file goes out with the type found on upload (a PDF, an image, …).
        responses={(200, "*/*"): OpenApiTypes.BINARY},
        parameters=[OpenApiParameter("document_pk", int, OpenApiParameter.PATH)],
    )
    @action(
        detail=True, methods=["get"], url_path=r"documents/(?P<document_pk>\d+)/file",
        url_name="document-file",
    )
    def document_file(self, request, pk=None, document_pk=None):
        """Download a filing document's file (an attachment, with its checked type)."""
        document = get_or_404(selectors.filing_document_get, request.user, pk, document_pk)
        return attachment_response(
            document.file, content_type=document.content_type,
            filename=selectors.filing_document_download_name(document),
        )


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

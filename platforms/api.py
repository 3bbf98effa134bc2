from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from teams.doors import TeamField, get_or_404
from teams.downloads import attachment_response

from . import selectors, services
from .models import (
    ConnectorKind,
    DocumentKind,
    Platform,
    PlatformAccount,
    QualificationDocument,
)
from .recommender import AGE_BANDS, BUSINESS_KINDS, CONTENT_FORMATS, GENDERS


class PlatformSerializer(serializers.ModelSerializer):
    class Meta:
        model = Platform
        fields = [
            "code", "name_zh", "name_en", "category", "audience_age", "audience_female_share",
            "interest_tags", "business_fit", "content_formats", "format_fit", "ad_flexibility",
            "api_publish", "api_metrics", "api_interactions", "data_retention_days",
            "requires_enterprise_certification", "required_documents",
        ]


class InterestsField(serializers.ListField):
    """A list of tags, or one comma-separated string."""

    child = serializers.CharField(max_length=40)

    def __init__(self, **kwargs):
        # A class attribute is not enough: ListField reads max_length from kwargs.
        kwargs.setdefault("max_length", 30)
        super().__init__(**kwargs)

    def to_internal_value(self, data):
        if isinstance(data, str):
            data = [part for part in data.split(",") if part.strip()]
        return super().to_internal_value(data)


class RecommendRequestSerializer(serializers.Serializer):
    age_bands = serializers.ListField(child=serializers.ChoiceField(AGE_BANDS), required=False)
    gender = serializers.ChoiceField(GENDERS, default="any")
    interests = InterestsField(required=False)
    content_format = serializers.ChoiceField(CONTENT_FORMATS, default="image_text")
    business = serializers.ChoiceField(BUSINESS_KINDS, default="b2c")
    paid_promotion = serializers.BooleanField(default=False)


class RankingSerializer(serializers.Serializer):
    platform = serializers.CharField()
    score = serializers.FloatField()
    factors = serializers.DictField(child=serializers.FloatField())
    explanation = serializers.CharField()


class RecommendResponseSerializer(serializers.Serializer):
    ranking = RankingSerializer(many=True)


class PlatformViewSet(viewsets.ReadOnlyModelViewSet):
    """The platform catalogue (S2.2.1) and the recommender."""

    serializer_class = PlatformSerializer
    # Only the recommender is throttled (its action sets the "cpu" scope); reads are not.
    throttle_scope: str | None = None
    lookup_field = "code"
    pagination_class = None
    filterset_fields = ["category"]
    search_fields = ["code", "name_zh", "name_en"]

    def get_queryset(self):
        return selectors.platforms_active()

    @extend_schema(request=RecommendRequestSerializer, responses=RecommendResponseSerializer)
    @action(detail=False, methods=["post"], throttle_scope="cpu")
    def recommend(self, request):
        """Rank platforms for an audience and product, best first (S2.2.1)."""
        payload = RecommendRequestSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        ranking, errors = selectors.recommend_platforms(payload.validated_data)
        if errors:
            raise ValidationError(errors)
        return Response(
            {"ranking": [
                {"platform": r.platform, "score": r.score, "factors": r.factors,
                 "explanation": r.explanation}
                for r in ranking
            ]}
        )


class DocumentFileField(serializers.FileField):
    """An upload on the way in; on the way out, the URL that downloads it after
    checking the reader (never a /media/ address)."""

    def to_representation(self, value) -> str | None:
        if not value:
            return None
        document = value.instance
        url = reverse("platform-account-document-file", args=[document.account_id, document.pk])
        request = self.context.get("request")
        return request.build_absolute_uri(url) if request is not None else url


class DocumentSerializer(serializers.ModelSerializer):
    is_expired = serializers.BooleanField(read_only=True)
    file = DocumentFileField(required=False)

    class Meta:
        model = QualificationDocument
        fields = ["id", "kind", "number", "file", "content_type", "issued_on", "expires_on",
                  "is_expired", "uploaded_at"]
        read_only_fields = ["id", "content_type", "uploaded_at"]
        extra_kwargs = {
            "kind": {"choices": DocumentKind.choices},
            # "Every document has an expiry date" is the service's rule (S2.2.2).
            "expires_on": {"required": False, "allow_null": True},
        }


class CredentialsField(serializers.DictField):
    """Write-only: accepted on input, never part of any response."""

    def __init__(self, **kwargs):
        kwargs.setdefault("write_only", True)
        kwargs.setdefault("required", False)
        super().__init__(child=serializers.CharField(max_length=500), **kwargs)


class PlatformAccountSerializer(serializers.ModelSerializer):
    platform = serializers.SlugRelatedField(
        slug_field="code", queryset=Platform.objects.all(),
        error_messages={"does_not_exist": gettext_lazy("Unknown platform: {value}.")},
    )
    team = TeamField(required=False)
    credentials = CredentialsField()
    has_credentials = serializers.BooleanField(read_only=True)
    documents = DocumentSerializer(many=True, read_only=True)
    can_publish = serializers.SerializerMethodField()
    # A translated summary; the technical detail stays in logs and admin.
    last_error = serializers.CharField(source="last_error_summary", read_only=True)

    class Meta:
        model = PlatformAccount
        fields = [
            "id", "team", "platform", "handle", "external_id", "connector",
            "verification_status", "enterprise_certificate_number", "verified_on",
            "certification_expires_on", "needs_reconnection", "last_sync_at", "last_checked_at",
            "last_error", "last_error_code", "token_expires_at", "has_credentials", "credentials", "documents",
            "can_publish",
        ]
        read_only_fields = [
            "verification_status", "verified_on", "certification_expires_on",
            "needs_reconnection", "last_sync_at", "last_checked_at", "last_error",
            "last_error_code", "token_expires_at",
        ]
        extra_kwargs = {
            "connector": {"choices": ConnectorKind.choices},
            # "An account needs a handle" is the service's rule, said the same on the page.
            "handle": {"required": False, "allow_blank": True},
        }
        # Uniqueness of (team, platform, handle) is the service's rule; the
        # automatic validator would make ``team`` mandatory.
        validators: list = []

    def get_can_publish(self, account) -> dict:
        allowed, reasons = selectors.account_can_publish(account)
        return {"allowed": allowed, "reasons": reasons}


class AccountHealthSerializer(serializers.Serializer):
    """The last connection check as the health page shows it."""

    ok = serializers.SerializerMethodField()
    checking = serializers.BooleanField(source="health_check_under_way")
    detail = serializers.SerializerMethodField()
    checked_at = serializers.DateTimeField(source="last_checked_at", allow_null=True)
    token_expires_at = serializers.DateTimeField(allow_null=True)
    needs_reconnection = serializers.BooleanField()

    def get_ok(self, account) -> bool | None:
        """Whether the last finished check succeeded; null before the first."""
        return account.last_check_ok

    def get_detail(self, account) -> str:
        if account.health_check_under_way:
            return _("A check is under way.")
        return account.last_check_summary


class VerificationSerializer(serializers.Serializer):
    verification_status = serializers.CharField()
    verified_on = serializers.DateField(required=False, allow_null=True)
    certification_expires_on = serializers.DateField(required=False, allow_null=True)
    reason = serializers.CharField(required=False, allow_blank=True, max_length=500)


class PlatformAccountViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin,
    mixins.UpdateModelMixin, mixins.DestroyModelMixin, viewsets.GenericViewSet,
):
    """The caller's teams' platform accounts (S2.2.2). Credentials are write-only."""

    serializer_class = PlatformAccountSerializer
    filterset_fields = ["team", "connector", "verification_status", "platform__code"]
    search_fields = ["handle", "external_id"]
    ordering_fields = ["handle", "certification_expires_on"]

    def get_queryset(self):
        return selectors.accounts_for_user(self.request.user)

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        account = services.account_create(
            actor=request.user, team=data.get("team"), platform=data["platform"],
            handle=data.get("handle", ""), connector=data.get("connector", ConnectorKind.SANDBOX),
            external_id=data.get("external_id", ""),
            enterprise_certificate_number=data.get("enterprise_certificate_number", ""),
            credentials=data.get("credentials"),
        )
        account = self.get_queryset().get(pk=account.pk)
        return Response(self.get_serializer(account).data, status=status.HTTP_201_CREATED)

    def update(self, request, *args, **kwargs):
        account = self.get_object()
        serializer = self.get_serializer(
            account, data=request.data, partial=kwargs.get("partial", False)
        )
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        credentials = data.pop("credentials", None)
        services.account_update(
            actor=request.user, account=account, credentials=credentials, **data
        )
        return Response(self.get_serializer(self.get_queryset().get(pk=account.pk)).data)

    def perform_destroy(self, instance):
        services.account_delete(actor=self.request.user, account=instance)

    @extend_schema(request=VerificationSerializer, responses=PlatformAccountSerializer)
    @action(detail=True, methods=["post"])
    def verification(self, request, pk=None):
        account = self.get_object()
        payload = VerificationSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        services.account_set_verification(
            actor=request.user, account=account,
            status=payload.validated_data["verification_status"],
            verified_on=payload.validated_data.get("verified_on"),
            certification_expires_on=payload.validated_data.get("certification_expires_on"),
            reason=payload.validated_data.get("reason", ""),
        )
        return Response(self.get_serializer(self.get_queryset().get(pk=account.pk)).data)

    @extend_schema(request=DocumentSerializer, responses={201: DocumentSerializer})
    @action(detail=True, methods=["post"])
    def documents(self, request, pk=None):
        account = self.get_object()
        payload = DocumentSerializer(data=request.data, context=self.get_serializer_context())
        payload.is_valid(raise_exception=True)
        data = payload.validated_data
        document = services.document_add(
            actor=request.user, account=account, kind=data["kind"],
            expires_on=data.get("expires_on"), number=data.get("number", ""),
            issued_on=data.get("issued_on"), file=data.get("file"),
        )
        return Response(
            DocumentSerializer(document, context=self.get_serializer_context()).data,
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
        """Download a qualification document's file (an attachment, with its checked type)."""
        document = get_or_404(selectors.document_get_for_user, request.user, pk, document_pk)
        return attachment_response(
            document.file, content_type=document.content_type,
            filename=selectors.document_download_name(document),
        )

    @extend_schema(methods=["GET"], responses=AccountHealthSerializer)
    @extend_schema(methods=["POST"], request=None, responses={202: AccountHealthSerializer})
    @action(detail=True, methods=["get", "post"])
    def health(self, request, pk=None):
        """The connection's last check (GET), or start a new check in the background (POST)."""
        account = self.get_object()
        if request.method == "GET":
            return Response(AccountHealthSerializer(account).data)
        services.account_request_health_check(actor=request.user, account=account)
        account = self.get_queryset().get(pk=account.pk)
        return Response(AccountHealthSerializer(account).data, status=status.HTTP_202_ACCEPTED)

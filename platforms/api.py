from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response

from teams.models import Team
from teams.selectors import teams_visible_to, user_can

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
    lookup_field = "code"
    pagination_class = None
    filterset_fields = ["category"]
    search_fields = ["code", "name_zh", "name_en"]

    def get_queryset(self):
        return selectors.platforms_active()

    @extend_schema(request=RecommendRequestSerializer, responses=RecommendResponseSerializer)
    @action(detail=False, methods=["post"])
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


class DocumentSerializer(serializers.ModelSerializer):
    is_expired = serializers.BooleanField(read_only=True)

    class Meta:
        model = QualificationDocument
        fields = ["id", "kind", "number", "file", "issued_on", "expires_on", "is_expired",
                  "uploaded_at"]
        read_only_fields = ["id", "uploaded_at"]
        extra_kwargs = {"kind": {"choices": DocumentKind.choices}, "file": {"required": False}}


class CredentialsField(serializers.DictField):
    """Write-only: accepted on input, never part of any response."""

    def __init__(self, **kwargs):
        kwargs.setdefault("write_only", True)
        kwargs.setdefault("required", False)
        super().__init__(child=serializers.CharField(max_length=500), **kwargs)


class VisibleTeamField(serializers.PrimaryKeyRelatedField):
    """A team id the caller can see; any other id is "does not exist"."""

    def get_queryset(self):
        request = self.context.get("request")
        return teams_visible_to(request.user) if request else Team.objects.none()


class PlatformAccountSerializer(serializers.ModelSerializer):
    platform = serializers.SlugRelatedField(
        slug_field="code", queryset=Platform.objects.all(),
        error_messages={"does_not_exist": gettext_lazy("Unknown platform: {value}.")},
    )
    team = VisibleTeamField(required=False)
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
        extra_kwargs = {"connector": {"choices": ConnectorKind.choices}}
        # Uniqueness of (team, platform, handle) is the service's rule; the
        # automatic validator would make ``team`` mandatory.
        validators: list = []

    def get_can_publish(self, account) -> dict:
        allowed, reasons = selectors.account_can_publish(account)
        return {"allowed": allowed, "reasons": reasons}


class VerificationSerializer(serializers.Serializer):
    verification_status = serializers.CharField()
    verified_on = serializers.DateField(required=False, allow_null=True)
    certification_expires_on = serializers.DateField(required=False, allow_null=True)
    reason = serializers.CharField(required=False, allow_blank=True)


class PlatformAccountViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin,
    mixins.UpdateModelMixin, mixins.DestroyModelMixin, viewsets.GenericViewSet,
):
    """The caller's teams' platform accounts (S2.2.2). Credentials are write-only."""

    serializer_class = PlatformAccountSerializer
    filterset_fields = ["team", "connector", "verification_status", "platform__code"]
    search_fields = ["handle", "external_id"]
    ordering_fields = ["handle", "certification_expires_on"]
    parser_classes = [JSONParser, MultiPartParser, FormParser]

    def get_queryset(self):
        return selectors.accounts_for_user(self.request.user)

    def _team_for_create(self, data):
        team = data.get("team")
        if team is not None:
            return team
        editable = [t for t in teams_visible_to(self.request.user)
                    if user_can(self.request.user, t, "platform_account.edit")]
        if len(editable) == 1:
            return editable[0]
        raise ValidationError({"team": _("Say which team the account belongs to.")})

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        account = services.account_create(
            actor=request.user, team=self._team_for_create(data), platform=data["platform"],
            handle=data["handle"], connector=data.get("connector", ConnectorKind.SANDBOX),
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
        for immutable in ("team", "platform"):
            value = data.pop(immutable, None)
            if value is not None and value != getattr(account, immutable):
                raise ValidationError({immutable: _("This cannot change; create a new account.")})
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

    @extend_schema(request=DocumentSerializer, responses=DocumentSerializer)
    @action(detail=True, methods=["post"])
    def documents(self, request, pk=None):
        account = self.get_object()
        payload = DocumentSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = payload.validated_data
        document = services.document_add(
            actor=request.user, account=account, kind=data["kind"],
            expires_on=data["expires_on"], number=data.get("number", ""),
            issued_on=data.get("issued_on"), file=data.get("file"),
        )
        return Response(DocumentSerializer(document).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=None, responses=inline_serializer(
        name="AccountHealth",
        fields={
            "ok": serializers.BooleanField(),
            "detail": serializers.CharField(),
            "token_expires_at": serializers.DateTimeField(allow_null=True),
            "needs_reconnection": serializers.BooleanField(),
        },
    ))
    @action(detail=True, methods=["post"])
    def health(self, request, pk=None):
        """Run the connector's health check now."""
        account = self.get_object()
        result, error = services.account_check_health(actor=request.user, account=account)
        return Response({
            "ok": result is not None,
            "detail": result.detail if result else error,
            "token_expires_at": account.token_expires_at,
            "needs_reconnection": account.needs_reconnection,
        })

"""REST API of content: serializers parse types and shapes, services decide.

Every rule lives in ``campaigns.content.services``; its ``ValidationError``
becomes a 400 with the same field keys (``config.api.exception_handler``) and a
refused capability a 403. Objects of other teams are outside every queryset: 404.
"""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser
from django.http import Http404
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django_filters import rest_framework as filters
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    extend_schema,
    extend_schema_field,
    inline_serializer,
)
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from campaigns.planning.selectors import campaigns_visible_to
from compliance.advertising.models import ContentCheck
from compliance.advertising.selectors import filings_for
from platforms.selectors import accounts_for_user
from teams.doors import NumericLookupMixin, TeamField
from teams.downloads import attachment_response

from . import selectors, services
from .diff import snapshot_diff
from .models import (
    ContentItem,
    ContentKind,
    ContentReview,
    ContentStatus,
    ContentVersion,
    InteractionPrompt,
    MediaAsset,
    MediaSource,
    ReviewDecision,
)


def _user(serializer: serializers.Serializer):
    request = serializer.context.get("request")
    return getattr(request, "user", None)


@extend_schema_field(OpenApiTypes.INT)
class ScopedPK(serializers.PrimaryKeyRelatedField):
    """A related object the caller may see; others are "does not exist"."""

    def __init__(self, selector, **kwargs):
        self.selector = selector
        super().__init__(**kwargs)

    def get_queryset(self):
        user = _user(self.root) if self.root is not self else None
        return self.selector(user if user is not None else AnonymousUser())


class IdsField(serializers.ListField):
    """Ids in, ids out: read through ``getter`` (preloaded relations), written as objects."""

    def __init__(self, getter, **kwargs):
        self.getter = getter
        super().__init__(**kwargs)

    def get_attribute(self, instance):
        return self.getter(instance)

    def to_representation(self, data):
        return list(data)


class VariantSerializer(serializers.Serializer):
    account = ScopedPK(accounts_for_user, help_text="Id of a target account.")
    title = serializers.CharField(required=False, allow_blank=True, default="",
                                  help_text="Blank: the original's title.")
    body = serializers.CharField(required=False, allow_blank=True, default="",
                                 help_text="Blank: the original's body.")
    platform = serializers.CharField(source="account.platform.code", read_only=True)
    effective_title = serializers.CharField(read_only=True)
    effective_body = serializers.CharField(read_only=True)


class ContentItemSerializer(serializers.ModelSerializer):
    campaign = ScopedPK(campaigns_visible_to)
    team = serializers.IntegerField(source="team_id", read_only=True)
    owner = serializers.CharField(source="owner.username", read_only=True)
    approved_by = serializers.CharField(source="approved_by.username", read_only=True, default=None,
                                        allow_null=True)
    kind = serializers.ChoiceField(choices=ContentKind.choices)
    interaction_prompt = serializers.ChoiceField(
        choices=InteractionPrompt.choices, required=False, allow_blank=True
    )
    filing = ScopedPK(filings_for, required=False, allow_null=True)
    planned_at = serializers.DateTimeField(required=False, allow_null=True, help_text=(
        "ISO 8601. Without an offset it is read in the team's time zone; returned in it."
    ))
    accounts = IdsField(
        lambda item: [v.account_id for v in item.variants.all()],
        child=ScopedPK(accounts_for_user), required=False,
        help_text="Ids of the target accounts; replaces them (one variant each).",
    )
    variants = VariantSerializer(many=True, required=False, help_text=(
        "Per-account texts; only accounts among the targets."
    ))
    media = IdsField(
        lambda item: [m.pk for m in item.media.all()],
        child=ScopedPK(selectors.media_for), required=False,
        help_text="Ids of media assets of the item's team; replaces them.",
    )
    expected_version = serializers.IntegerField(
        write_only=True, required=False,
        help_text="On update: refuse (400 on 'version') if someone saved a newer version.",
    )
    blocked = serializers.SerializerMethodField(
        help_text="The checker refused the last submission of the current version."
    )

    class Meta:
        model = ContentItem
        fields = [
            "id", "campaign", "team", "kind", "title", "body", "planned_theme",
            "interaction_prompt", "interaction_prompt_text", "is_paid_promotion", "filing",
            "planned_at", "accounts", "variants", "media", "status", "owner", "version",
            "expected_version", "blocked", "submitted_at", "approved_by", "approved_at",
            "created_at", "updated_at",
        ]
        read_only_fields = ["status", "version", "submitted_at", "approved_at", "created_at",
                            "updated_at"]
        # Lengths and required text are the service's rules, reported with its keys.
        extra_kwargs = {
            "title": {"max_length": None, "allow_blank": True},
            "body": {"required": False, "allow_blank": True},
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance is not None and not isinstance(self.instance, list | tuple):
            self.fields["campaign"].read_only = True

    def get_blocked(self, item: ContentItem) -> bool:
        return item.blocked_version == item.version

    def validate(self, attrs: dict) -> dict:
        raw = self.initial_data.get("planned_at") if hasattr(self, "initial_data") else None
        if attrs.get("planned_at") and isinstance(raw, str):
            parsed = parse_datetime(raw)
            if parsed is not None and timezone.is_naive(parsed):
                team = (self.instance or attrs["campaign"]).team
                attrs["planned_at"] = timezone.make_aware(parsed, team.zone)
        return attrs

    def to_representation(self, item: ContentItem) -> dict:
        data = super().to_representation(item)
        if item.planned_at:
            data["planned_at"] = timezone.localtime(item.planned_at, item.team.zone).isoformat()
        return data

    def service_data(self) -> dict:
        data = dict(self.validated_data)
        data.pop("expected_version", None)
        if "variants" in data:
            data["variants"] = {v["account"].pk: {"title": v["title"], "body": v["body"]}
                                for v in data["variants"]}
        if "interaction_prompt" in data and data["interaction_prompt"] is None:
            data["interaction_prompt"] = ""
        return data


class ReviewSerializer(serializers.ModelSerializer):
    reviewer = serializers.CharField(source="reviewer.username", read_only=True)
    decision = serializers.ChoiceField(choices=ReviewDecision.choices)
    accuracy_ok = serializers.BooleanField(required=False, default=False)
    compliance_ok = serializers.BooleanField(required=False, default=False)
    safety_ok = serializers.BooleanField(required=False, default=False)
    comment = serializers.CharField(required=False, allow_blank=True, default="")

    class Meta:
        model = ContentReview
        fields = ["id", "version", "reviewer", "decision", "accuracy_ok", "compliance_ok",
                  "safety_ok", "comment", "created_at"]
        read_only_fields = ["version", "created_at"]


class VersionSerializer(serializers.ModelSerializer):
    author = serializers.CharField(source="author.username", read_only=True, default=None)

    class Meta:
        model = ContentVersion
        fields = ["number", "author", "created_at", "snapshot"]


class ReasonSerializer(serializers.Serializer):
    reason = serializers.CharField(required=False, allow_blank=True, default="", max_length=500)


class OverrideSerializer(serializers.Serializer):
    check = serializers.IntegerField(help_text="Id of one of the item's stored checks.")
    finding_index = serializers.IntegerField(min_value=0)
    reason = serializers.CharField(allow_blank=True)


class DiffQuerySerializer(serializers.Serializer):
    from_version = serializers.IntegerField(min_value=1)
    to_version = serializers.IntegerField(min_value=1)


DiffSerializer = inline_serializer("ContentDiff", {
    "from_version": serializers.IntegerField(),
    "to_version": serializers.IntegerField(),
    "fields": inline_serializer("ContentDiffField", {
        "field": serializers.CharField(),
        "label": serializers.CharField(),
        "changed": serializers.BooleanField(),
        "unified": serializers.ListField(child=serializers.CharField()),
    }, many=True),
})

CheckSerializer = inline_serializer("ContentItemCheck", {
    "account": serializers.IntegerField(),
    "platform": serializers.CharField(),
    "check": serializers.IntegerField(allow_null=True),
    "text": serializers.CharField(),
    "passed": serializers.BooleanField(allow_null=True),
    "cleared": serializers.BooleanField(allow_null=True),
    "blocking_open": serializers.ListField(child=serializers.IntegerField()),
    "findings": serializers.ListField(child=serializers.DictField()),
}, many=True)


class ContentItemFilter(filters.FilterSet):
    # Plain numbers: a choice field would tell "exists elsewhere" from "does not exist".
    campaign = filters.NumberFilter(field_name="campaign_id", label="Campaign id")
    account = filters.NumberFilter(method="filter_account", label="Target account id")

    class Meta:
        model = ContentItem
        fields = ["campaign", "status", "kind"]

    def filter_account(self, queryset, name, value):
        return queryset.filter(variants__account_id=value).distinct()


class ContentItemViewSet(
    NumericLookupMixin,
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin,
    mixins.UpdateModelMixin, viewsets.GenericViewSet,
):
    """Content items of the caller's teams (S2.2.3); writes and moves through the services."""

    serializer_class = ContentItemSerializer
    filterset_class = ContentItemFilter
    search_fields = ["title", "body"]
    ordering_fields = ["planned_at", "updated_at", "created_at", "title"]

    def get_queryset(self):
        return selectors.items_for(self.request.user).prefetch_related("media").order_by(
            "-updated_at", "-id"
        )

    def perform_create(self, serializer):
        data = serializer.service_data()
        campaign = data.pop("campaign")
        serializer.instance = services.content_item_create(
            actor=self.request.user, campaign=campaign, **data
        )

    def perform_update(self, serializer):
        data = serializer.service_data()
        serializer.instance = services.content_item_update(
            actor=self.request.user, item=serializer.instance,
            expected_version=serializer.validated_data.get("expected_version"), **data,
        )

    def _fresh(self, item: ContentItem) -> Response:
        return Response(self.get_serializer(self.get_queryset().get(pk=item.pk)).data)

    def update(self, request, *args, **kwargs):
        partial = kwargs.pop("partial", False)
        serializer = self.get_serializer(self.get_object(), data=request.data, partial=partial)
        serializer.is_valid(raise_exception=True)
        self.perform_update(serializer)
        return self._fresh(serializer.instance)

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        self.perform_create(serializer)
        item = self.get_queryset().get(pk=serializer.instance.pk)
        return Response(self.get_serializer(item).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=None, responses=ContentItemSerializer)
    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None):
        """Submit for review: the checker runs; 400 with every reason (e.g. "compliance")."""
        item = services.content_item_submit(actor=request.user, item=self.get_object())
        return self._fresh(item)

    @extend_schema(request=ReviewSerializer, responses={201: ReviewSerializer})
    @action(detail=True, methods=["post"])
    def review(self, request, pk=None):
        """Approve (the three checklist booleans true) or request changes (a comment)."""
        item = self.get_object()
        payload = ReviewSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        review = services.content_item_review(
            actor=request.user, item=item, **payload.validated_data
        )
        return Response(ReviewSerializer(review).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=ReasonSerializer, responses=ContentItemSerializer)
    @action(detail=True, methods=["post"])
    def withdraw(self, request, pk=None):
        """Take the item out of use (never once it may already be published)."""
        item = self.get_object()
        payload = ReasonSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        item = services.content_item_withdraw(
            actor=request.user, item=item, reason=payload.validated_data["reason"]
        )
        return self._fresh(item)

    @extend_schema(request=ReasonSerializer, responses=ContentItemSerializer)
    @action(detail=True, methods=["post"])
    def recall(self, request, pk=None):
        """Take an item in review back to draft to edit it."""
        item = self.get_object()
        payload = ReasonSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        item = services.content_item_move(
            actor=request.user, item=item, to=ContentStatus.DRAFT,
            expected_from=ContentStatus.IN_REVIEW, reason=payload.validated_data["reason"],
        )
        return self._fresh(item)

    # pagination_class=None: the answer is the whole list, and the schema says so.
    @extend_schema(request=None, responses=VersionSerializer(many=True))
    @action(detail=True, methods=["get"], pagination_class=None)
    def versions(self, request, pk=None):
        """Every version of the item, newest first, with its snapshot."""
        return Response(VersionSerializer(selectors.versions_of(self.get_object()), many=True).data)

    @extend_schema(
        request=None, responses=DiffSerializer,
        parameters=[
            OpenApiParameter("from_version", OpenApiTypes.INT, required=True),
            OpenApiParameter("to_version", OpenApiTypes.INT, required=True),
        ],
    )
    @action(detail=True, methods=["get"])
    def diff(self, request, pk=None):
        """What changed between two versions, field by field, as unified diffs."""
        item = self.get_object()
        query = DiffQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        a, b = query.validated_data["from_version"], query.validated_data["to_version"]
        try:
            old, new = selectors.version_get(item, a), selectors.version_get(item, b)
        except ContentVersion.DoesNotExist as exc:
            raise Http404 from exc
        fields = snapshot_diff(old.snapshot, new.snapshot, old_name=f"v{a}", new_name=f"v{b}",
                               zone=item.team.zone)
        return Response({
            "from_version": a, "to_version": b,
            "fields": [{"field": f.key, "label": f.label, "changed": f.changed,
                        "unified": f.unified} for f in fields],
        })

    @extend_schema(request=None, responses=CheckSerializer)
    @action(detail=True, methods=["get"], pagination_class=None)
    def checks(self, request, pk=None):
        """The latest stored check of each target account's current text, with its findings."""
        rows = selectors.item_checks(self.get_object())
        return Response([
            {
                "account": r.variant.account_id, "platform": r.variant.account.platform.code,
                "check": r.check.pk if r.check else None, "text": r.text,
                "passed": r.check.passed if r.check else None,
                "cleared": r.check.cleared if r.check else None,
                "blocking_open": r.blocking_open,
                "findings": r.check.findings if r.check else [],
            }
            for r in rows
        ])

    @extend_schema(request=OverrideSerializer, responses={201: inline_serializer(
        "ContentFindingOverride", {"id": serializers.IntegerField(),
                                   "rule": serializers.CharField(),
                                   "reason": serializers.CharField()},
    )})
    @action(detail=True, methods=["post"])
    def override(self, request, pk=None):
        """A reviewer lets one blocking finding of the item's check pass, with a reason."""
        item = self.get_object()
        payload = OverrideSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        check = ContentCheck.objects.filter(
            pk=payload.validated_data["check"], team_id=item.team_id
        ).first()
        if check is None:
            raise Http404
        override = services.content_finding_override(
            actor=request.user, item=item, check=check,
            finding_index=payload.validated_data["finding_index"],
            reason=payload.validated_data["reason"],
        )
        return Response({"id": override.pk, "rule": override.rule_code, "reason": override.reason},
                        status=status.HTTP_201_CREATED)


class MediaAssetSerializer(serializers.ModelSerializer):
    team = TeamField()
    file = serializers.FileField(write_only=True, help_text="JPEG, PNG, WebP, PDF or MP4.")
    source = serializers.ChoiceField(choices=MediaSource.choices)
    licence_expires_on = serializers.DateField(required=False, allow_null=True)
    uploaded_by = serializers.CharField(source="uploaded_by.username", read_only=True, default=None)
    download_url = serializers.SerializerMethodField()

    class Meta:
        model = MediaAsset
        fields = ["id", "team", "title", "file", "content_type", "size", "source",
                  "licence_reference", "licence_expires_on", "uploaded_by", "uploaded_at",
                  "download_url"]
        read_only_fields = ["content_type", "size", "uploaded_at"]
        extra_kwargs = {
            "title": {"max_length": None},
            "licence_reference": {"max_length": None, "required": False},
        }

    def get_download_url(self, asset: MediaAsset) -> str:
        from django.urls import reverse

        return reverse("media-asset-download", args=[asset.pk])


class LicenceSerializer(serializers.Serializer):
    licence_reference = serializers.CharField(allow_blank=True)
    licence_expires_on = serializers.DateField(required=False, allow_null=True, default=None)


class MediaAssetFilter(filters.FilterSet):
    team = filters.NumberFilter(field_name="team_id", label="Team id")

    class Meta:
        model = MediaAsset
        fields = ["team", "source"]


class MediaAssetViewSet(
    NumericLookupMixin,
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    """Media of the caller's teams; upload as multipart with the licence record (S2.2.3(2))."""

    serializer_class = MediaAssetSerializer
    filterset_class = MediaAssetFilter
    search_fields = ["title", "licence_reference"]

    def get_queryset(self):
        return selectors.media_for(self.request.user)

    def perform_create(self, serializer):
        serializer.instance = services.media_asset_upload(
            actor=self.request.user, **serializer.validated_data
        )

    @extend_schema(request={"multipart/form-data": MediaAssetSerializer},
                   responses={201: MediaAssetSerializer})
    def create(self, request, *args, **kwargs):
        """Upload a file (multipart) with its source and licence; its type is judged by content."""
        return super().create(request, *args, **kwargs)

    @extend_schema(request=LicenceSerializer, responses=MediaAssetSerializer)
    @action(detail=True, methods=["post"])
    def licence(self, request, pk=None):
        """Record a renewed licence or authorisation."""
        asset = self.get_object()
        payload = LicenceSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        asset = services.media_asset_update_licence(
            actor=request.user, asset=asset, **payload.validated_data
        )
        return Response(self.get_serializer(asset).data)

    # Any type: the file is sent with the type found on upload (an image, a PDF, …).
    @extend_schema(request=None, responses={(200, "*/*"): OpenApiTypes.BINARY})
    @action(detail=True, methods=["get"])
    def download(self, request, pk=None):
        """The file, always as an attachment with the type found on upload."""
        asset = self.get_object()
        return attachment_response(asset.file, content_type=asset.content_type)

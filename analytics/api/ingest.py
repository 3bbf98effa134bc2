"""API of the ways in and of metric figures.

- ``/api/v1/imports/``: upload an export (multipart: ``campaign``, ``file``,
  ``skip_invalid``, ``dry_run``, ``preset`` — ``generic`` by default, a tool's
  preset ``baidu_tongji`` / ``sycm`` / ``ga4``, or ``auto`` to detect it —
  and ``account``, the id of the account an analytics tool's export belongs
  to) — 201 with the import (``preset`` then names the layout used), which
  runs in the background; ``GET /api/v1/imports/{id}/`` is its status.
- ``GET /api/v1/campaigns/{id}/metrics/?metric=reads&granularity=day|week|month
  [&platform=…&from=…&to=…]`` → ``{"metric", "total", "series": [{"date", "value"}]}``.
"""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.urls import path
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.routers import SimpleRouter
from rest_framework.views import APIView

from campaigns.planning.selectors import campaigns_visible_to
from platforms.models import Platform, PlatformAccount
from teams.doors import NumericLookupMixin, get_or_404
from teams.selectors import scope_to_user_teams

from ..models import ImportBatch
from ..selectors import metrics as selectors
from ..services import imports


class CampaignField(serializers.PrimaryKeyRelatedField):
    """A campaign the caller can see; others are "does not exist" (no existence leak)."""

    def get_queryset(self):
        return campaigns_visible_to(self.context["request"].user)


class AccountField(serializers.PrimaryKeyRelatedField):
    """An account of a team the caller can see; others are "does not exist"."""

    def get_queryset(self):
        return scope_to_user_teams(PlatformAccount.objects.all(), self.context["request"].user)


class ImportBatchSerializer(serializers.ModelSerializer):
    campaign = CampaignField()
    file = serializers.FileField(write_only=True)
    preset = serializers.ChoiceField(choices=(), default="generic")
    account = AccountField(required=False, allow_null=True)
    progress = serializers.SerializerMethodField()
    errors = serializers.ListField(child=serializers.CharField(), read_only=True)

    class Meta:
        model = ImportBatch
        fields = [
            "id", "campaign", "file", "original_name", "preset", "account", "skip_invalid",
            "dry_run",
            "status", "progress", "rows_total", "rows_done", "rows_invalid", "points_added",
            "points_updated", "points_unchanged", "errors", "created_at", "finished_at",
        ]
        read_only_fields = [
            "original_name", "status", "rows_total", "rows_done", "rows_invalid",
            "points_added", "points_updated", "points_unchanged", "created_at", "finished_at",
        ]

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["preset"].choices = [code for code, _label in imports.layout_choices()]

    def get_progress(self, batch) -> float:
        """Share of the file read, 0–1 (1 once the import has finished)."""
        if batch.finished_at is not None:
            return 1.0
        if not batch.rows_total:
            return 0.0
        return round(min(batch.rows_done / batch.rows_total, 0.99), 3)


class ImportBatchViewSet(
    NumericLookupMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin,
    mixins.CreateModelMixin, viewsets.GenericViewSet,
):
    """Metric imports of the caller's teams (S2.3.3): upload, then poll the status."""

    serializer_class = ImportBatchSerializer
    parser_classes = [MultiPartParser, FormParser]
    filterset_fields = ["campaign", "status"]

    def get_queryset(self):
        return selectors.import_batches_for_user(self.request.user)

    def create(self, request, *args, **kwargs):
        # The declared size is judged before the body is parsed.
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length > imports.import_max_bytes() + 64 * 1024:
            imports.import_refuse_oversized(length)
        return super().create(request, *args, **kwargs)

    def perform_create(self, serializer):
        data = serializer.validated_data
        upload = data["file"]
        serializer.instance = imports.import_create(
            actor=self.request.user, campaign=data["campaign"], file=upload,
            original_name=upload.name, size=upload.size, preset=data["preset"],
            account=data.get("account"), skip_invalid=data.get("skip_invalid", False),
            dry_run=data.get("dry_run", False),
            language=getattr(self.request, "LANGUAGE_CODE", None),
        )


def register(router: SimpleRouter) -> None:
    """Add this module's viewsets to the analytics router."""
    router.register("imports", ImportBatchViewSet, basename="import")


# --- metric figures ------------------------------------------------------------------------------


class MetricQuerySerializer(serializers.Serializer):
    metric = serializers.CharField(max_length=40)
    granularity = serializers.ChoiceField(choices=selectors.GRANULARITIES, default="day")
    platform = serializers.SlugRelatedField(
        slug_field="code", queryset=Platform.objects.all(), required=False,
    )
    start = serializers.DateField(required=False)
    end = serializers.DateField(required=False)

    def to_internal_value(self, data):
        # "from" and "to" in the query; "from" cannot be a field name.
        data = dict(data.items())
        if "from" in data:
            data["start"] = data.pop("from")
        if "to" in data:
            data["end"] = data.pop("to")
        try:
            return super().to_internal_value(data)
        except serializers.ValidationError as exc:
            names = {"start": "from", "end": "to"}
            raise serializers.ValidationError(
                {names.get(key, key): value for key, value in exc.detail.items()}
            ) from exc

    def validate(self, attrs):
        start, end = attrs.get("start"), attrs.get("end")
        if start and end and start > end:
            raise serializers.ValidationError({"to": _("The end comes before the start.")})
        return attrs


class SeriesPointSerializer(serializers.Serializer):
    date = serializers.DateField()
    value = serializers.FloatField()


class MetricSeriesSerializer(serializers.Serializer):
    metric = serializers.CharField()
    total = serializers.FloatField(allow_null=True)
    series = SeriesPointSerializer(many=True)


def _number(value: Decimal | None) -> int | float | None:
    """A JSON number: whole values as integers, others as decimals (money keeps its fen)."""
    if value is None:
        return None
    if value == value.to_integral_value():
        return int(value)
    return float(value)


class CampaignMetricsView(APIView):
    """A campaign's metric: the total over the range and the series per day, week or month.

    Rates and averages (ctr, conversion_rate, aov and formula metrics) are the
    ratio of their summed parts, per period and over the whole range. Weeks are
    keyed by their Monday, months by their first day; periods without data are
    left out. Another team's campaign is a 404.
    """

    @extend_schema(
        parameters=[
            OpenApiParameter("metric", OpenApiTypes.STR, required=True,
                             description="A catalogue metric code (reads, ctr, …) or a formula metric."),
            OpenApiParameter("granularity", OpenApiTypes.STR, enum=list(selectors.GRANULARITIES),
                             description="day (default), week or month."),
            OpenApiParameter("platform", OpenApiTypes.STR, description="A platform code."),
            OpenApiParameter("from", OpenApiTypes.DATE, description="First day (inclusive)."),
            OpenApiParameter("to", OpenApiTypes.DATE, description="Last day (inclusive)."),
        ],
        responses=MetricSeriesSerializer,
    )
    def get(self, request, campaign_id: int):
        campaign = get_or_404(lambda pk: campaigns_visible_to(request.user).get(pk=pk), campaign_id)
        query = MetricQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        params = query.validated_data
        metric = params["metric"]
        window = {"start": params.get("start"), "end": params.get("end"),
                  "platform": params.get("platform")}
        try:
            total = selectors.campaign_metric_total(campaign, metric, **window)
            series = selectors.campaign_metric_series(
                campaign, metric, granularity=params["granularity"], **window
            )
        except selectors.UnknownMetricError as exc:
            raise ValidationError({"metric": _("Unknown metric: %(code)s.") % {"code": metric}}) from exc
        return Response({
            "metric": metric,
            "total": _number(total),
            "series": [{"date": day.isoformat(), "value": _number(value)} for day, value in series],
        }, status=status.HTTP_200_OK)


extra_urlpatterns: list = [
    path("campaigns/<int:campaign_id>/metrics/", CampaignMetricsView.as_view(),
         name="campaign-metrics"),
]

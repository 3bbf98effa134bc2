"""Evaluation API: KPI progress and pacing, the campaign dashboard's data, weekly reports.

Read-only doors into ``analytics.selectors``; a campaign the caller may not
see is a 404, never a 403 (its existence is not revealed).
"""

from __future__ import annotations

import json

from django.conf import settings
from django.http import HttpResponse
from django.urls import path
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers, viewsets
from rest_framework.response import Response
from rest_framework.routers import SimpleRouter
from rest_framework.views import APIView

from teams.doors import NumericLookupMixin, get_or_404

from ..models import EvaluationReport
from ..selectors import dashboards
from ..selectors.dashboards import Filters
from ..selectors.kpis import campaign_kpi_statuses
from ..services.dashboard_archive import dashboard_archive


class KPIStatusSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    metric = serializers.CharField()
    platform = serializers.CharField(allow_null=True)
    actual = serializers.FloatField(allow_null=True)
    target = serializers.FloatField()
    progress = serializers.FloatField(allow_null=True, help_text="actual ÷ target; may exceed 1")
    expected = serializers.FloatField(
        allow_null=True,
        help_text="Straight-line value for today (counts and money: elapsed ÷ window days × "
        "target); the target itself for rates and averages.",
    )
    forecast = serializers.FloatField(allow_null=True, help_text="Value forecast at the deadline")
    pacing = serializers.ChoiceField(
        choices=["ahead", "on_track", "behind", "at_risk"], allow_null=True,
        help_text="forecast ÷ target: ≥ 1.10 ahead, ≥ 0.95 on_track, ≥ 0.75 behind, else "
        "at_risk (inverted for 'decrease' KPIs); null before a day of the window has passed "
        "or without data.",
    )
    window_start = serializers.DateField()
    window_end = serializers.DateField()
    elapsed_days = serializers.IntegerField()
    total_days = serializers.IntegerField()


class CampaignKPIsView(APIView):
    """Each KPI of a campaign with its actual, target, progress, expected value and pacing."""

    @extend_schema(responses=inline_serializer("CampaignKPIs", {
        "campaign": serializers.IntegerField(),
        "as_of": serializers.DateField(),
        "kpis": KPIStatusSerializer(many=True),
    }))
    def get(self, request, pk: int):
        today = timezone.localdate()
        campaign, statuses = get_or_404(
            lambda: campaign_kpi_statuses(request.user, pk, today=today)
        )
        return Response({
            "campaign": campaign.pk,
            "as_of": today.isoformat(),
            "kpis": [_kpi(s) for s in statuses],
        })


KPI_FIELDS = tuple(KPIStatusSerializer().fields)


def _kpi(status) -> dict:
    data = status.as_dict()
    return {key: data[key] for key in KPI_FIELDS}


class DashboardQuerySerializer(serializers.Serializer):
    # "from" is a Python keyword, hence the source mapping.
    platform = serializers.CharField(required=False, allow_blank=True, max_length=40)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["from"] = serializers.DateField(required=False, source="start")
        self.fields["to"] = serializers.DateField(required=False, source="end")

    def validate(self, attrs):
        start, end = attrs.get("start"), attrs.get("end")
        if start and end and end < start:
            raise serializers.ValidationError({"to": _("The end must not be before the start.")})
        return attrs


class CampaignDashboardView(APIView):
    """The campaign dashboard's data: KPIs, daily totals, platform and account breakdown, funnel."""

    @extend_schema(parameters=[
        OpenApiParameter("from", str, description="First day (ISO date)"),
        OpenApiParameter("to", str, description="Last day (ISO date)"),
        OpenApiParameter("platform", str, description="Platform code"),
    ], responses=inline_serializer("CampaignDashboard", {
        "campaign": serializers.IntegerField(),
        "from": serializers.DateField(), "to": serializers.DateField(),
        "kpis": KPIStatusSerializer(many=True),
        "totals": serializers.DictField(child=serializers.FloatField()),
        "daily": serializers.DictField(),
        "platforms": serializers.ListField(child=serializers.DictField()),
        "accounts": serializers.ListField(child=serializers.DictField()),
        "funnel": serializers.ListField(child=serializers.DictField()),
    }))
    def get(self, request, pk: int):
        filters = Filters()
        if request.query_params:
            query = DashboardQuerySerializer(data=request.query_params)
            query.is_valid(raise_exception=True)
            filters = Filters(
                start=query.validated_data.get("start"), end=query.validated_data.get("end"),
                platform=query.validated_data.get("platform") or "",
            )
        if filters != Filters():
            dashboard = get_or_404(dashboards.campaign_dashboard_for, request.user, pk, filters)
            return Response(dashboards.campaign_dashboard_data(dashboard))
        # The default view is archived (``services.dashboard_archive``): sent as
        # stored while current, else computed, archived and sent the same way.
        today = timezone.localdate()
        language = translation.get_language() or settings.LANGUAGE_CODE
        body = dashboards.archived_dashboard(request.user, pk, language=language, today=today)
        if body is None:
            campaign = get_or_404(dashboards.dashboard_campaign_for, request.user, pk)
            body = dashboard_archive(campaign, today=today, language=language)
        if request.accepted_renderer.format == "json":
            return HttpResponse(body, content_type="application/json")
        return Response(json.loads(body))  # the browsable API


class EvaluationReportSerializer(serializers.ModelSerializer):
    campaign_name = serializers.CharField(source="campaign.name", read_only=True)

    class Meta:
        model = EvaluationReport
        fields = ["id", "campaign", "campaign_name", "period_start", "period_end", "data",
                  "created_at"]


class EvaluationReportViewSet(NumericLookupMixin, viewsets.ReadOnlyModelViewSet):
    """Weekly evaluation reports of the campaigns the caller may see, newest first."""

    serializer_class = EvaluationReportSerializer

    def get_queryset(self):
        return dashboards.reports_visible_to(self.request.user)


def register(router: SimpleRouter) -> None:
    """Add this module's viewsets to the analytics router."""
    router.register("evaluation-reports", EvaluationReportViewSet, basename="evaluation-report")


extra_urlpatterns: list = [
    path("campaigns/<int:pk>/kpis/", CampaignKPIsView.as_view(), name="campaign-kpis"),
    path("campaigns/<int:pk>/dashboard/", CampaignDashboardView.as_view(),
         name="campaign-dashboard"),
]

"""REST API of publishing: serializers parse types and shapes, services decide.

Times are ISO 8601. A time with an offset is that instant; a time without one
is the team's wall clock (its ``time_zone``), as on the pages. Every answer
gives the stored instant (UTC) and the same instant in the team's zone.
"""

from __future__ import annotations

import datetime

from django.utils import timezone
from django.utils.dateparse import parse_datetime
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from campaigns.content.models import ContentItem
from campaigns.planning.models import Campaign
from platforms.models import PlatformAccount
from teams.doors import NumericLookupMixin
from teams.selectors import scope_to_user_teams

from . import selectors, services, timing
from .models import Publication, PublicationAttempt, PublishingPlan, Slot


@extend_schema_field(OpenApiTypes.DATETIME)
class WallClockDateTimeField(serializers.Field):
    """An ISO 8601 date-time; without an offset it is read on the team's wall clock later."""

    default_error_messages = {"invalid": "Enter an ISO 8601 date and time."}

    def to_internal_value(self, data):
        try:
            value = parse_datetime(str(data))
        except ValueError:
            value = None
        if value is None:
            self.fail("invalid")
        return value

    def to_representation(self, value):
        return value.isoformat()


def _aware(value: datetime.datetime | None, team) -> datetime.datetime | None:
    if value is None:
        return None
    return timing.naive_local_to_aware(value, team.zone)


def _local(value: datetime.datetime | None, team) -> str | None:
    return timezone.localtime(value, team.zone).isoformat() if value else None


@extend_schema_field(OpenApiTypes.INT)
class _Scoped(serializers.PrimaryKeyRelatedField):
    """A related row the caller may see; others are "does not exist" (no existence leak)."""

    def __init__(self, model, **kwargs):
        self.model = model
        super().__init__(**kwargs)

    def get_queryset(self):
        user = self.context["request"].user
        return scope_to_user_teams(self.model.objects.all(), user)


class AttemptSerializer(serializers.ModelSerializer):
    error_summary = serializers.CharField(read_only=True)
    retried_by = serializers.SlugRelatedField(slug_field="username", read_only=True, allow_null=True)

    class Meta:
        model = PublicationAttempt
        fields = [
            "number", "started_at", "finished_at", "outcome", "error_kind", "error_code",
            "error_summary", "retried_by",
        ]


class PublicationSerializer(serializers.ModelSerializer):
    scheduled_at_local = serializers.SerializerMethodField()
    time_zone = serializers.CharField(source="team.time_zone", read_only=True)
    error_summary = serializers.CharField(read_only=True)
    item_title = serializers.CharField(source="item.title", read_only=True)
    campaign = serializers.IntegerField(source="item.campaign_id", read_only=True)
    # Text, not a URI: empty until the platform reports where the post lives.
    url = serializers.CharField(read_only=True)

    class Meta:
        model = Publication
        fields = [
            "id", "team", "item", "item_title", "campaign", "account", "slot", "scheduled_at",
            "scheduled_at_local", "time_zone", "status", "idempotency_key", "attempts",
            "publish_started_at", "published_at", "external_id", "url", "pending_ref",
            "outcome_checked_at", "error_kind", "error_code", "error_summary", "created_at",
            "updated_at",
        ]
        read_only_fields = fields

    def get_scheduled_at_local(self, obj) -> str:
        return _local(obj.scheduled_at, obj.team)


class PublicationDetailSerializer(PublicationSerializer):
    attempt_log = AttemptSerializer(many=True, read_only=True)

    class Meta(PublicationSerializer.Meta):
        fields = [*PublicationSerializer.Meta.fields, "attempt_log"]
        read_only_fields = fields


class ScheduleSerializer(serializers.Serializer):
    item = _Scoped(ContentItem)
    accounts = _Scoped(PlatformAccount, many=True, required=False,
                       help_text="Default: every target account of the item.")
    at = WallClockDateTimeField(required=False, allow_null=True,
                                help_text="Without an offset: the team's wall clock.")
    slot = _Scoped(Slot, required=False, allow_null=True,
                   help_text="An unfilled slot; its time is used instead of `at`.")


class RescheduleSerializer(serializers.Serializer):
    at = WallClockDateTimeField(required=False, allow_null=True)
    slot = _Scoped(Slot, required=False, allow_null=True)


class RetrySerializer(serializers.Serializer):
    seen_attempt = serializers.IntegerField(
        min_value=0, help_text="The attempt whose reason you read (the latest `attempts`)."
    )
    at = WallClockDateTimeField(required=False, allow_null=True,
                                help_text="Later time; omit to send now.")


class CancelReasonSerializer(serializers.Serializer):
    reason = serializers.CharField(required=False, allow_blank=True, default="", max_length=500)


class PublicationViewSet(NumericLookupMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin,
                         viewsets.GenericViewSet):
    """Publications of the caller's teams: one content item on one account, sent exactly once.

    ``POST /publications/`` schedules an approved item (one publication per account);
    ``PATCH`` moves a scheduled one; ``retry``, ``cancel`` and ``check`` are actions.
    Status changes happen only through these actions and the publishing job.
    """

    filterset_fields = ["status", "account", "item", "team", "account__platform", "item__campaign"]
    ordering_fields = ["scheduled_at", "published_at", "id"]

    def get_queryset(self):
        qs = selectors.publications_visible_to(self.request.user)
        if self.action == "retrieve":
            qs = qs.prefetch_related("attempt_log__retried_by")
        return qs.order_by("scheduled_at", "id")

    def get_serializer_class(self):
        return PublicationDetailSerializer if self.action == "retrieve" else PublicationSerializer

    @extend_schema(request=ScheduleSerializer, responses={201: PublicationSerializer(many=True)})
    def create(self, request):
        """Schedule an approved item on accounts at a time or into an unfilled slot."""
        payload = ScheduleSerializer(data=request.data, context=self.get_serializer_context())
        payload.is_valid(raise_exception=True)
        data = payload.validated_data
        item = data["item"]
        created = services.publication_schedule(
            actor=request.user, item=item, accounts=data.get("accounts") or None,
            at=_aware(data.get("at"), item.team), slot=data.get("slot"),
        )
        return Response(
            PublicationSerializer(created, many=True, context=self.get_serializer_context()).data,
            status=status.HTTP_201_CREATED,
        )

    @extend_schema(request=RescheduleSerializer, responses=PublicationSerializer)
    def partial_update(self, request, pk=None):
        """Move a scheduled publication to another time or unfilled slot of its account."""
        pub = self.get_object()
        payload = RescheduleSerializer(data=request.data, context=self.get_serializer_context())
        payload.is_valid(raise_exception=True)
        data = payload.validated_data
        pub = services.publication_reschedule(
            actor=request.user, publication=pub, at=_aware(data.get("at"), pub.team),
            slot=data.get("slot"),
        )
        return Response(PublicationSerializer(pub, context=self.get_serializer_context()).data)

    @extend_schema(request=RetrySerializer, responses=PublicationSerializer)
    @action(detail=True, methods=["post"])
    def retry(self, request, pk=None):
        """Send a failed or unknown publication again, after reading why (``seen_attempt``).

        An unknown one is retried only after the platform was asked since (``check``).
        """
        pub = self.get_object()
        payload = RetrySerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = payload.validated_data
        pub = services.publication_retry(
            actor=request.user, publication=pub, seen_attempt=data["seen_attempt"],
            at=_aware(data.get("at"), pub.team),
        )
        return Response(PublicationSerializer(pub, context=self.get_serializer_context()).data)

    @extend_schema(request=CancelReasonSerializer, responses=PublicationSerializer)
    @action(detail=True, methods=["post"])
    def cancel(self, request, pk=None):
        """Take a scheduled or failed publication off the calendar (it stays, cancelled)."""
        pub = self.get_object()
        payload = CancelReasonSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        pub = services.publication_cancel(
            actor=request.user, publication=pub, reason=payload.validated_data["reason"]
        )
        return Response(PublicationSerializer(pub, context=self.get_serializer_context()).data)

    @extend_schema(request=None, responses={202: PublicationSerializer})
    @action(detail=True, methods=["post"])
    def check(self, request, pk=None):
        """Ask the platform now (read-only) what became of an open outcome."""
        pub = services.publication_check_request(actor=request.user, publication=self.get_object())
        pub.refresh_from_db()
        return Response(
            PublicationSerializer(pub, context=self.get_serializer_context()).data,
            status=status.HTTP_202_ACCEPTED,
        )


class PublishingPlanSerializer(serializers.ModelSerializer):
    campaign = _Scoped(Campaign)
    account = _Scoped(PlatformAccount)
    preset = serializers.ChoiceField(
        choices=sorted(timing.PRESETS), required=False, allow_blank=True, write_only=True,
        help_text="Fills content_kind, rrule and time_of_day left out.",
    )
    time_zone = serializers.CharField(source="team.time_zone", read_only=True)
    upcoming = serializers.IntegerField(read_only=True)
    unfilled = serializers.IntegerField(read_only=True)

    class Meta:
        model = PublishingPlan
        fields = [
            "id", "team", "campaign", "account", "name", "preset", "content_kind", "rrule",
            "starts_on", "ends_on", "time_of_day", "time_zone", "upcoming", "unfilled",
            "created_at",
        ]
        read_only_fields = ["team", "created_at"]
        # Shapes only: what a plan may contain is the service's rule.
        extra_kwargs = {
            "content_kind": {"required": False, "allow_blank": True},
            "rrule": {"required": False, "allow_blank": True},
            "time_of_day": {"required": False, "allow_null": True},
        }


class PublishingPlanViewSet(NumericLookupMixin, viewsets.ModelViewSet):
    """Recurring publishing plans (S2.3.1(1)); each occurrence in the coming weeks is a slot."""

    serializer_class = PublishingPlanSerializer
    filterset_fields = ["team", "campaign", "account", "content_kind"]

    def get_queryset(self):
        return selectors.plan_list(self.request.user)

    def perform_create(self, serializer):
        plan = services.plan_create(actor=self.request.user, **dict(serializer.validated_data))
        serializer.instance = self.get_queryset().get(pk=plan.pk)  # with its slot counts

    def perform_update(self, serializer):
        plan = services.plan_update(
            actor=self.request.user, plan=serializer.instance, **dict(serializer.validated_data)
        )
        serializer.instance = self.get_queryset().get(pk=plan.pk)

    def perform_destroy(self, instance):
        services.plan_delete(actor=self.request.user, plan=instance)


class SlotSerializer(serializers.ModelSerializer):
    account = _Scoped(PlatformAccount)
    starts_at = WallClockDateTimeField(help_text="Without an offset: the team's wall clock.")
    starts_at_local = serializers.SerializerMethodField()
    filled = serializers.SerializerMethodField()

    class Meta:
        model = Slot
        fields = ["id", "team", "plan", "account", "starts_at", "starts_at_local", "item", "filled"]
        read_only_fields = ["team", "plan", "item"]

    def get_starts_at_local(self, obj) -> str:
        return _local(obj.starts_at, obj.team)

    def get_filled(self, obj) -> bool:
        return obj.item_id is not None


class FillSerializer(serializers.Serializer):
    item = _Scoped(ContentItem)


class SlotViewSet(NumericLookupMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin,
                  mixins.CreateModelMixin, mixins.DestroyModelMixin, viewsets.GenericViewSet):
    """Slots on the calendar: from plans or one-off; ``fill`` schedules an item into one."""

    serializer_class = SlotSerializer
    filterset_fields = ["team", "plan", "account"]

    def get_queryset(self):
        qs = selectors.slots_visible_to(self.request.user).order_by("starts_at", "id")
        unfilled = self.request.query_params.get("unfilled")
        if unfilled in ("1", "true"):
            qs = qs.filter(item__isnull=True)
        return qs

    @extend_schema(parameters=[OpenApiParameter(
        "unfilled", bool, description="Only slots still to fill."
    )])
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    def perform_create(self, serializer):
        account = serializer.validated_data["account"]
        serializer.instance = services.slot_create(
            actor=self.request.user, account=account,
            at=_aware(serializer.validated_data["starts_at"], account.team),
        )

    def perform_destroy(self, instance):
        services.slot_delete(actor=self.request.user, slot=instance)

    @extend_schema(request=FillSerializer, responses={201: PublicationSerializer(many=True)})
    @action(detail=True, methods=["post"])
    def fill(self, request, pk=None):
        """Schedule an approved item into this slot (on the slot's account, at its time)."""
        slot = self.get_object()
        payload = FillSerializer(data=request.data, context=self.get_serializer_context())
        payload.is_valid(raise_exception=True)
        created = services.publication_schedule(
            actor=request.user, item=payload.validated_data["item"], slot=slot
        )
        return Response(
            PublicationSerializer(created, many=True, context=self.get_serializer_context()).data,
            status=status.HTTP_201_CREATED,
        )

"""API for sentiment, opinion signals, incidents, emergency plans and drills (S3.2)."""

from django.utils.translation import gettext as _
from drf_spectacular.utils import (
    extend_schema,
    extend_schema_field,
    inline_serializer,
)
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response
from rest_framework.views import APIView

from teams.doors import NumericLookupMixin, TeamField, get_or_404

from . import selectors, services
from .models import (
    Drill,
    EmergencyPlan,
    Incident,
    IncidentSeverity,
    IncidentStatus,
    IncidentType,
    SentimentLabel,
)
from .sentiment import score_sentiment

MAX_TEXTS = 1000
MAX_TEXT_CHARS = 50_000


# --- sentiment (S3.2.1) -------------------------------------------------------

class SentimentRequestSerializer(serializers.Serializer):
    texts = serializers.ListField(
        child=serializers.CharField(max_length=MAX_TEXT_CHARS, allow_blank=True,
                                    trim_whitespace=False),
        allow_empty=False, max_length=MAX_TEXTS,
    )

    def to_internal_value(self, data):
        texts = data.get("texts") if isinstance(data, dict) else None
        if isinstance(texts, list) and any(not isinstance(t, str) for t in texts):
            raise serializers.ValidationError({"texts": [_("Every text must be a string.")]})
        return super().to_internal_value(data)


class SentimentResultSerializer(serializers.Serializer):
    score = serializers.FloatField()
    label = serializers.CharField()


class SentimentResponseSerializer(serializers.Serializer):
    results = SentimentResultSerializer(many=True)


class SentimentView(APIView):
    """Score texts offline: probability of positive and a label, in order (S3.2.1)."""

    # Scoring is CPU work: a caller gets the "cpu" rate (REST_FRAMEWORK settings).
    throttle_scope = "cpu"

    def get_parsers(self):
        # JSON only, with the API's default JSON parser (depth and character checks):
        # a multipart body of many or long texts made Django's form parser raise
        # RequestDataTooBig / TooManyFieldsSent, which became a 500.
        return [parser for parser in super().get_parsers()
                if parser.media_type == "application/json"]

    @extend_schema(request=SentimentRequestSerializer, responses=SentimentResponseSerializer)
    def post(self, request):
        serializer = SentimentRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        results = score_sentiment(serializer.validated_data["texts"])
        return Response({"results": [r.as_dict() for r in results]})


# --- opinion signals ----------------------------------------------------------

class SignalItemSerializer(serializers.Serializer):
    """One interaction; it needs a ``score`` or a ``text`` to score (the service's rule)."""

    occurred_at = serializers.DateTimeField()
    score = serializers.FloatField(min_value=0, max_value=1, required=False)
    label = serializers.ChoiceField(SentimentLabel.choices, required=False)
    text = serializers.CharField(max_length=MAX_TEXT_CHARS, required=False, allow_blank=True)
    source = serializers.CharField(max_length=120, required=False, allow_blank=True)
    platform_code = serializers.CharField(max_length=40, required=False, allow_blank=True)
    external_id = serializers.CharField(max_length=120, required=False, allow_blank=True)


class OpinionIngestSerializer(serializers.Serializer):
    team = TeamField()
    items = SignalItemSerializer(many=True, allow_empty=False, max_length=MAX_TEXTS)


class OpinionIngestResponseSerializer(serializers.Serializer):
    recorded = serializers.IntegerField(
        help_text="How many items were new and stored (already-seen external ids are skipped).",
    )
    spike_check_queued = serializers.BooleanField(
        help_text="Whether the team's spike check was queued. It runs in the background after "
                  "this answer, so an incident it opens is not named here: it appears in "
                  "GET /api/v1/compliance/incidents/?status=open.",
    )


class OpinionIngestView(APIView):
    """Feed scored interactions; a negative spike opens one incident (S3.2.1).

    The signals are stored at once; the spike check runs as a background task
    afterwards, so the answer says whether it was queued rather than naming
    an incident.
    """

    @extend_schema(request=OpinionIngestSerializer, responses=OpinionIngestResponseSerializer)
    def post(self, request):
        serializer = OpinionIngestSerializer(data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        ingested = services.opinion_ingest(
            actor=request.user, team=serializer.validated_data["team"],
            items=serializer.validated_data["items"],
        )
        return Response({"recorded": len(ingested.signals),
                         "spike_check_queued": ingested.spike_check_queued})


# --- incidents (S3.2.3) -------------------------------------------------------

class IncidentStepSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    order = serializers.IntegerField()
    title = serializers.CharField()
    owner = serializers.CharField(source="owner.username", default=None, allow_null=True)
    due_at = serializers.DateTimeField()
    done_at = serializers.DateTimeField(allow_null=True)  # null until the step is done
    task = serializers.IntegerField(source="task_id", allow_null=True)


class IncidentUpdateSerializer(serializers.Serializer):
    at = serializers.DateTimeField()
    # null for what the system wrote (spike detection, beat tasks)
    author = serializers.CharField(source="author.username", default=None, allow_null=True)
    kind = serializers.CharField()
    message = serializers.CharField(source="text")  # in the reader's language


class IncidentSerializer(serializers.ModelSerializer):
    owner = serializers.CharField(source="owner.username", default=None, allow_null=True)
    steps_total = serializers.IntegerField(read_only=True)
    steps_done = serializers.IntegerField(read_only=True)

    class Meta:
        model = Incident
        fields = ["id", "team", "title", "incident_type", "severity", "status", "source",
                  "platform_code", "owner", "plan", "opened_at", "resolved_at", "details",
                  "steps_total", "steps_done"]


class IncidentDetailSerializer(IncidentSerializer):
    steps = IncidentStepSerializer(many=True)
    updates = IncidentUpdateSerializer(many=True)
    next_statuses = serializers.SerializerMethodField(
        help_text="The statuses the reader may move the incident to now; empty once closed. "
                  "Closing with steps still open needs a note.",
    )

    class Meta(IncidentSerializer.Meta):
        fields = [f for f in IncidentSerializer.Meta.fields
                  if f not in ("steps_total", "steps_done")] + ["steps", "updates",
                                                                 "next_statuses"]

    @extend_schema_field(
        serializers.ListField(child=serializers.ChoiceField(IncidentStatus.choices))
    )
    def get_next_statuses(self, incident) -> list[str]:
        return selectors.incident_next_statuses(self.context["request"].user, incident)


class IncidentCreateSerializer(serializers.Serializer):
    team = TeamField()
    title = serializers.CharField(max_length=200)
    incident_type = serializers.ChoiceField(IncidentType.choices)
    severity = serializers.ChoiceField(IncidentSeverity.choices, default=IncidentSeverity.MEDIUM)
    source = serializers.CharField(max_length=120, required=False, allow_blank=True, default="")
    platform_code = serializers.CharField(max_length=40, required=False, allow_blank=True,
                                          default="")


class MessageSerializer(serializers.Serializer):
    message = serializers.CharField(max_length=5000)


class StatusSerializer(serializers.Serializer):
    status = serializers.ChoiceField(IncidentStatus.choices)
    note = serializers.CharField(max_length=5000, required=False, allow_blank=True, default="")


class StepDoneSerializer(serializers.Serializer):
    step = serializers.IntegerField()
    done = serializers.BooleanField()


class IncidentViewSet(NumericLookupMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin,
                      viewsets.GenericViewSet):
    """Incidents of the user's teams with their checklist and timeline (S3.2.3)."""

    serializer_class = IncidentSerializer
    filterset_fields = ["status", "incident_type", "severity"]

    def get_queryset(self):
        return selectors.incidents_for(self.request.user)

    @extend_schema(responses=IncidentDetailSerializer)
    def retrieve(self, request, pk=None):
        incident = get_or_404(selectors.incident_get, request.user, pk)
        return Response(IncidentDetailSerializer(incident, context={"request": request}).data)

    @extend_schema(request=IncidentCreateSerializer, responses=IncidentDetailSerializer)
    def create(self, request):
        serializer = IncidentCreateSerializer(data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        incident = services.incident_open(actor=request.user, **serializer.validated_data)
        incident = selectors.incident_get(request.user, incident.pk)
        return Response(IncidentDetailSerializer(incident, context={"request": request}).data,
                        status=201)

    @extend_schema(request=MessageSerializer, responses={201: IncidentUpdateSerializer})
    @action(detail=True, methods=["post"])
    def updates(self, request, pk=None):
        incident = get_or_404(selectors.incident_get, request.user, pk)
        serializer = MessageSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        update = services.incident_add_update(
            actor=request.user, incident=incident, message=serializer.validated_data["message"],
        )
        return Response(IncidentUpdateSerializer(update).data, status=201)

    @extend_schema(request=StatusSerializer, responses=inline_serializer(
        name="IncidentStatusResult",
        fields={"id": serializers.IntegerField(),
                "status": serializers.ChoiceField(IncidentStatus.choices)},
    ))
    @action(detail=True, methods=["post"])
    def status(self, request, pk=None):
        incident = get_or_404(selectors.incident_get, request.user, pk)
        serializer = StatusSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.incident_set_status(actor=request.user, incident=incident,
                                          **serializer.validated_data)
        return Response({"id": incident.pk, "status": incident.status})

    @extend_schema(request=StepDoneSerializer, responses=IncidentStepSerializer)
    @action(detail=True, methods=["post"])
    def steps(self, request, pk=None):
        get_or_404(selectors.incident_get, request.user, pk)  # an outsider's 404 before the body
        serializer = StepDoneSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        step = get_or_404(selectors.incident_step_get, request.user, pk,
                           serializer.validated_data["step"])
        services.incident_step_set_done(actor=request.user, step=step,
                                             done=serializer.validated_data["done"])
        return Response(IncidentStepSerializer(step).data)


# --- emergency plans and drills ---------------------------------------------

class PlanStepSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=200)
    owner_role = serializers.CharField(max_length=20, required=False, allow_blank=True)
    due_offset_hours = serializers.IntegerField(default=24)


class StatementSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=200, required=False, allow_blank=True)
    body = serializers.CharField(max_length=5000)


class EmergencyPlanSerializer(serializers.ModelSerializer):
    steps = PlanStepSerializer(many=True, read_only=True)

    class Meta:
        model = EmergencyPlan
        fields = ["id", "team", "incident_type", "name", "description", "holding_statements",
                  "approved_at", "steps"]


class EmergencyPlanWriteSerializer(serializers.Serializer):
    team = TeamField()
    incident_type = serializers.ChoiceField(IncidentType.choices)
    name = serializers.CharField(max_length=200)
    description = serializers.CharField(required=False, allow_blank=True, default="",
                                        max_length=5000)
    holding_statements = StatementSerializer(many=True, required=False, default=list)
    steps = PlanStepSerializer(many=True, required=False, default=list)


class EmergencyPlanViewSet(NumericLookupMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin,
                           viewsets.GenericViewSet):
    """Emergency plans: ordered steps and pre-approved holding statements (S3.2.3)."""

    serializer_class = EmergencyPlanSerializer
    filterset_fields = ["incident_type"]

    def get_queryset(self):
        return selectors.plans_for(self.request.user).prefetch_related("steps")

    @extend_schema(request=EmergencyPlanWriteSerializer, responses=EmergencyPlanSerializer)
    def create(self, request):
        """Create the team's plan for an incident type; a type that has one is refused (400)."""
        serializer = EmergencyPlanWriteSerializer(data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        plan = services.emergency_plan_save(actor=request.user, **serializer.validated_data)
        return Response(EmergencyPlanSerializer(plan).data, status=201)

    @extend_schema(request=EmergencyPlanWriteSerializer, responses=EmergencyPlanSerializer)
    def update(self, request, pk=None):
        """Replace a plan's name, steps and statements; the editor approves it anew."""
        plan = get_or_404(selectors.plan_get, request.user, pk)
        serializer = EmergencyPlanWriteSerializer(data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        plan = services.emergency_plan_save(
            actor=request.user, plan=plan, **serializer.validated_data
        )
        plan = selectors.plans_for(request.user).prefetch_related("steps").get(pk=plan.pk)
        return Response(EmergencyPlanSerializer(plan).data)


class DrillSerializer(serializers.ModelSerializer):
    owner = serializers.CharField(source="owner.username", default=None, read_only=True)
    runs = serializers.SerializerMethodField()

    class Meta:
        model = Drill
        fields = ["id", "team", "plan", "title", "owner", "interval_days", "next_due",
                  "is_active", "runs"]

    def get_runs(self, drill) -> list[dict]:
        return [{"ran_on": r.ran_on, "log": r.log, "lessons_learned": r.lessons_learned,
                 "participants": r.participants} for r in drill.runs.all()]


class DrillRunSerializer(serializers.Serializer):
    ran_on = serializers.DateField()
    log = serializers.CharField(max_length=20000)
    lessons_learned = serializers.CharField(max_length=20000, required=False, allow_blank=True,
                                            default="")
    participants = serializers.CharField(max_length=300, required=False, allow_blank=True,
                                         default="")


class DrillViewSet(NumericLookupMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin,
                   viewsets.GenericViewSet):
    """Scheduled drills with their run log and lessons learned (S3.2.3)."""

    serializer_class = DrillSerializer

    def get_queryset(self):
        return selectors.drills_for(self.request.user)

    @extend_schema(request=DrillRunSerializer, responses=DrillSerializer)
    @action(detail=True, methods=["post"])
    def run(self, request, pk=None):
        drill = get_or_404(selectors.drill_get, request.user, pk)
        serializer = DrillRunSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.drill_run_record(actor=request.user, drill=drill,
                                       **serializer.validated_data)
        return Response(DrillSerializer(selectors.drill_get(request.user, pk)).data)


def _extra():
    from django.urls import path

    return [
        path("compliance/sentiment/", SentimentView.as_view(), name="risk-sentiment"),
        path("compliance/opinion/signals/", OpinionIngestView.as_view(),
             name="risk-opinion-signals"),
    ]


extra_urlpatterns = _extra()

"""API for sentiment, incidents, emergency plans, drills and the privacy ledger."""

from django.core.exceptions import ObjectDoesNotExist, PermissionDenied
from django.http import Http404, HttpResponse
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    extend_schema,
    extend_schema_field,
    inline_serializer,
)
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import JSONParser
from rest_framework.response import Response
from rest_framework.routers import SimpleRouter
from rest_framework.views import APIView

from teams.selectors import teams_visible_to

from . import selectors_privacy, selectors_risk, services_privacy, services_risk
from .models_privacy import ConsentRecord, DataCategory, DataSubjectRequest, DSRKind, LegalBasis
from .models_risk import (
    Drill,
    EmergencyPlan,
    Incident,
    IncidentSeverity,
    IncidentStatus,
    IncidentType,
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

    # JSON only: a multipart body of many or long texts made Django's form
    # parser raise RequestDataTooBig / TooManyFieldsSent, which became a 500.
    parser_classes = [JSONParser]

    @extend_schema(request=SentimentRequestSerializer, responses=SentimentResponseSerializer)
    def post(self, request):
        serializer = SentimentRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        results = score_sentiment(serializer.validated_data["texts"])
        return Response({"results": [r.as_dict() for r in results]})


# --- shared -------------------------------------------------------------------

@extend_schema_field(OpenApiTypes.INT)
class TeamField(serializers.PrimaryKeyRelatedField):
    """A team the user can see; others are "does not exist" (no existence leak)."""

    def get_queryset(self):
        return teams_visible_to(self.context["request"].user)


def _get_or_404(getter, *args):
    """The getter's object, or a JSON 404 for a missing, foreign or non-numeric id."""
    try:
        return getter(*args)
    except (ObjectDoesNotExist, ValueError, TypeError) as exc:
        raise Http404 from exc


class NumericLookupMixin:
    """Detail routes only match numeric ids, so ``…/abc/`` is a 404, never a 500."""

    lookup_value_regex = r"\d+"


# --- opinion signals ----------------------------------------------------------

class SignalItemSerializer(serializers.Serializer):
    occurred_at = serializers.DateTimeField()
    score = serializers.FloatField(min_value=0, max_value=1, required=False)
    label = serializers.ChoiceField(["negative", "neutral", "positive"], required=False)
    text = serializers.CharField(max_length=MAX_TEXT_CHARS, required=False, allow_blank=True)
    source = serializers.CharField(max_length=120, required=False, allow_blank=True)
    platform_code = serializers.CharField(max_length=40, required=False, allow_blank=True)
    external_id = serializers.CharField(max_length=120, required=False, allow_blank=True)

    def validate(self, attrs):
        if "score" not in attrs and not (attrs.get("text") or "").strip():
            raise serializers.ValidationError({"score": _("Give a score or a text to score.")})
        return attrs


class OpinionIngestSerializer(serializers.Serializer):
    team = TeamField()
    items = SignalItemSerializer(many=True, allow_empty=False, max_length=MAX_TEXTS)


class OpinionIngestResponseSerializer(serializers.Serializer):
    recorded = serializers.IntegerField()
    incident = serializers.IntegerField(allow_null=True)


class OpinionIngestView(APIView):
    """Feed scored interactions; a negative spike opens one incident (S3.2.1)."""

    @extend_schema(request=OpinionIngestSerializer, responses=OpinionIngestResponseSerializer)
    def post(self, request):
        serializer = OpinionIngestSerializer(data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        signals, incident = services_risk.opinion_ingest(
            actor=request.user, team=serializer.validated_data["team"],
            items=serializer.validated_data["items"],
        )
        return Response({"recorded": len(signals), "incident": incident.pk if incident else None})


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

    class Meta(IncidentSerializer.Meta):
        fields = [f for f in IncidentSerializer.Meta.fields
                  if f not in ("steps_total", "steps_done")] + ["steps", "updates"]


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
        return selectors_risk.incidents_for(self.request.user)

    @extend_schema(responses=IncidentDetailSerializer)
    def retrieve(self, request, pk=None):
        incident = _get_or_404(selectors_risk.incident_get, request.user, pk)
        return Response(IncidentDetailSerializer(incident).data)

    @extend_schema(request=IncidentCreateSerializer, responses=IncidentDetailSerializer)
    def create(self, request):
        serializer = IncidentCreateSerializer(data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        incident = services_risk.incident_open(actor=request.user, **serializer.validated_data)
        incident = selectors_risk.incident_get(request.user, incident.pk)
        return Response(IncidentDetailSerializer(incident).data, status=201)

    @extend_schema(request=MessageSerializer, responses=IncidentUpdateSerializer)
    @action(detail=True, methods=["post"])
    def updates(self, request, pk=None):
        incident = _get_or_404(selectors_risk.incident_get, request.user, pk)
        serializer = MessageSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        update = services_risk.incident_add_update(
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
        incident = _get_or_404(selectors_risk.incident_get, request.user, pk)
        serializer = StatusSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services_risk.incident_set_status(actor=request.user, incident=incident,
                                          **serializer.validated_data)
        return Response({"id": incident.pk, "status": incident.status})

    @extend_schema(request=StepDoneSerializer, responses=IncidentStepSerializer)
    @action(detail=True, methods=["post"])
    def steps(self, request, pk=None):
        serializer = StepDoneSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        step = _get_or_404(selectors_risk.incident_step_get, request.user, pk,
                           serializer.validated_data["step"])
        services_risk.incident_step_set_done(actor=request.user, step=step,
                                             done=serializer.validated_data["done"])
        return Response(IncidentStepSerializer(step).data)


# --- emergency plans and drills ---------------------------------------------

class PlanStepSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=200)
    owner_role = serializers.CharField(max_length=20, required=False, allow_blank=True)
    due_offset_hours = serializers.IntegerField(min_value=0, max_value=24 * 365, default=24)


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
    description = serializers.CharField(required=False, allow_blank=True, default="")
    holding_statements = StatementSerializer(many=True, required=False, default=list)
    steps = PlanStepSerializer(many=True, required=False, default=list)


class EmergencyPlanViewSet(NumericLookupMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin,
                           viewsets.GenericViewSet):
    """Emergency plans: ordered steps and pre-approved holding statements (S3.2.3)."""

    serializer_class = EmergencyPlanSerializer
    filterset_fields = ["incident_type"]

    def get_queryset(self):
        return selectors_risk.plans_for(self.request.user).prefetch_related("steps")

    @extend_schema(request=EmergencyPlanWriteSerializer, responses=EmergencyPlanSerializer)
    def create(self, request):
        """Create or replace the team's plan for an incident type."""
        serializer = EmergencyPlanWriteSerializer(data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        plan = services_risk.emergency_plan_save(actor=request.user, **serializer.validated_data)
        return Response(EmergencyPlanSerializer(plan).data, status=201)


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
        return selectors_risk.drills_for(self.request.user)

    @extend_schema(request=DrillRunSerializer, responses=DrillSerializer)
    @action(detail=True, methods=["post"])
    def run(self, request, pk=None):
        drill = _get_or_404(selectors_risk.drill_get, request.user, pk)
        serializer = DrillRunSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services_risk.drill_run_record(actor=request.user, drill=drill,
                                       **serializer.validated_data)
        return Response(DrillSerializer(selectors_risk.drill_get(request.user, pk)).data)


# --- privacy ledger (S3.1.3) --------------------------------------------------

class ConsentSerializer(serializers.ModelSerializer):
    """Personal fields come masked unless the reader holds ``privacy.view_personal``."""

    subject_ref = serializers.SerializerMethodField()
    subject_name = serializers.SerializerMethodField()
    subject_phone = serializers.SerializerMethodField()
    subject_id_number = serializers.SerializerMethodField()

    class Meta:
        model = ConsentRecord
        fields = ["id", "team", "subject_ref", "subject_name", "subject_phone",
                  "subject_id_number", "purpose", "data_categories", "legal_basis",
                  "notice_version", "channel", "consented_at", "sensitive_consent",
                  "sharing_consent", "cross_border_consent", "guardian_consent",
                  "withdrawn_at", "withdrawal_channel", "anonymised_at"]

    def _personal(self, record) -> dict:
        cache = self.context.setdefault("_personal", {})
        if record.pk not in cache:
            cache[record.pk] = selectors_privacy.personal_fields(
                self.context["request"].user, record)
        return cache[record.pk]

    def get_subject_ref(self, record) -> str:
        return self._personal(record)["subject_ref"]

    def get_subject_name(self, record) -> str:
        return self._personal(record)["name"]

    def get_subject_phone(self, record) -> str:
        return self._personal(record)["phone"]

    def get_subject_id_number(self, record) -> str:
        return self._personal(record)["id_number"]


class ConsentCreateSerializer(serializers.Serializer):
    team = TeamField()
    subject_ref = serializers.CharField(max_length=120)
    subject_name = serializers.CharField(max_length=120, required=False, allow_blank=True,
                                         default="")
    subject_phone = serializers.RegexField(r"^\+?[\d\- ]{0,20}$", max_length=32, required=False,
                                           allow_blank=True, default="")
    subject_id_number = serializers.RegexField(r"^[0-9Xx]{0,18}$", max_length=32,
                                               required=False, allow_blank=True, default="")
    purpose = serializers.CharField(max_length=200)
    data_categories = serializers.ListField(child=serializers.ChoiceField(DataCategory.choices),
                                            allow_empty=False)
    legal_basis = serializers.ChoiceField(LegalBasis.choices, default=LegalBasis.CONSENT)
    notice_version = serializers.CharField(max_length=60)
    channel = serializers.CharField(max_length=60)
    consented_at = serializers.DateTimeField(required=False)
    sensitive_consent = serializers.BooleanField(default=False)
    sharing_consent = serializers.BooleanField(default=False)
    cross_border_consent = serializers.BooleanField(default=False)
    guardian_consent = serializers.BooleanField(default=False)


class CorrectSerializer(serializers.Serializer):
    subject_name = serializers.CharField(max_length=120, required=False, allow_blank=True)
    subject_phone = serializers.RegexField(r"^\+?[\d\- ]{0,20}$", max_length=32, required=False,
                                           allow_blank=True)
    subject_id_number = serializers.RegexField(r"^[0-9Xx]{0,18}$", max_length=32,
                                               required=False, allow_blank=True)


class WithdrawSerializer(serializers.Serializer):
    channel = serializers.CharField(max_length=60, required=False, allow_blank=True, default="")


class ConsentViewSet(NumericLookupMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin,
                     viewsets.GenericViewSet):
    """Consent records per person and purpose (PIPL; S3.1.3)."""

    serializer_class = ConsentSerializer
    filterset_fields = ["legal_basis"]

    def get_queryset(self):
        subject_ref = ""
        if self.action == "list":
            subject_ref = (self.request.query_params.get("subject_ref") or "").strip()
            # Looking a person up tells whether they are on file: personal-data holders only.
            if subject_ref and not selectors_privacy.teams_with_personal_access(
                    self.request.user):
                raise PermissionDenied(
                    _("Filtering by data subject needs the personal-data permission."))
        return selectors_privacy.consents_for(self.request.user, subject_ref=subject_ref)

    @extend_schema(parameters=[OpenApiParameter(
        "subject_ref", str, required=False,
        description="One data subject's records; needs privacy.view_personal (else 403).",
    )])
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    def get_object(self):
        return _get_or_404(selectors_privacy.consent_get, self.request.user, self.kwargs["pk"])

    @extend_schema(request=ConsentCreateSerializer, responses=ConsentSerializer)
    def create(self, request):
        serializer = ConsentCreateSerializer(data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        record = services_privacy.consent_record_create(
            actor=request.user, **serializer.validated_data)
        return Response(self.get_serializer(record).data, status=201)

    @extend_schema(request=CorrectSerializer, responses=ConsentSerializer)
    @action(detail=True, methods=["post"])
    def correct(self, request, pk=None):
        """Correct the person's details (PIPL Art. 46)."""
        record = self.get_object()
        serializer = CorrectSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services_privacy.consent_correct(actor=request.user, record=record,
                                         **serializer.validated_data)
        return Response(self.get_serializer(record).data)

    @extend_schema(request=WithdrawSerializer, responses=ConsentSerializer)
    @action(detail=True, methods=["post"])
    def withdraw(self, request, pk=None):
        record = self.get_object()
        serializer = WithdrawSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services_privacy.consent_withdraw(actor=request.user, record=record,
                                          channel=serializer.validated_data["channel"])
        return Response(self.get_serializer(record).data)


class DSRSerializer(serializers.ModelSerializer):
    subject_ref = serializers.SerializerMethodField()

    class Meta:
        model = DataSubjectRequest
        fields = ["id", "team", "subject_ref", "kind", "status", "details", "received_at",
                  "due_date", "completed_at", "refusal_reason"]

    def get_subject_ref(self, dsr) -> str:
        return selectors_privacy.shown_subject_ref(self.context["request"].user, dsr)


class DSRCreateSerializer(serializers.Serializer):
    team = TeamField()
    subject_ref = serializers.CharField(max_length=120)
    kind = serializers.ChoiceField(DSRKind.choices)
    details = serializers.CharField(max_length=5000, required=False, allow_blank=True, default="")


class DSRStatusSerializer(serializers.Serializer):
    status = serializers.ChoiceField(DataSubjectRequest._meta.get_field("status").choices)
    refusal_reason = serializers.CharField(max_length=5000, required=False, allow_blank=True,
                                           default="")


class DataSubjectRequestViewSet(NumericLookupMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin,
                                viewsets.GenericViewSet):
    """Access/copy, correction and deletion requests with their due date (PIPL)."""

    serializer_class = DSRSerializer
    filterset_fields = ["status", "kind"]

    def get_queryset(self):
        return selectors_privacy.requests_for(self.request.user)

    def get_object(self):
        return _get_or_404(selectors_privacy.request_get, self.request.user, self.kwargs["pk"])

    @extend_schema(request=DSRCreateSerializer, responses=DSRSerializer)
    def create(self, request):
        serializer = DSRCreateSerializer(data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        dsr = services_privacy.dsr_create(actor=request.user, **serializer.validated_data)
        return Response(self.get_serializer(dsr).data, status=201)

    @extend_schema(request=DSRStatusSerializer, responses=DSRSerializer)
    @action(detail=True, methods=["post"])
    def status(self, request, pk=None):
        dsr = self.get_object()
        serializer = DSRStatusSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services_privacy.dsr_set_status(actor=request.user, request=dsr,
                                        **serializer.validated_data)
        return Response(self.get_serializer(dsr).data)

    @extend_schema(responses={(200, "application/json"): OpenApiTypes.OBJECT})
    @action(detail=True, methods=["get"])
    def export(self, request, pk=None):
        """JSON download of what the system holds on the request's data subject."""
        import json

        dsr = self.get_object()
        data = services_privacy.subject_export_for(actor=request.user, request=dsr)
        response = HttpResponse(json.dumps(data, ensure_ascii=False, indent=2),
                                content_type="application/json; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="subject-{dsr.pk}.json"'
        return response


extra_urlpatterns: list = []


def _extra():
    from django.urls import path

    return [
        path("compliance/sentiment/", SentimentView.as_view(), name="compliance-sentiment"),
        path("compliance/opinion/signals/", OpinionIngestView.as_view(),
             name="compliance-opinion-signals"),
    ]


extra_urlpatterns = _extra()


def register(router: SimpleRouter) -> None:
    """Add this module's viewsets to the compliance router."""
    router.register("compliance/incidents", IncidentViewSet, basename="compliance-incident")
    router.register("compliance/emergency-plans", EmergencyPlanViewSet,
                    basename="compliance-plan")
    router.register("compliance/drills", DrillViewSet, basename="compliance-drill")
    router.register("compliance/consents", ConsentViewSet, basename="compliance-consent")
    router.register("compliance/subject-requests", DataSubjectRequestViewSet,
                    basename="compliance-dsr")

"""REST API of campaign planning: serializers parse types and shapes, services decide.

Every rule lives in ``campaigns.planning.services``; its ``ValidationError``
becomes a 400 with the same field keys (``config.api.exception_handler``), so
the API and the pages answer alike.
"""

from django.http import HttpResponse
from django.utils import translation
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from platforms.metrics import Metric
from platforms.models import Platform
from teams.answers import answers
from teams.doors import NumericLookupMixin, TeamField

from . import selectors, services
from .models import KPI, AgeBand, Campaign, CampaignStatus, Direction, Goal, Milestone, Phase
from .smart import smart_check


class _ScopedMixin:
    """Limit the related-object choices to what the caller may see."""

    scoped_fields: dict[str, str] = {}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        user = getattr(request, "user", None)
        for field, selector in self.scoped_fields.items():
            if field in self.fields and user is not None:
                self.fields[field].queryset = getattr(selectors, selector)(user)


class CampaignSerializer(serializers.ModelSerializer):
    team = TeamField()
    owner = serializers.CharField(source="owner.username", read_only=True)
    target_age_bands = serializers.ListField(
        child=serializers.ChoiceField(choices=AgeBand.choices), required=False
    )
    target_interests = serializers.ListField(
        child=serializers.CharField(max_length=60), required=False
    )
    shift_phases = serializers.BooleanField(
        write_only=True, required=False, default=False,
        help_text="On update: move phases, milestones and KPI deadlines with the start date.",
    )

    class Meta:
        model = Campaign
        fields = [
            "id", "team", "owner", "name", "objective", "description", "budget",
            "start_date", "end_date", "status", "submitted_at", "target_age_bands",
            "target_gender", "target_interests", "shift_phases", "created_at", "updated_at",
        ]
        read_only_fields = ["status", "submitted_at", "created_at", "updated_at"]
        # Ranges (a budget is not negative) are the service's rule, not the parser's.
        extra_kwargs = {"budget": {"min_value": None}, "description": {"max_length": 5000}}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance is not None and not isinstance(self.instance, list | tuple):
            self.fields["team"].read_only = True


class GoalSerializer(_ScopedMixin, serializers.ModelSerializer):
    scoped_fields = {"campaign": "campaigns_visible_to"}
    objective = serializers.CharField(required=False, allow_blank=True)

    class Meta:
        model = Goal
        fields = ["id", "campaign", "statement", "objective", "order", "created_at"]
        read_only_fields = ["order", "created_at"]
        extra_kwargs = {"statement": {"max_length": 1000}}


class KPISerializer(_ScopedMixin, serializers.ModelSerializer):
    scoped_fields = {"goal": "goals_visible_to"}
    platform = serializers.SlugRelatedField(
        slug_field="code", queryset=Platform.objects.all(), required=False, allow_null=True
    )
    target = serializers.DecimalField(
        max_digits=18, decimal_places=4, required=False, allow_null=True,
        help_text="Absolute target; rates as ratios (0.05 = 5%). Omit when giving "
        "target_change_percent.",
    )
    deadline = serializers.DateField(required=False, allow_null=True)
    target_display = serializers.CharField(read_only=True)
    baseline_display = serializers.CharField(read_only=True)

    class Meta:
        model = KPI
        fields = [
            "id", "goal", "metric", "platform", "baseline", "no_baseline_reason", "target",
            "target_change_percent", "unit", "direction", "deadline", "weight", "achieved",
            "target_display", "baseline_display",
        ]
        # Ranges (not negative, weight 1–1000, rates ≤ 1) are the service's rules.
        extra_kwargs = {
            "baseline": {"min_value": None},
            "weight": {"min_value": None, "max_value": None},
        }


class PhaseSerializer(_ScopedMixin, serializers.ModelSerializer):
    scoped_fields = {"campaign": "campaigns_visible_to"}

    class Meta:
        model = Phase
        fields = ["id", "campaign", "kind", "name", "start_date", "end_date", "order", "parallel"]


class MilestoneSerializer(_ScopedMixin, serializers.ModelSerializer):
    scoped_fields = {"phase": "phases_visible_to"}
    owner = serializers.CharField(
        required=False, allow_null=True, allow_blank=True, max_length=150,
        help_text="Username of a member of the campaign's team.",
    )

    class Meta:
        model = Milestone
        fields = ["id", "phase", "title", "due_date", "owner", "done_at"]
        read_only_fields = ["done_at"]

    def to_representation(self, instance):
        data = super().to_representation(instance)
        data["owner"] = instance.owner.get_username() if instance.owner_id else None
        return data


class GoalWithKPISerializer(_ScopedMixin, serializers.Serializer):
    """A goal and its first KPI in one request, as the planning page adds them."""

    scoped_fields = {"campaign": "campaigns_visible_to"}
    campaign = serializers.PrimaryKeyRelatedField(queryset=Campaign.objects.none())
    statement = serializers.CharField(allow_blank=True, max_length=1000)
    objective = serializers.CharField(required=False, allow_blank=True, default="")
    metric = serializers.ChoiceField(choices=Metric.choices)
    platform = serializers.SlugRelatedField(
        slug_field="code", queryset=Platform.objects.all(), required=False, allow_null=True
    )
    direction = serializers.ChoiceField(choices=Direction.choices, required=False)
    baseline = serializers.DecimalField(
        max_digits=18, decimal_places=4, required=False, allow_null=True
    )
    no_baseline_reason = serializers.CharField(required=False, allow_blank=True, max_length=300)
    target = serializers.DecimalField(
        max_digits=18, decimal_places=4, required=False, allow_null=True,
        help_text="Absolute target; rates as ratios (0.05 = 5%). Omit when giving "
        "target_change_percent.",
    )
    target_change_percent = serializers.DecimalField(
        max_digits=9, decimal_places=2, required=False, allow_null=True
    )
    unit = serializers.CharField(required=False, allow_blank=True, max_length=30)
    deadline = serializers.DateField(required=False, allow_null=True)
    weight = serializers.IntegerField(required=False)


class TransitionSerializer(serializers.Serializer):
    to = serializers.ChoiceField(choices=CampaignStatus.choices)
    reason = serializers.CharField(required=False, allow_blank=True, default="", max_length=1000)


class SubmitReasonSerializer(serializers.Serializer):
    reason = serializers.CharField(required=False, allow_blank=True, default="", max_length=1000)


class DuplicateSerializer(serializers.Serializer):
    start_date = serializers.DateField()
    name = serializers.CharField(required=False, allow_blank=True, default="", max_length=200)


class AchievedSerializer(serializers.Serializer):
    achieved = serializers.DecimalField(max_digits=18, decimal_places=4, allow_null=True)


class DoneSerializer(serializers.Serializer):
    done = serializers.BooleanField()


ScorecardSerializer = inline_serializer(
    name="SmartScorecard",
    fields={
        "verdict": serializers.ChoiceField(choices=["pass", "warn", "fail"]),
        "approvable": serializers.BooleanField(),
        "letters": inline_serializer(
            name="SmartLetter",
            many=True,
            fields={
                "letter": serializers.CharField(),
                "name": serializers.CharField(),
                "verdict": serializers.ChoiceField(choices=["pass", "warn", "fail"]),
                "reasons": serializers.ListField(child=serializers.CharField()),
            },
        ),
    },
)


class CampaignViewSet(NumericLookupMixin, viewsets.ModelViewSet):
    """Campaigns of the caller's teams; writes go through the planning services (S2.1)."""

    serializer_class = CampaignSerializer
    filterset_fields = ["status", "team", "objective"]
    search_fields = ["name", "description"]
    ordering_fields = ["start_date", "end_date", "name", "created_at"]

    def get_queryset(self):
        return selectors.campaigns_visible_to(self.request.user).order_by("-start_date", "-id")

    def list(self, request, *args, **kwargs):
        # The JSON answer is kept (``teams.answers``) until a write the list
        # shows: integrations poll this list. It is the same bytes DRF renders,
        # stored under the teams the caller sees and their tags
        # (``selectors.campaign_list_cache_key``). Other renderers (the
        # browsable API, indented JSON) and error answers are never stored.
        # Without a shared cache (Redis down) the list is computed as before.
        # (A comment, not a docstring: the schema shows a method's docstring.)
        renderer = request.accepted_renderer
        if renderer.format != "json" or request.accepted_media_type != renderer.media_type:
            return super().list(request, *args, **kwargs)
        key = selectors.campaign_list_cache_key(
            request.user, address=request.build_absolute_uri(),
            language=translation.get_language() or "",
        )
        body = answers.get(key)
        if body is None:
            data = super().list(request, *args, **kwargs).data
            body = renderer.render(data, request.accepted_media_type, self.get_renderer_context())
            answers.put(key, body)
        return HttpResponse(body, content_type=renderer.media_type)

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        data.pop("shift_phases", None)
        team = data.pop("team")
        serializer.instance = services.campaign_create(actor=self.request.user, team=team, **data)

    def perform_update(self, serializer):
        data = dict(serializer.validated_data)
        shift = data.pop("shift_phases", False)
        serializer.instance = services.campaign_update(
            actor=self.request.user, campaign=serializer.instance, shift_phases=shift, **data
        )

    def perform_destroy(self, instance):
        services.campaign_delete(actor=self.request.user, campaign=instance)

    @extend_schema(request=TransitionSerializer, responses=CampaignSerializer)
    @action(detail=True, methods=["post"])
    def transition(self, request, pk=None):
        """Move the campaign along its lifecycle; 400 for an illegal move, 403 for the role."""
        campaign = self.get_object()
        payload = TransitionSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        campaign = services.campaign_transition(
            actor=request.user, campaign=campaign, **payload.validated_data
        )
        return Response(self.get_serializer(campaign).data)

    @extend_schema(request=SubmitReasonSerializer, responses=CampaignSerializer)
    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None):
        """Hand a draft to the team's managers for approval."""
        campaign = self.get_object()
        payload = SubmitReasonSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        campaign = services.campaign_submit(
            actor=request.user, campaign=campaign, **payload.validated_data
        )
        return Response(self.get_serializer(campaign).data)

    @extend_schema(request=None, responses=ScorecardSerializer)
    @action(detail=True, methods=["get"])
    def smart(self, request, pk=None):
        """The SMART scorecard (S2.1.1): one verdict per letter with reasons."""
        return Response(smart_check(self.get_object()).as_dict())

    @extend_schema(request=None, responses=PhaseSerializer(many=True))
    @action(detail=True, methods=["post"], url_path="standard-plan")
    def standard_plan(self, request, pk=None):
        """Create production 1 week, promotion 2 weeks, evaluation 1 week from the start."""
        phases = services.phase_standard_plan(actor=request.user, campaign=self.get_object())
        return Response(PhaseSerializer(phases, many=True).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=DuplicateSerializer, responses={201: CampaignSerializer})
    @action(detail=True, methods=["post"])
    def duplicate(self, request, pk=None):
        """Copy the plan as a new draft with every date shifted to the new start."""
        campaign = self.get_object()  # an outsider's 404 comes before any body is read
        payload = DuplicateSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        copy = services.campaign_duplicate(
            actor=request.user, campaign=campaign, **payload.validated_data
        )
        return Response(self.get_serializer(copy).data, status=status.HTTP_201_CREATED)


class GoalViewSet(NumericLookupMixin, viewsets.ModelViewSet):
    """Goals of visible campaigns."""

    serializer_class = GoalSerializer
    filterset_fields = ["campaign", "objective"]

    def get_queryset(self):
        return selectors.goals_visible_to(self.request.user).order_by("campaign", "order", "id")

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        serializer.instance = services.goal_create(actor=self.request.user, **data)

    def perform_update(self, serializer):
        goal = serializer.instance
        data = serializer.validated_data
        serializer.instance = services.goal_update(
            actor=self.request.user, goal=goal,
            statement=data.get("statement", goal.statement),
            objective=data.get("objective") or goal.objective,
        )

    def perform_destroy(self, instance):
        services.goal_delete(actor=self.request.user, goal=instance)

    @extend_schema(
        request=GoalWithKPISerializer,
        responses={201: inline_serializer(
            name="GoalWithKPI", fields={"goal": GoalSerializer(), "kpi": KPISerializer()},
        )},
    )
    @action(detail=False, methods=["post"], url_path="with-kpi",
            serializer_class=GoalWithKPISerializer)
    def with_kpi(self, request):
        """Add a goal with its first KPI: both are saved, or neither."""
        payload = self.get_serializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = dict(payload.validated_data)
        goal, kpi = services.goal_create_with_kpi(
            actor=request.user, campaign=data.pop("campaign"), **data
        )
        context = self.get_serializer_context()
        return Response(
            {"goal": GoalSerializer(goal, context=context).data,
             "kpi": KPISerializer(kpi, context=context).data},
            status=status.HTTP_201_CREATED,
        )


class KPIViewSet(NumericLookupMixin, viewsets.ModelViewSet):
    """KPIs of visible campaigns; rates are ratios (0.05 = 5%)."""

    serializer_class = KPISerializer
    filterset_fields = ["goal", "goal__campaign", "metric", "platform"]

    def get_queryset(self):
        return selectors.kpis_visible_to(self.request.user).order_by("goal", "id")

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        goal = data.pop("goal")
        serializer.instance = services.kpi_create(actor=self.request.user, goal=goal, **data)

    def perform_update(self, serializer):
        data = dict(serializer.validated_data)
        data.pop("goal", None)
        serializer.instance = services.kpi_update(
            actor=self.request.user, kpi=serializer.instance, **data
        )

    def perform_destroy(self, instance):
        services.kpi_delete(actor=self.request.user, kpi=instance)

    @extend_schema(request=AchievedSerializer, responses=KPISerializer)
    @action(detail=True, methods=["post"])
    def achieved(self, request, pk=None):
        """Record the result the KPI reached (a ratio for rates); allowed while the plan runs."""
        kpi = self.get_object()  # an outsider's 404 comes before any body is read
        payload = AchievedSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        kpi = services.kpi_record_achieved(
            actor=request.user, kpi=kpi, **payload.validated_data
        )
        return Response(self.get_serializer(kpi).data)


class PhaseViewSet(NumericLookupMixin, viewsets.ModelViewSet):
    """Phases of visible campaigns (S2.1.3)."""

    serializer_class = PhaseSerializer
    filterset_fields = ["campaign", "kind"]

    def get_queryset(self):
        return selectors.phases_visible_to(self.request.user).order_by("campaign", "start_date")

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        campaign = data.pop("campaign")
        serializer.instance = services.phase_create(
            actor=self.request.user, campaign=campaign, **data
        )

    def perform_update(self, serializer):
        data = dict(serializer.validated_data)
        data.pop("campaign", None)
        serializer.instance = services.phase_update(
            actor=self.request.user, phase=serializer.instance, **data
        )

    def perform_destroy(self, instance):
        services.phase_delete(actor=self.request.user, phase=instance)


class MilestoneViewSet(NumericLookupMixin, viewsets.ModelViewSet):
    """Milestones of visible campaigns; tick one off with ``POST …/done/``."""

    serializer_class = MilestoneSerializer
    filterset_fields = ["phase", "phase__campaign"]

    def get_queryset(self):
        return selectors.milestones_visible_to(self.request.user).order_by("due_date", "id")

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        phase = data.pop("phase")
        serializer.instance = services.milestone_create(
            actor=self.request.user, phase=phase, **data
        )

    def perform_update(self, serializer):
        serializer.instance = services.milestone_update(
            actor=self.request.user, milestone=serializer.instance,
            **dict(serializer.validated_data),
        )

    def perform_destroy(self, instance):
        services.milestone_delete(actor=self.request.user, milestone=instance)

    @extend_schema(request=DoneSerializer, responses=MilestoneSerializer)
    @action(detail=True, methods=["post"])
    def done(self, request, pk=None):
        milestone = self.get_object()  # an outsider's 404 comes before any body is read
        payload = DoneSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        milestone = services.milestone_set_done(
            actor=request.user, milestone=milestone, done=payload.validated_data["done"]
        )
        return Response(self.get_serializer(milestone).data)

"""REST API of campaign planning: serializers parse, services decide (thin doors)."""

from django.contrib.auth import get_user_model
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from platforms.models import Platform
from teams.models import Team
from teams.selectors import teams_visible_to

from . import selectors, services
from .models import KPI, AgeBand, Campaign, CampaignStatus, Goal, Milestone, Phase
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
    team = serializers.PrimaryKeyRelatedField(queryset=Team.objects.none())
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

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        if request is not None:
            self.fields["team"].queryset = teams_visible_to(request.user)
        if self.instance is not None and not isinstance(self.instance, list | tuple):
            self.fields["team"].read_only = True

    def validate(self, attrs):
        start = attrs.get("start_date", getattr(self.instance, "start_date", None))
        end = attrs.get("end_date", getattr(self.instance, "end_date", None))
        if start and end and end < start:
            raise serializers.ValidationError(
                {"end_date": _("The end date must not be before the start date.")}
            )
        return attrs


class GoalSerializer(_ScopedMixin, serializers.ModelSerializer):
    scoped_fields = {"campaign": "campaigns_visible_to"}
    objective = serializers.CharField(required=False, allow_blank=True)

    class Meta:
        model = Goal
        fields = ["id", "campaign", "statement", "objective", "order", "created_at"]
        read_only_fields = ["order", "created_at"]


class KPISerializer(_ScopedMixin, serializers.ModelSerializer):
    scoped_fields = {"goal": "goals_visible_to"}
    platform = serializers.SlugRelatedField(
        slug_field="code", queryset=Platform.objects.all(), required=False, allow_null=True
    )
    target = serializers.DecimalField(
        max_digits=18, decimal_places=4, min_value=0, required=False, allow_null=True,
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


class PhaseSerializer(_ScopedMixin, serializers.ModelSerializer):
    scoped_fields = {"campaign": "campaigns_visible_to"}

    class Meta:
        model = Phase
        fields = ["id", "campaign", "kind", "name", "start_date", "end_date", "order", "parallel"]

    def validate(self, attrs):
        start = attrs.get("start_date", getattr(self.instance, "start_date", None))
        end = attrs.get("end_date", getattr(self.instance, "end_date", None))
        if start and end and end < start:
            raise serializers.ValidationError(
                {"end_date": _("The end date must not be before the start date.")}
            )
        return attrs


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

    def validate(self, attrs):
        # The owner is looked up among the campaign team's members only, so the
        # answer never tells whether a username exists in another team.
        if attrs.get("owner"):
            phase = attrs.get("phase") or getattr(self.instance, "phase", None)
            owner = None
            if phase is not None:
                owner = get_user_model().objects.filter(
                    username=attrs["owner"], memberships__team_id=phase.campaign.team_id
                ).first()
            if owner is None:
                raise serializers.ValidationError(
                    {"owner": _("No member of this campaign's team has that username.")}
                )
            attrs["owner"] = owner
        elif "owner" in attrs:
            attrs["owner"] = None
        return attrs


class TransitionSerializer(serializers.Serializer):
    to = serializers.ChoiceField(choices=CampaignStatus.choices)
    reason = serializers.CharField(required=False, allow_blank=True, default="")


class ReasonSerializer(serializers.Serializer):
    reason = serializers.CharField(required=False, allow_blank=True, default="")


class DuplicateSerializer(serializers.Serializer):
    start_date = serializers.DateField()
    name = serializers.CharField(required=False, allow_blank=True, default="", max_length=200)


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


class CampaignViewSet(viewsets.ModelViewSet):
    """Campaigns of the caller's teams; writes go through the planning services (S2.1)."""

    serializer_class = CampaignSerializer
    filterset_fields = ["status", "team", "objective"]
    search_fields = ["name", "description"]
    ordering_fields = ["start_date", "end_date", "name", "created_at"]

    def get_queryset(self):
        return selectors.campaigns_visible_to(self.request.user).order_by("-start_date", "-id")

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

    @extend_schema(request=ReasonSerializer, responses=CampaignSerializer)
    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None):
        """Hand a draft to the team's managers for approval."""
        campaign = self.get_object()
        payload = ReasonSerializer(data=request.data)
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

    @extend_schema(request=DuplicateSerializer, responses=CampaignSerializer)
    @action(detail=True, methods=["post"])
    def duplicate(self, request, pk=None):
        """Copy the plan as a new draft with every date shifted to the new start."""
        payload = DuplicateSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        copy = services.campaign_duplicate(
            actor=request.user, campaign=self.get_object(), **payload.validated_data
        )
        return Response(self.get_serializer(copy).data, status=status.HTTP_201_CREATED)


class GoalViewSet(viewsets.ModelViewSet):
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


class KPIViewSet(viewsets.ModelViewSet):
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


class PhaseViewSet(viewsets.ModelViewSet):
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


class MilestoneViewSet(viewsets.ModelViewSet):
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
        payload = DoneSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        milestone = services.milestone_set_done(
            actor=request.user, milestone=self.get_object(), done=payload.validated_data["done"]
        )
        return Response(self.get_serializer(milestone).data)

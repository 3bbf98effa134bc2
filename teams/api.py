"""REST API of teams: serializers parse types and shapes, services decide.

Every rule lives in ``teams.services``; its ``ValidationError`` becomes a 400
with the same field keys (``config.api.exception_handler``) and
``PermissionDenied`` a 403, so the API and the pages answer alike. Lists are
scoped to the caller's teams; another team's record is a 404.
"""

from __future__ import annotations

import json

import django_filters
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    extend_schema,
    extend_schema_field,
    inline_serializer,
)
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.renderers import BaseRenderer, JSONRenderer
from rest_framework.response import Response
from rest_framework.settings import api_settings

from . import selectors
from .doors import NumericLookupMixin, TeamField, get_or_404
from .ical import meetings_ics
from .models import (
    ActionItem,
    AgendaItem,
    BoardColumn,
    Decision,
    DecisionStatus,
    Meeting,
    MeetingKind,
    MeetingSeries,
    Membership,
    Notification,
    NotificationKind,
    RaciRole,
    Responsibility,
    RoleSkillRequirement,
    Skill,
    SkillAssessment,
    Task,
    TaskComment,
    TaskPriority,
    TaskStatus,
    Team,
    TrainingAttendance,
    TrainingPlan,
    TrainingSession,
)
from .selectors import meetings as meeting_selectors
from .selectors import notifications as notification_selectors
from .selectors import skills as skill_selectors
from .selectors import tasks as task_selectors
from .services import meetings as meeting_services
from .services import notifications as notification_services
from .services import skills as skill_services
from .services import tasks as task_services
from .services import training as training_services

User = get_user_model()


def _source_of(content_type: ContentType | None, object_id: str, url: str = "") -> dict | None:
    if content_type is None:
        return None
    return {"type": f"{content_type.app_label}.{content_type.model}", "id": object_id,
            "url": url}


_SOURCE_SCHEMA = serializers.DictField(
    child=serializers.CharField(), allow_null=True,
    help_text="The record behind it: {type: app_label.model, id, url}.",
)


@extend_schema_field(OpenApiTypes.INT)
class MemberUserField(serializers.PrimaryKeyRelatedField):
    """A user who is a member of a team the caller sees; anyone else does not exist."""

    def get_queryset(self):
        teams = selectors.teams_visible_to(self.context["request"].user)
        return User.objects.filter(memberships__team__in=teams).distinct()


@extend_schema_field(OpenApiTypes.INT)
class VisibleMembershipField(serializers.PrimaryKeyRelatedField):
    def get_queryset(self):
        return skill_selectors.memberships_visible_to(self.context["request"].user)


# --- teams and me ----------------------------------------------------------------------


class MembershipSerializer(serializers.ModelSerializer):
    username = serializers.CharField(source="user.username", read_only=True)

    class Meta:
        model = Membership
        fields = ["username", "role", "strengths"]


class TeamSerializer(serializers.ModelSerializer):
    memberships = MembershipSerializer(many=True, read_only=True)

    class Meta:
        model = Team
        fields = ["id", "name", "slug", "description", "memberships"]


class TeamViewSet(viewsets.ReadOnlyModelViewSet):
    """Teams the caller may see, with their members and roles."""

    serializer_class = TeamSerializer
    search_fields = ["name", "slug"]
    filterset_fields = ["slug"]

    def get_queryset(self):
        return selectors.teams_visible_to(self.request.user).prefetch_related(
            "memberships__user"
        )


class MeSerializer(serializers.Serializer):
    username = serializers.CharField()
    roles = serializers.ListField(child=serializers.CharField())
    sees_all_teams = serializers.BooleanField()


# The project's schema class (its error answers included), whichever it is.
class _SingleObjectSchema(api_settings.DEFAULT_SCHEMA_CLASS):
    """``/me/`` is routed as ``list`` but answers one object, not an array."""

    def _is_list_view(self, serializer=None):
        return False


class MeViewSet(viewsets.ViewSet):
    """Who the caller is and which roles they hold."""

    schema = _SingleObjectSchema()

    @extend_schema(responses=MeSerializer)
    def list(self, request):
        user = request.user
        return Response(
            {
                "username": user.get_username(),
                "roles": sorted(selectors.roles_of(user)),
                "sees_all_teams": selectors.user_sees_all_teams(user),
            }
        )


# --- tasks -------------------------------------------------------------------------------


class TaskSerializer(serializers.ModelSerializer):
    owner = serializers.CharField(source="owner.username", read_only=True)
    team = serializers.PrimaryKeyRelatedField(read_only=True)
    source = serializers.SerializerMethodField()
    column = serializers.ChoiceField(choices=BoardColumn.choices, read_only=True)
    # Declared so the schema says "" (no skill needed) is a value it may hold.
    skill = serializers.ChoiceField(choices=Skill.choices, allow_blank=True, read_only=True)

    class Meta:
        model = Task
        fields = [
            "id", "team", "title", "description", "owner", "due_date", "status", "priority",
            "skill", "column", "source", "created_at", "started_at", "completed_at",
        ]
        read_only_fields = [f for f in fields if f != "status"]

    @extend_schema_field(_SOURCE_SCHEMA)
    def get_source(self, task: Task) -> dict | None:
        return _source_of(task.source_type, task.source_id)


class TaskStatusSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=TaskStatus.choices)


class TaskViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """The caller's tasks ("my tasks")."""

    serializer_class = TaskSerializer
    filterset_fields = ["status", "team", "priority"]
    ordering_fields = ["due_date", "created_at"]

    def get_queryset(self):
        return selectors.tasks_for_owner(self.request.user, status=None).select_related("owner")

    @extend_schema(request=TaskStatusSerializer, responses=TaskSerializer)
    @action(detail=True, methods=["post"])
    def status(self, request, pk=None):
        task = self.get_object()
        payload = TaskStatusSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        task_services.task_set_status(
            actor=request.user, task=task, status=payload.validated_data["status"]
        )
        return Response(TaskSerializer(task).data)


class TeamTaskCreateSerializer(serializers.Serializer):
    team = TeamField()
    title = serializers.CharField(max_length=200)
    owner = MemberUserField()
    due_date = serializers.DateField(required=False, allow_null=True)
    priority = serializers.ChoiceField(choices=TaskPriority.choices, default=TaskPriority.NORMAL)
    skill = serializers.ChoiceField(choices=[("", "-"), *Skill.choices], required=False,
                                    default="")
    description = serializers.CharField(required=False, allow_blank=True, default="")


class TaskMoveSerializer(serializers.Serializer):
    column = serializers.ChoiceField(choices=BoardColumn.choices)


class TaskAssignSerializer(serializers.Serializer):
    owner = MemberUserField()


class TaskCommentSerializer(serializers.ModelSerializer):
    author = serializers.CharField(source="author.username", read_only=True, default=None)

    class Meta:
        model = TaskComment
        fields = ["id", "author", "body", "created_at"]
        read_only_fields = ["id", "author", "created_at"]


class TeamTaskFilter(django_filters.FilterSet):
    # Plain ids: a model choice would tell apart users (or types) that exist elsewhere.
    owner = django_filters.NumberFilter(field_name="owner_id")
    source_type = django_filters.NumberFilter(field_name="source_type_id")

    class Meta:
        model = Task
        fields = ["team", "owner", "status", "priority", "source_type"]


class TeamTaskViewSet(NumericLookupMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin,
                      viewsets.GenericViewSet):
    """Every task of the caller's teams (the board): filter, create, move, assign, discuss.

    Filters: ``team``, ``owner`` (user id), ``status``, ``priority``,
    ``source_type`` (content type id) and ``campaign`` (tasks whose source
    belongs to the campaign).
    """

    serializer_class = TaskSerializer
    filterset_class = TeamTaskFilter
    ordering_fields = ["due_date", "created_at", "priority"]

    def get_queryset(self):
        qs = task_selectors.tasks_visible_to(self.request.user).order_by("due_date", "id")
        campaign = self.request.query_params.get("campaign", "")
        if campaign.isdigit():
            qs = qs.filter(task_selectors.campaign_filter(int(campaign)))
        return qs

    @extend_schema(
        parameters=[OpenApiParameter("campaign", int, description="Campaign id")],
    )
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    @extend_schema(request=TeamTaskCreateSerializer, responses={201: TaskSerializer})
    def create(self, request):
        payload = TeamTaskCreateSerializer(data=request.data, context={"request": request})
        payload.is_valid(raise_exception=True)
        task = task_services.task_add(actor=request.user, **payload.validated_data)
        return Response(TaskSerializer(task).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=TaskMoveSerializer, responses=TaskSerializer)
    @action(detail=True, methods=["post"])
    def move(self, request, pk=None):
        task = self.get_object()
        payload = TaskMoveSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        task_services.task_move(actor=request.user, task=task, **payload.validated_data)
        return Response(TaskSerializer(task).data)

    @extend_schema(request=TaskAssignSerializer, responses=TaskSerializer)
    @action(detail=True, methods=["post"])
    def assign(self, request, pk=None):
        task = self.get_object()
        payload = TaskAssignSerializer(data=request.data, context={"request": request})
        payload.is_valid(raise_exception=True)
        task_services.task_assign(actor=request.user, task=task, **payload.validated_data)
        return Response(TaskSerializer(task).data)

    @extend_schema(methods=["GET"], responses=TaskCommentSerializer(many=True))
    @extend_schema(methods=["POST"], request=TaskCommentSerializer,
                   responses={201: TaskCommentSerializer})
    @action(detail=True, methods=["get", "post"], pagination_class=None)
    def comments(self, request, pk=None):
        task = self.get_object()
        if request.method == "GET":
            comments = task_selectors.comments_of(task)
            return Response(TaskCommentSerializer(comments, many=True).data)
        payload = TaskCommentSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        comment = task_services.task_comment_add(actor=request.user, task=task,
                                                 body=payload.validated_data["body"])
        return Response(TaskCommentSerializer(comment).data, status=status.HTTP_201_CREATED)


class SuggestionSerializer(serializers.Serializer):
    user = serializers.IntegerField(source="membership.user_id")
    username = serializers.CharField(source="membership.user.username")
    level = serializers.IntegerField()
    open_tasks = serializers.IntegerField(source="load.open")
    overdue_tasks = serializers.IntegerField(source="load.overdue")
    reason = serializers.CharField()


class TaskSuggestionViewSet(viewsets.ViewSet):
    """Who should take a task: the strongest in a skill with the least open load, and why."""

    @extend_schema(
        parameters=[OpenApiParameter("team", int, required=True),
                    OpenApiParameter("skill", str, enum=Skill.values)],
        responses=SuggestionSerializer(many=True),
    )
    def list(self, request):
        team_id = request.query_params.get("team", "")
        team = get_object_or_404(
            selectors.teams_visible_to(request.user), pk=team_id if team_id.isdigit() else 0
        )
        skill = request.query_params.get("skill", "")
        if skill and skill not in Skill.values:
            raise ValidationError({"skill": gettext("Unknown skill.")})
        suggestions = task_selectors.suggest_owners(team, skill=skill)
        return Response(SuggestionSerializer(suggestions, many=True).data)


# --- skills and RACI ---------------------------------------------------------------------


class SkillLevelsField(serializers.DictField):
    child = serializers.IntegerField()


class MemberSerializer(serializers.ModelSerializer):
    username = serializers.CharField(source="user.username", read_only=True)
    skills = serializers.SerializerMethodField()

    class Meta:
        model = Membership
        fields = ["id", "team", "username", "role", "strengths", "skills"]

    @extend_schema_field(SkillLevelsField(help_text="skill -> current level (1–5)"))
    def get_skills(self, membership: Membership) -> dict:
        return skill_selectors.levels_by_skill(membership)


class SkillAssessmentSerializer(serializers.ModelSerializer):
    assessed_by = serializers.CharField(source="assessed_by.username", read_only=True,
                                        default=None)

    class Meta:
        model = SkillAssessment
        fields = ["id", "skill", "level", "previous_level", "note", "session", "assessed_by",
                  "assessed_at"]
        read_only_fields = ["id", "previous_level", "session", "assessed_by", "assessed_at"]
        # 1–5 is the service's rule, reported in the reader's language.
        extra_kwargs = {"level": {"min_value": None, "max_value": None}}


class ResponsibilitySerializer(serializers.ModelSerializer):
    username = serializers.CharField(source="membership.user.username", read_only=True)

    class Meta:
        model = Responsibility
        fields = ["id", "team", "campaign_id", "area", "membership", "username", "role"]


class MemberDetailSerializer(MemberSerializer):
    assessments = serializers.SerializerMethodField()
    duties = serializers.SerializerMethodField()
    open_tasks = serializers.SerializerMethodField()

    class Meta(MemberSerializer.Meta):
        fields = [*MemberSerializer.Meta.fields, "assessments", "duties", "open_tasks"]

    @extend_schema_field(SkillAssessmentSerializer(many=True))
    def get_assessments(self, membership: Membership) -> list:
        return SkillAssessmentSerializer(
            skill_selectors.assessment_history(membership), many=True
        ).data

    @extend_schema_field(ResponsibilitySerializer(many=True))
    def get_duties(self, membership: Membership) -> list:
        return ResponsibilitySerializer(skill_selectors.duties_of(membership), many=True).data

    @extend_schema_field(serializers.IntegerField())
    def get_open_tasks(self, membership: Membership) -> int:
        load = task_selectors.open_load(membership.team_id).get(membership.user_id)
        return load.open if load else 0


class MemberViewSet(NumericLookupMixin, viewsets.ReadOnlyModelViewSet):
    """Members of the caller's teams with their current skill levels (S3.3.1)."""

    filterset_fields = ["team", "role"]

    def get_queryset(self):
        return skill_selectors.memberships_visible_to(self.request.user).prefetch_related(
            "skill_levels"
        ).order_by("team_id", "user__username")

    def get_serializer_class(self):
        return MemberDetailSerializer if self.action == "retrieve" else MemberSerializer

    @extend_schema(request=SkillAssessmentSerializer, responses={201: SkillAssessmentSerializer})
    @action(detail=True, methods=["post"])
    def assess(self, request, pk=None):
        membership = self.get_object()
        payload = SkillAssessmentSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        assessment = skill_services.skill_assess(
            actor=request.user, membership=membership, **payload.validated_data
        )
        return Response(SkillAssessmentSerializer(assessment).data,
                        status=status.HTTP_201_CREATED)


class RequirementSerializer(serializers.ModelSerializer):
    team = TeamField()
    level = serializers.IntegerField(allow_null=True, help_text="null removes the requirement")
    id = serializers.IntegerField(read_only=True, allow_null=True,
                                  help_text="null once the requirement is removed")

    class Meta:
        model = RoleSkillRequirement
        fields = ["id", "team", "role", "skill", "level"]
        read_only_fields = ["id"]
        validators: list = []


class RequirementViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """The level each role needs per skill (S3.3.3 needs assessment); POST sets one."""

    serializer_class = RequirementSerializer
    filterset_fields = ["team", "role", "skill"]

    def get_queryset(self):
        return selectors.scope_to_user_teams(RoleSkillRequirement.objects.all(),
                                             self.request.user).order_by("team", "role", "skill")

    @extend_schema(request=RequirementSerializer, responses={200: RequirementSerializer})
    def create(self, request):
        payload = RequirementSerializer(data=request.data, context={"request": request})
        payload.is_valid(raise_exception=True)
        requirement = skill_services.requirement_set(actor=request.user, **payload.validated_data)
        if requirement is None:
            return Response({**payload.data, "id": None, "level": None})
        return Response(RequirementSerializer(requirement, context={"request": request}).data)


class RaciMatrixSerializer(serializers.Serializer):
    campaign = serializers.IntegerField()
    matrix = serializers.DictField(
        child=serializers.DictField(child=serializers.ChoiceField(
            choices=[("", "-"), *RaciRole.choices])),
        help_text="work area -> {membership id: responsible|accountable|consulted|informed}",
    )


class ResponsibilityViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """Per-campaign RACI (filter ``campaign``); POST ``matrix/`` replaces a campaign's areas.

    Exactly one Accountable per assigned area, else 400 under the area's key.
    """

    serializer_class = ResponsibilitySerializer
    filterset_fields = ["team", "area", "role", "campaign_id"]

    def get_queryset(self):
        return selectors.scope_to_user_teams(
            Responsibility.objects.select_related("membership__user"), self.request.user
        ).order_by("campaign_id", "area", "id")

    @extend_schema(request=RaciMatrixSerializer, responses=ResponsibilitySerializer(many=True))
    @action(detail=False, methods=["post"], pagination_class=None)
    def matrix(self, request):
        payload = RaciMatrixSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        campaign = get_or_404(skill_selectors.campaign_get, request.user,
                              payload.validated_data["campaign"])
        matrix = {
            area: {int(k): v for k, v in cells.items() if str(k).isdigit()}
            for area, cells in payload.validated_data["matrix"].items()
        }
        rows = skill_services.raci_set(actor=request.user, campaign=campaign, matrix=matrix)
        return Response(ResponsibilitySerializer(rows, many=True).data)


class GapSerializer(serializers.Serializer):
    member = serializers.IntegerField(source="membership.pk")
    username = serializers.CharField(source="membership.user.username")
    role = serializers.CharField(source="membership.role")
    skill = serializers.ChoiceField(choices=Skill.choices)
    required = serializers.IntegerField()
    current = serializers.IntegerField()


class SkillGapViewSet(viewsets.ViewSet):
    """Needs assessment: members below their role's required level, per skill."""

    @extend_schema(parameters=[OpenApiParameter("team", int, required=True)],
                   responses=GapSerializer(many=True))
    def list(self, request):
        team_id = request.query_params.get("team", "")
        team = get_object_or_404(
            selectors.teams_visible_to(request.user), pk=team_id if team_id.isdigit() else 0
        )
        return Response(GapSerializer(skill_selectors.skill_gaps(team), many=True).data)


# --- meetings ------------------------------------------------------------------------------


class AgendaItemSerializer(serializers.ModelSerializer):
    section_label = serializers.CharField(source="get_section_display", read_only=True)
    title = serializers.CharField(read_only=True)
    source = serializers.SerializerMethodField()

    class Meta:
        model = AgendaItem
        fields = ["section", "section_label", "title", "available", "source"]

    @extend_schema_field(_SOURCE_SCHEMA)
    def get_source(self, item: AgendaItem) -> dict | None:
        return _source_of(item.source_type, item.source_id, item.url)


class ActionItemSerializer(serializers.ModelSerializer):
    owner = MemberUserField()
    task = serializers.PrimaryKeyRelatedField(read_only=True)
    task_status = serializers.CharField(source="task.status", read_only=True, default=None)

    class Meta:
        model = ActionItem
        fields = ["id", "title", "owner", "due_date", "task", "task_status", "created_at"]
        read_only_fields = ["id", "task", "task_status", "created_at"]


class DecisionSerializer(serializers.ModelSerializer):
    class Meta:
        model = Decision
        fields = ["id", "title", "status", "note", "decided_at", "created_at"]
        read_only_fields = ["id", "decided_at", "created_at"]


class MeetingSerializer(serializers.ModelSerializer):
    participants = serializers.SlugRelatedField(slug_field="username", many=True, read_only=True)
    organiser = serializers.CharField(source="organiser.username", read_only=True)
    url = serializers.SerializerMethodField()

    class Meta:
        model = Meeting
        fields = ["id", "team", "series", "kind", "title", "starts_at", "ends_at", "location",
                  "status", "organiser", "participants", "agenda_written_at", "url"]

    def get_url(self, meeting: Meeting) -> str:
        return meeting.get_absolute_url()


class MeetingDetailSerializer(MeetingSerializer):
    agenda = AgendaItemSerializer(source="agenda_items", many=True, read_only=True)
    action_items = ActionItemSerializer(many=True, read_only=True)
    decisions = DecisionSerializer(many=True, read_only=True)

    class Meta(MeetingSerializer.Meta):
        fields = [*MeetingSerializer.Meta.fields, "minutes", "agenda", "action_items",
                  "decisions"]


class MeetingCreateSerializer(serializers.Serializer):
    team = TeamField()
    title = serializers.CharField(max_length=200)
    kind = serializers.ChoiceField(choices=MeetingKind.choices, default=MeetingKind.OTHER)
    starts_at = serializers.DateTimeField()
    duration_minutes = serializers.IntegerField(default=60)
    location = serializers.CharField(required=False, allow_blank=True, default="")
    participants = MemberUserField(many=True, allow_empty=True)


class MinutesSerializer(serializers.Serializer):
    minutes = serializers.CharField(allow_blank=True)


class ICalendarRenderer(BaseRenderer):
    """Lets a client ask for ``Accept: text/calendar``; errors still read as JSON."""

    media_type = "text/calendar"
    format = "ics"
    charset = "utf-8"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        if isinstance(data, bytes | str):
            return data
        return json.dumps(data, ensure_ascii=False).encode()


class MeetingViewSet(NumericLookupMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin,
                     viewsets.GenericViewSet):
    """Meetings of the caller's teams (S3.3.2), each with its generated agenda.

    ``when=upcoming`` (default) or ``past``; the detail carries the agenda
    (each item with its title in the caller's language and the record it
    comes from), minutes, decisions and action items.
    """

    filterset_fields = ["team", "kind", "status", "series"]

    def get_queryset(self):
        if self.action == "list":
            when = self.request.query_params.get("when", "upcoming")
            return meeting_selectors.meeting_list(self.request.user, when=when)
        return meeting_selectors.meetings_visible_to(self.request.user).prefetch_related(
            "participants", "agenda_items__source_type", "action_items__task", "decisions",
        )

    def get_serializer_class(self):
        return MeetingSerializer if self.action == "list" else MeetingDetailSerializer

    @extend_schema(parameters=[OpenApiParameter("when", str, enum=["upcoming", "past"])])
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    @extend_schema(request=MeetingCreateSerializer, responses={201: MeetingDetailSerializer})
    def create(self, request):
        payload = MeetingCreateSerializer(data=request.data, context={"request": request})
        payload.is_valid(raise_exception=True)
        meeting = meeting_services.meeting_create(actor=request.user, **payload.validated_data)
        return Response(MeetingDetailSerializer(meeting).data, status=status.HTTP_201_CREATED)

    def handle_exception(self, exc):
        response = super().handle_exception(exc)
        # An error is JSON, labelled as JSON, even when ``?format=ics`` asked for a calendar.
        self.request.accepted_renderer = JSONRenderer()
        self.request.accepted_media_type = JSONRenderer.media_type
        return response

    @extend_schema(responses={(200, "text/calendar"): OpenApiTypes.BINARY})
    @action(detail=True, methods=["get"], renderer_classes=[JSONRenderer, ICalendarRenderer])
    def ics(self, request, pk=None):
        """The meeting as an iCalendar invitation (``text/calendar``)."""
        meeting = self.get_object()
        body = meetings_ics([meeting], name=meeting.title, absolute=request.build_absolute_uri)
        response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="meeting-{meeting.pk}.ics"'
        return response

    @extend_schema(request=None, responses=MeetingDetailSerializer)
    @action(detail=True, methods=["post"])
    def agenda(self, request, pk=None):
        """Rewrite the agenda from live data (organiser or manager)."""
        meeting = self.get_object()
        meeting_services.meeting_agenda_write(meeting=meeting, actor=request.user)
        return Response(MeetingDetailSerializer(self.get_queryset().get(pk=meeting.pk)).data)

    @extend_schema(request=MinutesSerializer, responses=MeetingDetailSerializer)
    @action(detail=True, methods=["post"])
    def minutes(self, request, pk=None):
        meeting = self.get_object()
        payload = MinutesSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        meeting_services.meeting_minutes_record(actor=request.user, meeting=meeting,
                                                **payload.validated_data)
        return Response(MeetingDetailSerializer(self.get_queryset().get(pk=meeting.pk)).data)

    @extend_schema(request=DecisionSerializer, responses={201: DecisionSerializer})
    @action(detail=True, methods=["post"])
    def decisions(self, request, pk=None):
        meeting = self.get_object()
        payload = DecisionSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = payload.validated_data
        decision = meeting_services.decision_add(
            actor=request.user, meeting=meeting, title=data["title"],
            status=data.get("status", DecisionStatus.PENDING), note=data.get("note", ""),
        )
        return Response(DecisionSerializer(decision).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=ActionItemSerializer, responses={201: ActionItemSerializer})
    @action(detail=True, methods=["post"], url_path="action-items")
    def action_items(self, request, pk=None):
        """Record an action item; it becomes a task for its owner."""
        meeting = self.get_object()
        payload = ActionItemSerializer(data=request.data, context={"request": request})
        payload.is_valid(raise_exception=True)
        item = meeting_services.action_item_add(actor=request.user, meeting=meeting,
                                                **payload.validated_data)
        return Response(ActionItemSerializer(item, context={"request": request}).data,
                        status=status.HTTP_201_CREATED)


class MeetingSeriesSerializer(serializers.ModelSerializer):
    team = TeamField()
    participants = MemberUserField(many=True, allow_empty=True)
    organiser = serializers.CharField(source="organiser.username", read_only=True)

    class Meta:
        model = MeetingSeries
        fields = ["id", "team", "kind", "title", "rrule", "first_starts_at", "duration_minutes",
                  "location", "participants", "organiser", "active"]
        read_only_fields = ["id", "organiser", "active"]
        extra_kwargs = {"duration_minutes": {"min_value": None, "max_value": None}}


class MeetingSeriesViewSet(NumericLookupMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin,
                           viewsets.GenericViewSet):
    """Recurring meetings (weekly team meeting, monthly project review) with an RRULE."""

    serializer_class = MeetingSeriesSerializer
    filterset_fields = ["team", "kind", "active"]

    def get_queryset(self):
        return meeting_selectors.series_visible_to(self.request.user).order_by("team", "title")

    @extend_schema(request=MeetingSeriesSerializer, responses={201: MeetingSeriesSerializer})
    def create(self, request):
        payload = MeetingSeriesSerializer(data=request.data, context={"request": request})
        payload.is_valid(raise_exception=True)
        series = meeting_services.meeting_series_create(actor=request.user,
                                                        **payload.validated_data)
        return Response(MeetingSeriesSerializer(series, context={"request": request}).data,
                        status=status.HTTP_201_CREATED)


class CalendarFeedSerializer(serializers.Serializer):
    url = serializers.CharField()
    rotated_at = serializers.DateTimeField()


class CalendarFeedViewSet(viewsets.ViewSet):
    """The caller's calendar feed address (secret); POST ``rotate/`` replaces it."""

    schema = _SingleObjectSchema()

    def _answer(self, request, feed):
        url = request.build_absolute_uri(reverse("teams:calendar_feed", args=[feed.token]))
        return Response({"url": url, "rotated_at": feed.rotated_at})

    @extend_schema(responses=CalendarFeedSerializer)
    def list(self, request):
        return self._answer(request, meeting_services.calendar_feed_for(request.user))

    @extend_schema(request=None, responses=CalendarFeedSerializer)
    @action(detail=False, methods=["post"])
    def rotate(self, request):
        return self._answer(request, meeting_services.calendar_feed_rotate(user=request.user))


# --- training ---------------------------------------------------------------------------------


class AttendanceSerializer(serializers.ModelSerializer):
    username = serializers.CharField(source="membership.user.username", read_only=True)

    class Meta:
        model = TrainingAttendance
        fields = ["id", "membership", "username", "attended", "score", "assessed_level",
                  "recorded_at"]
        read_only_fields = fields


class AttendanceRecordSerializer(serializers.Serializer):
    attended = serializers.BooleanField()
    score = serializers.IntegerField(required=False, allow_null=True, default=None)
    level = serializers.IntegerField(required=False, allow_null=True, default=None,
                                     help_text="The re-assessed level (1–5) in the plan's skill")


class TrainingSessionSerializer(serializers.ModelSerializer):
    attendance = AttendanceSerializer(many=True, read_only=True)
    trainer = MemberUserField(required=False, allow_null=True)
    invitees = VisibleMembershipField(many=True, write_only=True, required=False)

    class Meta:
        model = TrainingSession
        fields = ["id", "title", "starts_at", "ends_at", "location", "trainer", "invitees",
                  "attendance"]
        read_only_fields = ["id", "attendance"]


class TrainingPlanSerializer(serializers.ModelSerializer):
    team = TeamField()
    sessions = TrainingSessionSerializer(many=True, read_only=True)

    class Meta:
        model = TrainingPlan
        fields = ["id", "team", "title", "topic", "format", "skill", "content", "starts_on",
                  "ends_on", "sessions", "created_at"]
        read_only_fields = ["id", "sessions", "created_at"]


class TrainingPlanViewSet(NumericLookupMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin,
                          viewsets.GenericViewSet):
    """Training plans (content, time, format) with sessions and attendance (S3.3.3)."""

    serializer_class = TrainingPlanSerializer
    filterset_fields = ["team", "topic", "format", "skill"]

    def get_queryset(self):
        return selectors.scope_to_user_teams(
            TrainingPlan.objects.select_related("team").prefetch_related(
                "sessions__attendance__membership__user", "sessions__trainer"
            ),
            self.request.user,
        ).order_by("-starts_on", "-id")

    @extend_schema(request=TrainingPlanSerializer, responses={201: TrainingPlanSerializer})
    def create(self, request):
        payload = TrainingPlanSerializer(data=request.data, context={"request": request})
        payload.is_valid(raise_exception=True)
        data = dict(payload.validated_data)
        plan = training_services.training_plan_create(actor=request.user, **data)
        return Response(TrainingPlanSerializer(plan, context={"request": request}).data,
                        status=status.HTTP_201_CREATED)

    @extend_schema(request=TrainingSessionSerializer, responses={201: TrainingSessionSerializer})
    @action(detail=True, methods=["post"])
    def sessions(self, request, pk=None):
        plan = self.get_object()
        payload = TrainingSessionSerializer(data=request.data, context={"request": request})
        payload.is_valid(raise_exception=True)
        data = dict(payload.validated_data)
        session = training_services.training_session_add(
            actor=request.user, plan=plan, invitees=data.pop("invitees", []), **data
        )
        return Response(TrainingSessionSerializer(session, context={"request": request}).data,
                        status=status.HTTP_201_CREATED)


class TrainingAttendanceViewSet(NumericLookupMixin, viewsets.GenericViewSet):
    """Record one invitee's attendance, score and re-assessed level."""

    serializer_class = AttendanceSerializer

    def get_queryset(self):
        return selectors.scope_to_user_teams(
            TrainingAttendance.objects.select_related("session__plan__team", "membership__user"),
            self.request.user, team_field="session__plan__team",
        )

    @extend_schema(request=AttendanceRecordSerializer, responses=AttendanceSerializer)
    @action(detail=True, methods=["post"])
    def record(self, request, pk=None):
        attendance = self.get_object()
        payload = AttendanceRecordSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        training_services.attendance_record(actor=request.user, attendance=attendance,
                                            **payload.validated_data)
        return Response(AttendanceSerializer(attendance).data)


# --- notifications ------------------------------------------------------------------------------


class NotificationSerializer(serializers.ModelSerializer):
    message = serializers.CharField(read_only=True)
    target = serializers.SerializerMethodField()

    class Meta:
        model = Notification
        fields = ["id", "kind", "message", "target", "created_at", "read_at"]
        read_only_fields = fields

    @extend_schema_field(_SOURCE_SCHEMA)
    def get_target(self, notification: Notification) -> dict | None:
        return _source_of(notification.target_type, notification.target_id, notification.url)


class NotificationViewSet(NumericLookupMixin, mixins.ListModelMixin, viewsets.GenericViewSet):
    """The caller's own notifications, newest first (``unread=true`` for unread only)."""

    serializer_class = NotificationSerializer
    filterset_fields = ["kind"]

    def get_queryset(self):
        unread = self.request.query_params.get("unread") in ("1", "true")
        return notification_selectors.notifications_for(
            self.request.user, unread_only=unread
        ).select_related("target_type")

    @extend_schema(request=None, responses=NotificationSerializer)
    @action(detail=True, methods=["post"])
    def read(self, request, pk=None):
        notification = self.get_object()
        notification_services.notification_mark_read(user=request.user, notification=notification)
        return Response(NotificationSerializer(notification).data)

    @extend_schema(request=None, responses=inline_serializer(
        "NotificationsMarkedRead", {"marked": serializers.IntegerField()}))
    @action(detail=False, methods=["post"], url_path="read-all")
    def read_all(self, request):
        count = notification_services.notifications_mark_all_read(user=request.user)
        return Response({"marked": count})


class NotificationSettingsSerializer(serializers.Serializer):
    email_kinds = serializers.ListField(
        child=serializers.ChoiceField(choices=NotificationKind.choices),
        help_text="Kinds also sent by e-mail, in one digest a day at most",
    )


class NotificationSettingsViewSet(viewsets.ViewSet):
    """Which notifications also come by e-mail; POST replaces the choice."""

    schema = _SingleObjectSchema()

    @extend_schema(responses=NotificationSettingsSerializer)
    def list(self, request):
        return Response({"email_kinds": notification_selectors.email_kinds_of(request.user)})

    @extend_schema(request=NotificationSettingsSerializer,
                   responses={200: NotificationSettingsSerializer})
    def create(self, request):
        payload = NotificationSettingsSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        row = notification_services.notification_settings_set(user=request.user,
                                                               **payload.validated_data)
        return Response({"email_kinds": row.email_kinds})



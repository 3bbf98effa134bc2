from django.core.exceptions import PermissionDenied
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from . import selectors, services
from .models import Membership, Task, TaskStatus, Team


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


class TaskSerializer(serializers.ModelSerializer):
    owner = serializers.CharField(source="owner.username", read_only=True)
    team = serializers.PrimaryKeyRelatedField(read_only=True)
    source = serializers.SerializerMethodField()

    class Meta:
        model = Task
        fields = [
            "id", "team", "title", "description", "owner", "due_date", "status",
            "source", "created_at", "completed_at",
        ]
        read_only_fields = [f for f in fields if f != "status"]

    def get_source(self, task: Task) -> dict | None:
        if task.source_type_id is None:
            return None
        return {"type": f"{task.source_type.app_label}.{task.source_type.model}", "id": task.source_id}


class TaskStatusSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=TaskStatus.choices)


class TaskViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """The caller's tasks ("my tasks")."""

    serializer_class = TaskSerializer
    filterset_fields = ["status", "team"]
    ordering_fields = ["due_date", "created_at"]

    def get_queryset(self):
        return selectors.tasks_for_owner(self.request.user, status=None).select_related("owner")

    @extend_schema(request=TaskStatusSerializer, responses=TaskSerializer)
    @action(detail=True, methods=["post"])
    def status(self, request, pk=None):
        task = self.get_object()
        payload = TaskStatusSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        try:
            services.task_set_status(actor=request.user, task=task, status=payload.validated_data["status"])
        except PermissionDenied:
            raise
        return Response(TaskSerializer(task).data)


class MeSerializer(serializers.Serializer):
    username = serializers.CharField()
    roles = serializers.ListField(child=serializers.CharField())
    sees_all_teams = serializers.BooleanField()


class _SingleObjectSchema(AutoSchema):
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

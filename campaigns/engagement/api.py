"""API of the inbox, activities and segments (S2.3.2): the same services as the pages."""

from __future__ import annotations

import datetime

from django.http import Http404, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_field,
    inline_serializer,
)
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response

from campaigns.content.models import ContentItem
from campaigns.planning.models import Campaign
from compliance.risk.models import SentimentLabel
from platforms.models import Platform, PlatformAccount, error_summary
from teams.doors import NumericLookupMixin, TeamField, get_or_404
from teams.selectors import scope_to_user_teams

from . import draw, selectors, services
from .models import (
    Interaction,
    InteractionKind,
    InteractionReply,
    InteractionStatus,
    Lottery,
    LotteryStatus,
    Poll,
    Priority,
    Question,
    ReplyStatus,
    ReplyTemplate,
    Segment,
    SegmentRule,
    SegmentStrategy,
)

MAX_FILE_BYTES = 5 * 1024 * 1024


class ScopedRelatedField(serializers.PrimaryKeyRelatedField):
    """A related row the user can see; others are "does not exist" (no existence leak)."""

    def __init__(self, *, scoped_model, **kwargs):
        self.scoped_model = scoped_model
        super().__init__(**kwargs)

    def get_queryset(self):
        return scope_to_user_teams(self.scoped_model.objects.all(), self.context["request"].user)


@extend_schema_field(OpenApiTypes.INT)
class CampaignField(ScopedRelatedField):
    def __init__(self, **kwargs):
        super().__init__(scoped_model=Campaign, **kwargs)


@extend_schema_field(OpenApiTypes.INT)
class ContentItemField(ScopedRelatedField):
    def __init__(self, **kwargs):
        super().__init__(scoped_model=ContentItem, **kwargs)


@extend_schema_field(OpenApiTypes.INT)
class TemplateField(ScopedRelatedField):
    def __init__(self, **kwargs):
        super().__init__(scoped_model=ReplyTemplate, **kwargs)


@extend_schema_field(OpenApiTypes.INT)
class InteractionField(ScopedRelatedField):
    def __init__(self, **kwargs):
        super().__init__(scoped_model=Interaction, **kwargs)


@extend_schema_field(OpenApiTypes.INT)
class AccountField(ScopedRelatedField):
    def __init__(self, **kwargs):
        super().__init__(scoped_model=PlatformAccount, **kwargs)


@extend_schema_field(OpenApiTypes.INT)
class MemberField(serializers.PrimaryKeyRelatedField):
    """A user in one of the teams the requester sees (the service checks the team)."""

    def get_queryset(self):
        return selectors.team_members(selectors.visible_team_ids(self.context["request"].user))


class PlatformCodeField(serializers.SlugRelatedField):
    def __init__(self, **kwargs):
        super().__init__(slug_field="code", queryset=Platform.objects.all(), **kwargs)


def _file_size_ok(upload) -> None:
    if upload.size > MAX_FILE_BYTES:
        raise serializers.ValidationError({"file": [_("The file is larger than 5 MB.")]})


# --- interactions ---------------------------------------------------------------------


class ReplySerializer(serializers.ModelSerializer):
    author = serializers.CharField(source="author.username", read_only=True)
    summary = serializers.SerializerMethodField(
        help_text="What happened, in the reader's language: sent, window closed (the "
                  "platform's 48-hour rule, not a failure) or why it failed.",
    )

    class Meta:
        model = InteractionReply
        fields = ["id", "text", "status", "author", "template", "external_id", "error_kind",
                  "error_code", "sent_at", "summary"]

    def get_summary(self, reply) -> str:
        if reply.status == ReplyStatus.SENT:
            return _("Reply sent.")
        if reply.status == ReplyStatus.WINDOW_CLOSED:
            return _("Window closed: the platform accepts customer-service replies only within "
                     "48 hours of the user's last message.")
        return error_summary(reply.error_kind, reply.error_code)


class NoteSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    author = serializers.CharField(source="author.username", default=None, read_only=True)
    text = serializers.CharField(max_length=5000)
    created_at = serializers.DateTimeField(read_only=True)


class InteractionSerializer(serializers.ModelSerializer):
    account = serializers.IntegerField(source="account_id", read_only=True)
    platform = serializers.CharField(source="account.platform.code", read_only=True)
    assignee = serializers.CharField(source="assignee.username", default=None, read_only=True,
                                     allow_null=True)
    overdue = serializers.BooleanField(source="is_overdue", read_only=True)
    last_reply_status = serializers.CharField(
        read_only=True, help_text="Status of the latest reply: sent, failed, window_closed or ''."
    )

    class Meta:
        model = Interaction
        fields = ["id", "team", "account", "platform", "kind", "external_id", "post_ref",
                  "author_name", "author_ref", "text", "occurred_at", "sentiment_score",
                  "sentiment_label", "status", "priority", "tags", "assignee", "campaign",
                  "publication", "response_due_at", "first_response_at", "overdue",
                  "resolved_at", "last_reply_status"]
        read_only_fields = fields


class InteractionDetailSerializer(InteractionSerializer):
    replies = ReplySerializer(many=True, read_only=True)
    notes = NoteSerializer(many=True, read_only=True)

    class Meta(InteractionSerializer.Meta):
        fields = [*InteractionSerializer.Meta.fields, "replies", "notes"]
        read_only_fields = fields


class TriageSerializer(serializers.Serializer):
    priority = serializers.ChoiceField(Priority.choices, required=False)
    tags = serializers.ListField(child=serializers.CharField(max_length=30), required=False,
                                 max_length=10)


class AssignSerializer(serializers.Serializer):
    assignee = MemberField(allow_null=True, help_text="A member of the interaction's team; null: nobody.")


class ReplyRequestSerializer(serializers.Serializer):
    text = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")
    template = TemplateField(required=False, allow_null=True, default=None)
    resolve = serializers.BooleanField(required=False, default=False)


class InteractionStatusSerializer(serializers.Serializer):
    status = serializers.ChoiceField(InteractionStatus.choices)


INBOX_PARAMETERS = [
    OpenApiParameter("status", str, enum=[*InteractionStatus.values, "open"],
                     description="open = new and pending."),
    OpenApiParameter("account", int),
    OpenApiParameter("assignee", int, description="A user id; 0 = unassigned."),
    OpenApiParameter("sentiment", str, enum=SentimentLabel.values),
    OpenApiParameter("kind", str, enum=InteractionKind.values),
    OpenApiParameter("overdue", bool, description="Only unanswered items past their deadline."),
    OpenApiParameter("segment", int, description="Only items whose author is in this segment."),
    OpenApiParameter("team", int),
    OpenApiParameter("campaign", int),
]


def _int(value: str | None) -> int | None:
    return int(value) if value is not None and value.isdigit() else None


class InteractionViewSet(NumericLookupMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin,
                         viewsets.GenericViewSet):
    """The interaction inbox of the user's teams (S2.3.2(1)).

    Replying goes through the account's connector once; the answer records what
    happened (``status`` sent, failed or window_closed). Another team's
    interaction is a 404.
    """

    serializer_class = InteractionSerializer
    filter_backends: list = []

    def get_queryset(self):
        params = self.request.query_params
        if self.action != "list":
            return selectors.interactions_for(self.request.user)
        status = params.get("status", "")
        return selectors.inbox(self.request.user, selectors.InboxFilters(
            status=status if status in (*InteractionStatus.values, selectors.OPEN) else "",
            account=_int(params.get("account")),
            assignee=_int(params.get("assignee")),
            sentiment=params.get("sentiment", "") if params.get("sentiment") in SentimentLabel.values else "",
            overdue=params.get("overdue") in ("1", "true", "on"),
            segment=_int(params.get("segment")),
            team=_int(params.get("team")),
            kind=params.get("kind", "") if params.get("kind") in InteractionKind.values else "",
            campaign=_int(params.get("campaign")),
        ))

    @extend_schema(parameters=INBOX_PARAMETERS)
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    def _get(self, pk) -> Interaction:
        return get_or_404(selectors.interaction_get, self.request.user, pk)

    def _detail(self, pk) -> Response:
        return Response(InteractionDetailSerializer(self._get(pk)).data)

    @extend_schema(responses=InteractionDetailSerializer)
    def retrieve(self, request, pk=None):
        return self._detail(pk)

    @extend_schema(request=TriageSerializer, responses=InteractionDetailSerializer)
    def partial_update(self, request, pk=None):
        """Set priority and/or tags."""
        interaction = self._get(pk)
        serializer = TriageSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.interaction_triage(actor=request.user, interaction=interaction,
                                    **serializer.validated_data)
        return self._detail(pk)

    @extend_schema(request=AssignSerializer, responses=InteractionDetailSerializer)
    @action(detail=True, methods=["post"])
    def assign(self, request, pk=None):
        interaction = self._get(pk)
        serializer = AssignSerializer(data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        services.interaction_assign(actor=request.user, interaction=interaction,
                                    assignee=serializer.validated_data["assignee"])
        return self._detail(pk)

    @extend_schema(request=ReplyRequestSerializer, responses={201: ReplySerializer})
    @action(detail=True, methods=["post"])
    def reply(self, request, pk=None):
        """Reply through the connector (text, or a template of the team; variables filled).

        201 with the recorded reply whatever the platform said: read its
        ``status`` (sent / failed / window_closed) and ``summary``.
        """
        interaction = self._get(pk)
        serializer = ReplyRequestSerializer(data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        reply = services.interaction_reply(actor=request.user, interaction=interaction,
                                           **serializer.validated_data)
        return Response(ReplySerializer(reply).data, status=201)

    @extend_schema(request=NoteSerializer, responses={201: NoteSerializer})
    @action(detail=True, methods=["post"])
    def note(self, request, pk=None):
        interaction = self._get(pk)
        serializer = NoteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        note = services.interaction_note_add(actor=request.user, interaction=interaction,
                                             text=serializer.validated_data["text"])
        return Response(NoteSerializer(note).data, status=201)

    @extend_schema(request=None, responses=InteractionDetailSerializer)
    @action(detail=True, methods=["post"])
    def resolve(self, request, pk=None):
        services.interaction_set_status(actor=request.user, interaction=self._get(pk),
                                        status=InteractionStatus.RESOLVED)
        return self._detail(pk)

    @extend_schema(request=InteractionStatusSerializer, responses=InteractionDetailSerializer)
    @action(detail=True, methods=["post"])
    def status(self, request, pk=None):
        interaction = self._get(pk)  # an outsider's 404 comes before any body is read
        serializer = InteractionStatusSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.interaction_set_status(actor=request.user, interaction=interaction,
                                        status=serializer.validated_data["status"])
        return self._detail(pk)

    @extend_schema(
        parameters=[OpenApiParameter("team", int, required=True),
                    OpenApiParameter("since", OpenApiTypes.DATE),
                    OpenApiParameter("until", OpenApiTypes.DATE)],
        responses=inline_serializer(name="FirstResponseReport", many=True, fields={
            "member": serializers.CharField(),
            "answered": serializers.IntegerField(),
            "within_target": serializers.IntegerField(),
            "in_hours": inline_serializer(name="FirstResponseGroupIn", fields={
                "count": serializers.IntegerField(),
                "median_minutes": serializers.FloatField(allow_null=True),
                "p90_minutes": serializers.FloatField(allow_null=True)}),
            "out_of_hours": inline_serializer(name="FirstResponseGroupOut", fields={
                "count": serializers.IntegerField(),
                "median_minutes": serializers.FloatField(allow_null=True),
                "p90_minutes": serializers.FloatField(allow_null=True)}),
        }),
    )
    @action(detail=False, methods=["get"], pagination_class=None)
    def report(self, request):
        """First-response time per member, received inside / outside working hours
        (elapsed minutes; median and nearest-rank 90th percentile), last 30 days by default."""
        team_id = _int(request.query_params.get("team"))
        policies = {p.team.pk: p for p in selectors.response_policies_for(request.user)}
        if team_id not in policies:
            raise Http404
        team = policies[team_id].team
        today = timezone.localdate()
        try:
            since = datetime.date.fromisoformat(request.query_params.get("since") or
                                                str(today - datetime.timedelta(days=30)))
            until = datetime.date.fromisoformat(request.query_params.get("until") or str(today))
        except ValueError as exc:
            raise serializers.ValidationError({"since": [_("Enter dates as 2025-03-01.")]}) from exc
        rows = selectors.first_response_report(
            team, since=datetime.datetime.combine(since, datetime.time(), tzinfo=team.zone),
            until=datetime.datetime.combine(until + datetime.timedelta(days=1), datetime.time(),
                                            tzinfo=team.zone),
        )
        return Response([
            {"member": r.member.get_username(), "answered": r.answered,
             "within_target": r.within_target,
             "in_hours": vars(r.in_hours), "out_of_hours": vars(r.out_of_hours)}
            for r in rows
        ])


# --- reply templates and the response policy ----------------------------------------------


class ReplyTemplateSerializer(serializers.ModelSerializer):
    team = TeamField()

    class Meta:
        model = ReplyTemplate
        fields = ["id", "team", "name", "body", "created_at"]
        read_only_fields = ["id", "created_at"]


class ReplyTemplateUpdateSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=120, required=False)
    body = serializers.CharField(max_length=2000, required=False)


class ReplyTemplateViewSet(NumericLookupMixin, viewsets.ModelViewSet):
    """Saved replies; variables {nickname}, {campaign}, {account} are filled when sending."""

    serializer_class = ReplyTemplateSerializer
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]
    filterset_fields = ["team"]

    def get_queryset(self):
        return selectors.reply_templates_for(self.request.user)

    def perform_create(self, serializer):
        serializer.instance = services.reply_template_create(
            actor=self.request.user, **serializer.validated_data)

    @extend_schema(request=ReplyTemplateUpdateSerializer, responses=ReplyTemplateSerializer)
    def partial_update(self, request, pk=None):
        template = get_or_404(selectors.reply_template_get, request.user, pk)
        serializer = ReplyTemplateUpdateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.reply_template_update(actor=request.user, template=template,
                                       **serializer.validated_data)
        return Response(ReplyTemplateSerializer(template, context={"request": request}).data)

    def destroy(self, request, pk=None):
        template = get_or_404(selectors.reply_template_get, request.user, pk)
        services.reply_template_delete(actor=request.user, template=template)
        return Response(status=204)


class ResponsePolicySerializer(serializers.Serializer):
    team = TeamField()
    first_response_minutes = serializers.IntegerField(min_value=1, max_value=20160)
    working_days = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=7), allow_empty=False,
        help_text="ISO weekdays, 1 = Monday.",
    )
    work_starts = serializers.TimeField()
    work_ends = serializers.TimeField()
    is_default = serializers.SerializerMethodField()
    time_zone = serializers.CharField(source="team.time_zone", read_only=True)

    def get_is_default(self, policy) -> bool:
        return policy.pk is None


class ResponsePolicyViewSet(viewsets.ViewSet):
    """First-response target per team, in its working hours (default: 120 minutes,
    Mon–Fri 09:00–18:00 on the team's clock). POST sets a team's policy (managers)."""

    serializer_class = ResponsePolicySerializer

    @extend_schema(responses=ResponsePolicySerializer(many=True))
    def list(self, request):
        policies = selectors.response_policies_for(request.user)
        return Response(ResponsePolicySerializer(policies, many=True,
                                                 context={"request": request}).data)

    @extend_schema(request=ResponsePolicySerializer, responses=ResponsePolicySerializer)
    def create(self, request):
        serializer = ResponsePolicySerializer(data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        policy = services.response_policy_save(actor=request.user, **serializer.validated_data)
        return Response(ResponsePolicySerializer(policy, context={"request": request}).data)


# --- lotteries ---------------------------------------------------------------------------


class PrizeSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=100)
    count = serializers.IntegerField(min_value=1, max_value=10000)
    value_cny = serializers.DecimalField(max_digits=14, decimal_places=2, required=False,
                                         allow_null=True, min_value=0)


class LotterySerializer(serializers.ModelSerializer):
    platform = serializers.CharField(source="platform.code", default=None, read_only=True)
    entrant_count = serializers.IntegerField(read_only=True)
    seed = serializers.SerializerMethodField(
        help_text="Published with the draw; null until then (only its commitment is known).")

    class Meta:
        model = Lottery
        fields = ["id", "team", "campaign", "item", "platform", "title", "rules", "prizes",
                  "entries_open_at", "entries_close_at", "draw_at", "status", "commitment",
                  "entrant_list_hash", "entries_closed_at", "beacon", "winners", "drawn_at",
                  "consent_purpose", "entrant_count", "seed"]
        read_only_fields = fields

    def get_seed(self, lottery) -> str | None:
        return lottery.seed if lottery.status == LotteryStatus.DRAWN else None


class LotteryWriteSerializer(serializers.Serializer):
    campaign = CampaignField()
    item = ContentItemField(required=False, allow_null=True, default=None)
    platform = PlatformCodeField(required=False, allow_null=True, default=None)
    title = serializers.CharField(max_length=200, allow_blank=True)
    rules = serializers.CharField(max_length=10000, allow_blank=True)
    prizes = PrizeSerializer(many=True, required=False, default=list)
    entries_open_at = serializers.DateTimeField(required=False, allow_null=True, default=None)
    entries_close_at = serializers.DateTimeField(required=False, allow_null=True, default=None)
    draw_at = serializers.DateTimeField(required=False, allow_null=True, default=None)
    consent_purpose = serializers.CharField(max_length=200, required=False, allow_blank=True,
                                            default="")

    def to_internal_value(self, data):
        values = super().to_internal_value(data)
        values["prizes"] = [
            {**p, "value_cny": "" if p.get("value_cny") is None else str(p["value_cny"])}
            for p in values.get("prizes") or []
        ]
        return values


class EntrantsFileSerializer(serializers.Serializer):
    file = serializers.FileField(help_text="CSV with the columns entrant_id and display_name.")


class EntrantsAddedSerializer(serializers.Serializer):
    added = serializers.IntegerField()
    already_entered = serializers.IntegerField()
    refused = serializers.ListField(
        child=serializers.CharField(),
        help_text="Commenters not entered: no active consent for the lottery's purpose.")


class EntrantSerializer(serializers.Serializer):
    entrant_id = serializers.CharField()
    display_name = serializers.CharField()
    source = serializers.CharField()
    entered_at = serializers.DateTimeField()


class BeaconSerializer(serializers.Serializer):
    beacon = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")


class LotteryReasonSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=500)


PROOF_SCHEMA = inline_serializer(name="LotteryProof", fields={
    "algorithm": serializers.CharField(default=draw.ALGORITHM),
    "seed": serializers.CharField(),
    "commitment": serializers.CharField(),
    "beacon": serializers.CharField(),
    "entrants": serializers.ListField(child=serializers.CharField()),
    "entrant_list_hash": serializers.CharField(),
    "prizes": serializers.IntegerField(),
    "winners": serializers.ListField(child=serializers.CharField()),
})


class LotteryViewSet(NumericLookupMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin,
                     viewsets.GenericViewSet):
    """Lotteries anyone can check (algorithm hmac-sha256-fisher-yates-v1, docs/engagement.md).

    Create states rules, prizes and times (checked against the platform's rules);
    then open, add entrants (file or commenters; each with a consent), close
    (fixes the entrant list hash), draw (with an optional public beacon) and
    read the proof.
    """

    serializer_class = LotterySerializer
    filterset_fields = ["status", "campaign"]

    def get_queryset(self):
        return selectors.lotteries_for(self.request.user)

    def _get(self, pk) -> Lottery:
        return get_or_404(selectors.lottery_get, self.request.user, pk)

    def _detail(self, pk, status=200) -> Response:
        return Response(LotterySerializer(self._get(pk)).data, status=status)

    @extend_schema(request=LotteryWriteSerializer, responses={201: LotterySerializer})
    def create(self, request):
        serializer = LotteryWriteSerializer(data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        lottery = services.lottery_create(actor=request.user, **serializer.validated_data)
        return self._detail(lottery.pk, status=201)

    @extend_schema(request=None, responses=LotterySerializer)
    @action(detail=True, methods=["post"])
    def open(self, request, pk=None):
        services.lottery_open(actor=request.user, lottery=self._get(pk))
        return self._detail(pk)

    @extend_schema(methods=["get"], responses=EntrantSerializer(many=True))
    @extend_schema(methods=["post"], request={"multipart/form-data": EntrantsFileSerializer},
                   responses=EntrantsAddedSerializer)
    # The default parsers (the safe JSON parser among them): a JSON body nested
    # thousands deep is a 400 here as on every other endpoint.
    @action(detail=True, methods=["get", "post"])
    def entrants(self, request, pk=None):
        """GET the entrants; POST a CSV file of entrants (all or nothing)."""
        lottery = self._get(pk)
        if request.method == "GET":
            rows = lottery.entrants.order_by("entrant_id")
            page = self.paginate_queryset(rows)
            return self.get_paginated_response(EntrantSerializer(page, many=True).data)
        serializer = EntrantsFileSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        _file_size_ok(serializer.validated_data["file"])
        result = services.lottery_entrants_import(
            actor=request.user, lottery=lottery, upload=serializer.validated_data["file"])
        return Response({"added": result.added, "already_entered": result.already_entered,
                         "refused": list(result.refused)})

    @extend_schema(request=None, responses=EntrantsAddedSerializer)
    @action(detail=True, methods=["post"])
    def collect(self, request, pk=None):
        """Enter the commenters of the entry period who consented."""
        result = services.lottery_entrants_collect(actor=request.user, lottery=self._get(pk))
        return Response({"added": result.added, "already_entered": result.already_entered,
                         "refused": list(result.refused)})

    @extend_schema(request=None, responses=LotterySerializer)
    @action(detail=True, methods=["post"])
    def close(self, request, pk=None):
        services.lottery_close(actor=request.user, lottery=self._get(pk))
        return self._detail(pk)

    @extend_schema(request=BeaconSerializer, responses=LotterySerializer)
    @action(detail=True, methods=["post"])
    def draw(self, request, pk=None):
        serializer = BeaconSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.lottery_draw(actor=request.user, lottery=self._get(pk),
                              beacon=serializer.validated_data["beacon"])
        return self._detail(pk)

    @extend_schema(request=LotteryReasonSerializer, responses=LotterySerializer)
    @action(detail=True, methods=["post"])
    def cancel(self, request, pk=None):
        lottery = self._get(pk)  # an outsider's 404 comes before any body is read
        serializer = LotteryReasonSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.lottery_cancel(actor=request.user, lottery=lottery,
                                reason=serializer.validated_data["reason"])
        return self._detail(pk)

    @extend_schema(responses={200: PROOF_SCHEMA, 404: OpenApiResponse(description="Not drawn yet.")})
    @action(detail=True, methods=["get"])
    def proof(self, request, pk=None):
        """The proof file exactly as published (check it with ``manage.py verify_draw``)."""
        lottery = self._get(pk)
        if not lottery.proof:
            raise Http404
        return HttpResponse(draw.proof_json(lottery.proof), content_type="application/json")


# --- polls and Q&A ---------------------------------------------------------------------------


class PollOptionSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    label = serializers.CharField()
    votes = serializers.IntegerField(source="vote_count")


class PollSerializer(serializers.ModelSerializer):
    options = PollOptionSerializer(many=True, read_only=True)
    votes = serializers.IntegerField(source="vote_total", read_only=True)

    class Meta:
        model = Poll
        fields = ["id", "team", "campaign", "item", "title", "opens_at", "closes_at", "options",
                  "votes"]
        read_only_fields = fields


class PollWriteSerializer(serializers.Serializer):
    campaign = CampaignField()
    item = ContentItemField(required=False, allow_null=True, default=None)
    title = serializers.CharField(max_length=200, allow_blank=True)
    options = serializers.ListField(child=serializers.CharField(max_length=200), max_length=20)
    opens_at = serializers.DateTimeField()
    closes_at = serializers.DateTimeField()


class VoteSerializer(serializers.Serializer):
    option = serializers.IntegerField()
    participant = serializers.CharField(max_length=200, help_text="The voter's platform id.")


class PollViewSet(NumericLookupMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin,
                  viewsets.GenericViewSet):
    """Polls with their counts; one vote per participant, none after voting closes."""

    serializer_class = PollSerializer
    filterset_fields = ["campaign"]

    def get_queryset(self):
        return selectors.polls_for(self.request.user)

    def _get(self, pk) -> Poll:
        return get_or_404(selectors.poll_get, self.request.user, pk)

    @extend_schema(request=PollWriteSerializer, responses={201: PollSerializer})
    def create(self, request):
        serializer = PollWriteSerializer(data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        poll = services.poll_create(actor=request.user, **serializer.validated_data)
        return Response(PollSerializer(self._get(poll.pk)).data, status=201)

    @extend_schema(request=VoteSerializer, responses={201: PollSerializer})
    @action(detail=True, methods=["post"])
    def vote(self, request, pk=None):
        poll = self._get(pk)
        serializer = VoteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        option = next((o for o in poll.options.all()
                       if o.pk == serializer.validated_data["option"]), None)
        if option is None:
            raise serializers.ValidationError({"option": [_("Choose one of this poll's options.")]})
        services.poll_vote(actor=request.user, poll=poll, option=option,
                           participant_ref=serializer.validated_data["participant"])
        return Response(PollSerializer(self._get(pk)).data, status=201)

    @extend_schema(request=None, responses=PollSerializer)
    @action(detail=True, methods=["post"])
    def close(self, request, pk=None):
        services.poll_close(actor=request.user, poll=self._get(pk))
        return Response(PollSerializer(self._get(pk)).data)


class QuestionSerializer(serializers.ModelSerializer):
    answered_by = serializers.CharField(source="answered_by.username", default=None, read_only=True)

    class Meta:
        model = Question
        fields = ["id", "team", "item", "interaction", "asked_by", "question", "answer",
                  "answered_by", "answered_at", "is_published", "created_at"]
        read_only_fields = fields


class QuestionWriteSerializer(serializers.Serializer):
    item = ContentItemField()
    question = serializers.CharField(max_length=5000, required=False, allow_blank=True, default="")
    asked_by = serializers.CharField(max_length=120, required=False, allow_blank=True, default="")
    interaction = InteractionField(required=False, allow_null=True, default=None,
                                   help_text="Take the question from this comment.")


class AnswerSerializer(serializers.Serializer):
    answer = serializers.CharField(max_length=5000)
    publish = serializers.BooleanField(required=False, default=False)


class QuestionViewSet(NumericLookupMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin,
                      viewsets.GenericViewSet):
    """Questions under content and the team's answers (Q&A)."""

    serializer_class = QuestionSerializer
    filterset_fields = ["item"]

    def get_queryset(self):
        return selectors.questions_for(self.request.user)

    @extend_schema(request=QuestionWriteSerializer, responses={201: QuestionSerializer})
    def create(self, request):
        serializer = QuestionWriteSerializer(data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        question = services.question_create(actor=request.user, **serializer.validated_data)
        return Response(QuestionSerializer(question).data, status=201)

    @extend_schema(request=AnswerSerializer, responses=QuestionSerializer)
    @action(detail=True, methods=["post"])
    def answer(self, request, pk=None):
        question = get_or_404(selectors.question_get, request.user, pk)
        serializer = AnswerSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.question_answer(actor=request.user, question=question,
                                 **serializer.validated_data)
        return Response(QuestionSerializer(question).data)


# --- segments and the audience ----------------------------------------------------------------


class SegmentSerializer(serializers.ModelSerializer):
    members = serializers.SerializerMethodField(help_text="How many people match the rule now.")

    class Meta:
        model = Segment
        fields = ["id", "team", "name", "rule", "days", "min_orders", "min_spend", "campaign",
                  "strategy", "template", "members", "created_at"]
        read_only_fields = fields

    def get_members(self, segment) -> int:
        return self.context.get("counts", {}).get(segment.pk, 0)


class SegmentWriteSerializer(serializers.Serializer):
    team = TeamField()
    name = serializers.CharField(max_length=120, allow_blank=True)
    rule = serializers.ChoiceField(SegmentRule.choices)
    days = serializers.IntegerField(required=False, allow_null=True, default=None, min_value=1)
    min_orders = serializers.IntegerField(required=False, allow_null=True, default=None,
                                          min_value=0)
    min_spend = serializers.DecimalField(max_digits=14, decimal_places=2, required=False,
                                         allow_null=True, default=None, min_value=0)
    campaign = CampaignField(required=False, allow_null=True, default=None)
    strategy = serializers.ChoiceField(SegmentStrategy.choices)
    template = TemplateField(required=False, allow_null=True, default=None)


class SegmentUpdateSerializer(SegmentWriteSerializer):
    team = None

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.required = False


class SegmentMemberSerializer(serializers.Serializer):
    account = serializers.IntegerField(source="account_id")
    platform = serializers.CharField(source="account.platform.code")
    platform_user_id = serializers.CharField(source="external_ref")
    nickname = serializers.CharField()


class AudienceImportSerializer(serializers.Serializer):
    account = AccountField()
    file = serializers.FileField(
        help_text="CSV: platform_user_id, nickname, followed_at, orders, total_spend, last_order_at.")


class SegmentViewSet(NumericLookupMixin, viewsets.ModelViewSet):
    """Audience segments by rule (computed in SQL) with counts and a strategy; members
    and a CSV export carry the nickname and platform id only."""

    serializer_class = SegmentSerializer
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]
    filterset_fields = ["team", "rule"]

    def get_queryset(self):
        return selectors.segments_for(self.request.user)

    def _get(self, pk) -> Segment:
        return get_or_404(selectors.segment_get, self.request.user, pk)

    def _one(self, segment: Segment, status=200) -> Response:
        counts = selectors.segment_counts([segment])
        return Response(SegmentSerializer(segment, context={"counts": counts}).data, status=status)

    def list(self, request):
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        counts = selectors.segment_counts(list(page))
        return self.get_paginated_response(
            SegmentSerializer(page, many=True, context={"counts": counts}).data)

    def retrieve(self, request, pk=None):
        return self._one(self._get(pk))

    @extend_schema(request=SegmentWriteSerializer, responses={201: SegmentSerializer})
    def create(self, request):
        serializer = SegmentWriteSerializer(data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        segment = services.segment_create(actor=request.user, **serializer.validated_data)
        return self._one(segment, status=201)

    @extend_schema(request=SegmentUpdateSerializer, responses=SegmentSerializer)
    def partial_update(self, request, pk=None):
        segment = self._get(pk)
        serializer = SegmentUpdateSerializer(data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        data = {k: v for k, v in serializer.validated_data.items() if k in request.data}
        services.segment_update(actor=request.user, segment=segment, **data)
        return self._one(segment)

    def destroy(self, request, pk=None):
        services.segment_delete(actor=request.user, segment=self._get(pk))
        return Response(status=204)

    @extend_schema(responses=SegmentMemberSerializer(many=True))
    @action(detail=True, methods=["get"])
    def members(self, request, pk=None):
        members = selectors.segment_members(self._get(pk))
        page = self.paginate_queryset(members)
        return self.get_paginated_response(SegmentMemberSerializer(page, many=True).data)

    @extend_schema(responses={(200, "text/csv"): OpenApiTypes.STR})
    @action(detail=True, methods=["get"])
    def export(self, request, pk=None):
        """The members as CSV (platform, account, platform_user_id, nickname); audited."""
        text = services.segment_export(actor=request.user, segment=self._get(pk))
        response = HttpResponse(text, content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="segment-{pk}.csv"'
        return response

    @extend_schema(request={"multipart/form-data": AudienceImportSerializer},
                   responses=inline_serializer(name="AudienceImported", fields={
                       "created": serializers.IntegerField(),
                       "updated": serializers.IntegerField()}))
    @action(detail=False, methods=["post"], url_path="audience",
            parser_classes=[MultiPartParser, FormParser])
    def audience(self, request):
        """Import followers or buyers of one account from a platform's CSV export."""
        serializer = AudienceImportSerializer(data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        _file_size_ok(serializer.validated_data["file"])
        result = services.audience_import(actor=request.user,
                                          account=serializer.validated_data["account"],
                                          upload=serializer.validated_data["file"])
        return Response({"created": result.created, "updated": result.updated})

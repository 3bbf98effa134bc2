"""API of the privacy ledger: consents and data-subject requests (S3.1.3, PIPL)."""

import json

from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from teams.doors import NumericLookupMixin, TeamField, get_or_404

from . import selectors, services
from .models import (
    ConsentRecord,
    DataCategory,
    DataSubjectRequest,
    DSRKind,
    DSRStatus,
    LegalBasis,
)


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
            cache[record.pk] = selectors.personal_fields(
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
    """Types and lengths only: required fields, categories and the phone and ID formats
    are the service's rules, so a bad request names every wrong field at once."""

    team = TeamField()
    subject_ref = serializers.CharField(max_length=120, allow_blank=True)
    subject_name = serializers.CharField(max_length=120, required=False, allow_blank=True,
                                         default="")
    subject_phone = serializers.CharField(max_length=32, required=False, allow_blank=True,
                                          default="")
    subject_id_number = serializers.CharField(max_length=32, required=False, allow_blank=True,
                                              default="")
    purpose = serializers.CharField(max_length=200, allow_blank=True)
    data_categories = serializers.ListField(child=serializers.ChoiceField(DataCategory.choices))
    legal_basis = serializers.ChoiceField(LegalBasis.choices, default=LegalBasis.CONSENT)
    notice_version = serializers.CharField(max_length=60, allow_blank=True)
    channel = serializers.CharField(max_length=60, allow_blank=True)
    consented_at = serializers.DateTimeField(required=False)
    sensitive_consent = serializers.BooleanField(default=False)
    sharing_consent = serializers.BooleanField(default=False)
    cross_border_consent = serializers.BooleanField(default=False)
    guardian_consent = serializers.BooleanField(default=False)


class CorrectSerializer(serializers.Serializer):
    subject_name = serializers.CharField(max_length=120, required=False, allow_blank=True)
    subject_phone = serializers.CharField(max_length=32, required=False, allow_blank=True)
    subject_id_number = serializers.CharField(max_length=32, required=False, allow_blank=True)


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
            if subject_ref and not selectors.teams_with_personal_access(
                    self.request.user):
                raise PermissionDenied(
                    _("Filtering by data subject needs the personal-data permission."))
        return selectors.consents_for(self.request.user, subject_ref=subject_ref)

    @extend_schema(parameters=[OpenApiParameter(
        "subject_ref", str, required=False,
        description="One data subject's records; needs privacy.view_personal (else 403).",
    )])
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    def get_object(self):
        return get_or_404(selectors.consent_get, self.request.user, self.kwargs["pk"])

    @extend_schema(request=ConsentCreateSerializer, responses=ConsentSerializer)
    def create(self, request):
        serializer = ConsentCreateSerializer(data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        record = services.consent_record_create(
            actor=request.user, **serializer.validated_data)
        return Response(self.get_serializer(record).data, status=201)

    @extend_schema(request=CorrectSerializer, responses=ConsentSerializer)
    @action(detail=True, methods=["post"])
    def correct(self, request, pk=None):
        """Correct the person's details (PIPL Art. 46)."""
        record = self.get_object()
        serializer = CorrectSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.consent_correct(actor=request.user, record=record,
                                         **serializer.validated_data)
        return Response(self.get_serializer(record).data)

    @extend_schema(request=WithdrawSerializer, responses=ConsentSerializer)
    @action(detail=True, methods=["post"])
    def withdraw(self, request, pk=None):
        record = self.get_object()
        serializer = WithdrawSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.consent_withdraw(actor=request.user, record=record,
                                          channel=serializer.validated_data["channel"])
        return Response(self.get_serializer(record).data)


class DSRSerializer(serializers.ModelSerializer):
    """The subject and the details come masked unless the reader holds
    ``privacy.view_personal``."""

    subject_ref = serializers.SerializerMethodField()
    details = serializers.SerializerMethodField()
    next_statuses = serializers.SerializerMethodField(
        help_text="The statuses the reader may move the request to now; "
                  "empty once it is completed or refused.",
    )

    class Meta:
        model = DataSubjectRequest
        fields = ["id", "team", "subject_ref", "kind", "status", "details", "received_at",
                  "due_date", "completed_at", "refusal_reason", "next_statuses"]

    def get_subject_ref(self, dsr) -> str:
        return selectors.shown_subject_ref(self.context["request"].user, dsr)

    def get_details(self, dsr) -> str:
        return selectors.shown_details(self.context["request"].user, dsr)

    @extend_schema_field(serializers.ListField(child=serializers.ChoiceField(DSRStatus.choices)))
    def get_next_statuses(self, dsr) -> list[str]:
        return selectors.dsr_next_statuses(self.context["request"].user, dsr)


class DSRCreateSerializer(serializers.Serializer):
    team = TeamField()
    subject_ref = serializers.CharField(max_length=120)
    kind = serializers.ChoiceField(DSRKind.choices)
    details = serializers.CharField(max_length=5000, required=False, allow_blank=True, default="")


class DSRStatusSerializer(serializers.Serializer):
    status = serializers.ChoiceField(DSRStatus.choices)
    refusal_reason = serializers.CharField(max_length=5000, required=False, allow_blank=True,
                                           default="")


class DataSubjectRequestViewSet(NumericLookupMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin,
                                viewsets.GenericViewSet):
    """Access/copy, correction and deletion requests with their due date (PIPL)."""

    serializer_class = DSRSerializer
    filterset_fields = ["status", "kind"]

    def get_queryset(self):
        subject_ref = ""
        if self.action == "list":
            subject_ref = (self.request.query_params.get("subject_ref") or "").strip()
            # Looking a person up tells whether they are on file: personal-data holders only.
            if subject_ref and not selectors.teams_with_personal_access(self.request.user):
                raise PermissionDenied(
                    _("Filtering by data subject needs the personal-data permission."))
        return selectors.requests_for(self.request.user, subject_ref=subject_ref)

    @extend_schema(parameters=[OpenApiParameter(
        "subject_ref", str, required=False,
        description="One data subject's requests; needs privacy.view_personal (else 403).",
    )])
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    def get_object(self):
        return get_or_404(selectors.request_get, self.request.user, self.kwargs["pk"])

    @extend_schema(request=DSRCreateSerializer, responses=DSRSerializer)
    def create(self, request):
        serializer = DSRCreateSerializer(data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        dsr = services.dsr_create(actor=request.user, **serializer.validated_data)
        return Response(self.get_serializer(dsr).data, status=201)

    @extend_schema(request=DSRStatusSerializer, responses=DSRSerializer)
    @action(detail=True, methods=["post"])
    def status(self, request, pk=None):
        dsr = self.get_object()
        serializer = DSRStatusSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.dsr_set_status(actor=request.user, request=dsr,
                                        **serializer.validated_data)
        return Response(self.get_serializer(dsr).data)

    @extend_schema(responses={(200, "application/json"): OpenApiTypes.OBJECT})
    @action(detail=True, methods=["get"])
    def export(self, request, pk=None):
        """JSON download of what the system holds on the request's data subject."""
        dsr = self.get_object()
        data = services.subject_export_for(actor=request.user, request=dsr)
        response = HttpResponse(json.dumps(data, ensure_ascii=False, indent=2),
                                content_type="application/json; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="subject-{dsr.pk}.json"'
        return response

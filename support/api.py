"""REST API for support services and the action plan: the same services, policy, field sets and errors as the
browser (400 refused, 403 role, 404 unseen or outside the field set, 409 stale)."""

from django.http import Http404
from drf_spectacular.utils import extend_schema, extend_schema_serializer
from drf_standardized_errors.openapi_serializers import ErrorResponse403Serializer
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from access import fieldsets, policy
from audit.services import audit_read, audit_stale_write
from cases import queries as case_queries
from cases.errors import StaleCase
from cmm import validators as checks
from cmm.api_errors import ConflictResponseSerializer
from cmm.fields import TextField

from . import queries, services
from .models import ACTIVITY_MAX_LENGTH, GOAL_MAX_LENGTH, PLAN_ROWS_MAX, RESPONSIBLE_MAX_LENGTH, SupportService
from .serializers import ActionPlanVersionSerializer, SupportServiceSerializer

SERVICE_DATE = checks.DateRange(checks.EARLIEST_EVENT, years_ahead=2)
PLAN_DATE = checks.DateRange(checks.EARLIEST_EVENT, years_ahead=3)


def _readable_case(request, number: str, part: str):
    """The case, if the user's field set reads `part` (the repatriation organisation's does not): else 404."""
    case = case_queries.case_detail(request.user, number)
    fields = fieldsets.fields_for(request.user, case)
    if part not in fields:
        raise Http404
    return case, fields


def _case_for_write(request, number: str, action: str):
    case = case_queries.case_detail(request.user, number)
    policy.require(request.user, action)  # who may comes before what was sent
    return case


class SupportServiceListApi(APIView):
    """The case's support services (GET), or record a new one (POST, with the case's version)."""

    @extend_schema_serializer(component_name="SupportServiceRecordInput")
    class InputSerializer(serializers.Serializer):
        version = serializers.IntegerField(min_value=1, max_value=checks.VERSION_MAX)
        type = serializers.ChoiceField(choices=SupportService.Type.choices)
        provider = TextField(max_length=200, validators=[checks.one_line_text])
        status = serializers.ChoiceField(
            choices=[(value, label) for value, label in SupportService.Status.choices if value in services.RECORDED_AS],
            default=SupportService.Status.OFFERED,
        )
        starts_on = serializers.DateField(validators=[SERVICE_DATE])
        ends_on = serializers.DateField(required=False, allow_null=True, validators=[SERVICE_DATE])
        note = TextField(
            required=False, allow_blank=True, max_length=checks.TEXT_MAX_LENGTH, validators=[checks.free_text]
        )

    @extend_schema(responses=SupportServiceSerializer(many=True))
    def get(self, request, number):
        case, fields = _readable_case(request, number, "support_services")
        rows = list(queries.services_of(case))
        audit_read(request, what="api_support_services", case=case, purpose=case_queries.read_purpose(case))
        return Response(SupportServiceSerializer(rows, many=True, context={"fields": fields}).data)

    @extend_schema(
        request=InputSerializer,
        responses={201: SupportServiceSerializer, 403: ErrorResponse403Serializer, 409: ConflictResponseSerializer},
    )
    def post(self, request, number):
        case = _case_for_write(request, number, policy.Action.RECORD_SUPPORT)
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        version = values.pop("version")
        try:
            service = services.support_service_record(case=case, actor=request.user, expected_version=version, **values)
        except StaleCase:
            audit_stale_write(request, case=case, action=policy.Action.RECORD_SUPPORT, sent_version=version)
            raise
        return Response(SupportServiceSerializer(service).data, status=status.HTTP_201_CREATED)


class SupportServiceUpdateApi(APIView):
    """Change a service's status, end date or note (POST, with the service's version)."""

    @extend_schema_serializer(component_name="SupportServiceUpdateInput")
    class InputSerializer(serializers.Serializer):
        version = serializers.IntegerField(
            min_value=1, max_value=checks.VERSION_MAX, help_text="The service's version."
        )
        status = serializers.ChoiceField(choices=SupportService.Status.choices)
        ends_on = serializers.DateField(required=False, allow_null=True, validators=[SERVICE_DATE])
        note = TextField(required=False, max_length=checks.TEXT_MAX_LENGTH, validators=[checks.free_text])

    @extend_schema(
        operation_id="v1_cases_support_services_update",
        request=InputSerializer,
        responses={200: SupportServiceSerializer, 403: ErrorResponse403Serializer, 409: ConflictResponseSerializer},
    )
    def post(self, request, number, pk):
        case = _case_for_write(request, number, policy.Action.RECORD_SUPPORT)
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        service = SupportService.objects.filter(pk=pk, case=case).first()
        if service is None:
            raise Http404
        service.case = case
        values = dict(data.validated_data)
        version = values.pop("version")
        try:
            service = services.support_service_update(
                service=service, actor=request.user, expected_version=version, **values
            )
        except StaleCase:
            audit_stale_write(request, case=case, action=policy.Action.RECORD_SUPPORT, sent_version=version)
            raise
        return Response(SupportServiceSerializer(service).data)


class ActivitySerializer(serializers.Serializer):
    text = TextField(max_length=ACTIVITY_MAX_LENGTH, validators=[checks.free_text])
    responsible = TextField(max_length=RESPONSIBLE_MAX_LENGTH, validators=[checks.one_line_text])
    due_on = serializers.DateField(required=False, allow_null=True, default=None, validators=[PLAN_DATE])


class ActionPlanVersionListApi(APIView):
    """The versions of the case's action plan, newest first (GET), or save the next version (POST)."""

    @extend_schema_serializer(component_name="ActionPlanVersionInput")
    class InputSerializer(serializers.Serializer):
        version = serializers.IntegerField(min_value=1, max_value=checks.VERSION_MAX, help_text="The case's version.")
        made_on = serializers.DateField(validators=[checks.DateRange(checks.EARLIEST_EVENT)])
        made_with_person = serializers.BooleanField()
        made_with_representative = serializers.BooleanField(default=False)
        goals = serializers.ListField(
            child=TextField(max_length=GOAL_MAX_LENGTH, validators=[checks.free_text]), max_length=PLAN_ROWS_MAX
        )
        activities = serializers.ListField(child=ActivitySerializer(), max_length=PLAN_ROWS_MAX, default=list)
        review_dates = serializers.ListField(
            child=serializers.DateField(validators=[PLAN_DATE]), max_length=PLAN_ROWS_MAX
        )

    @extend_schema(responses=ActionPlanVersionSerializer(many=True))
    def get(self, request, number):
        case, _fields = _readable_case(request, number, "action_plan")
        versions = queries.plan_versions(case)
        audit_read(request, what="api_action_plan_versions", case=case, purpose=case_queries.read_purpose(case))
        return Response(ActionPlanVersionSerializer(versions, many=True).data)

    @extend_schema(
        request=InputSerializer,
        responses={201: ActionPlanVersionSerializer, 403: ErrorResponse403Serializer, 409: ConflictResponseSerializer},
    )
    def post(self, request, number):
        case = _case_for_write(request, number, policy.Action.EDIT_ACTION_PLAN)
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        version = values.pop("version")
        values["activities"] = [dict(row) for row in values["activities"]]
        try:
            saved = services.action_plan_version_save(case=case, actor=request.user, expected_version=version, **values)
        except StaleCase:
            audit_stale_write(request, case=case, action=policy.Action.EDIT_ACTION_PLAN, sent_version=version)
            raise
        return Response(ActionPlanVersionSerializer(saved).data, status=status.HTTP_201_CREATED)

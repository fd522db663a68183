"""REST API v1: the same policy, services and errors as the browser (400 refused, 404 unseen, 409 stale)."""

import contextlib
import re

from django.http import Http404
from django.utils.translation import gettext as _
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_serializer, extend_schema_view
from drf_standardized_errors.openapi_serializers import ErrorResponse403Serializer
from drf_standardized_errors.openapi_validation_errors import extend_validation_errors
from rest_framework import generics, serializers, status
from rest_framework.pagination import LimitOffsetPagination
from rest_framework.response import Response
from rest_framework.views import APIView

from access import fieldsets, policy
from accounts.models import COMPETENT_AUTHORITIES
from audit.models import AuditEvent
from audit.read_rate import ReadLimited
from audit.services import audit_read, audit_stale_write, filters_used
from cmm import validators as checks
from cmm.api_errors import ConflictResponseSerializer
from cmm.fields import DateTimeField, TextField

from . import queries, services, submissions
from .errors import DomainError, StaleCase
from .filters import CaseFilter
from .models import Case
from .serializers import (
    CaseDetailSerializer,
    CaseEventSerializer,
    CaseListSerializer,
    DeadlineSerializer,
    PersonSerializer,
    ReferralSerializer,
)

IDEMPOTENCY_KEY_FORMAT = re.compile(r"[!-~]{1,100}")
# Beside the errors drf-standardized-errors documents itself: a role without the action, a stale version.
TRANSITION_RESPONSES = {200: CaseDetailSerializer, 403: ErrorResponse403Serializer, 409: ConflictResponseSerializer}


def case_detail_data(user, case) -> dict:
    """The case as the API shows it to this user: only the parts their role and share scope may read."""
    fields = fieldsets.fields_for(user, case)
    data = CaseDetailSerializer(case).data
    data["deadlines"] = [row for row in data["deadlines"] if fields.shows_deadline(row["kind"])]
    return fieldsets.prune(data, fields)


class CasePagination(LimitOffsetPagination):
    default_limit = 50
    max_limit = 200

    # Refused, not read as the default: offset=abc is a mistake, and beyond a bigint the database refuses
    # the OFFSET (offset=10**20 was a 500).
    BOUNDS = {"offset": (0, checks.OFFSET_MAX), "limit": (1, max_limit)}

    def _query_int(self, request, name: str, default):
        raw = request.query_params.get(name)
        if raw is None:
            return default
        value = checks.ascii_int(raw)
        low, high = self.BOUNDS[name]
        if value is None or not low <= value <= high:
            raise serializers.ValidationError(
                {name: [_("Angiv et helt tal fra %(low)s til %(high)s.") % {"low": low, "high": high}]}, code="invalid"
            )
        return value

    def get_offset(self, request):
        return self._query_int(request, self.offset_query_param, 0)

    def get_limit(self, request):
        return self._query_int(request, self.limit_query_param, self.default_limit)

    def get_schema_operation_parameters(self, view):
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            low, high = self.BOUNDS[parameter["name"]]
            parameter["schema"].update(minimum=low, maximum=high)
        return parameters


# Refusals the schema cannot read off the serializers: the pagination's, the services', the Idempotency-Key's.
def pagination_errors(method: str) -> list:
    return [extend_validation_errors(["invalid"], field_name=name, methods=[method]) for name in ("offset", "limit")]


# Declared as well as read off the validators' `code`: in some runs the generated schema missed them (ST108).
TEXT_FIELDS = {
    "person": ("given_name", "family_name", "aliases", "primary_language", "phone", "address", "notes"),
    "referral": ("referring_organisation", "circumstances"),
}
DATE_FIELDS = {"person": ("date_of_birth",), "referral": ("received_at", "detained_at")}
REFERRAL_ERRORS = [
    *(
        extend_validation_errors(["control_character"], field_name=f"{part}.{name}", methods=["post"])
        for part, names in TEXT_FIELDS.items()
        for name in names
    ),
    *(
        extend_validation_errors([*checks.DateRange.codes, "refused"], field_name=f"{part}.{name}", methods=["post"])
        for part, names in DATE_FIELDS.items()
        for name in names
    ),
    # The nested parts themselves, beside their fields: missing, null or not an object.
    *(
        extend_validation_errors(["required", "null", "invalid"], field_name=part, methods=["post"])
        for part in ("person", "referral")
    ),
    extend_validation_errors(["invalid"], field_name="Idempotency-Key", methods=["post"]),
    extend_validation_errors(["cpr_format", "cpr_date"], field_name="person.cpr_number", methods=["post"]),
    extend_validation_errors(["document_number_format"], field_name="person.document_number", methods=["post"]),
    extend_validation_errors(["refused"], field_name="referral.detained", methods=["post"]),
]


def with_errors(*decorators):
    def decorate(view):
        for decorator in decorators:
            view = decorator(view)
        return view

    return decorate


IDEMPOTENCY_KEY = OpenApiParameter(
    "Idempotency-Key",
    str,
    OpenApiParameter.HEADER,
    description="A key of your choice (1-100 printable ASCII characters) for this referral: sent again with the same "
    "body, the first case is answered instead of a second one being registered.",
    pattern=r"^[!-~]{1,100}$",
)


# A name searched for in a query string would reach the logs: the list refuses `q` (POST to search/ instead).
# The list's choice filters as the filter set reads them: an empty value is "all", as the browser's form sends it.
CHOICE_FILTER_PARAMETERS = [
    OpenApiParameter(name, str, enum=[*(str(value) for value, _label in filter_.extra["choices"]), ""])
    for name, filter_ in CaseFilter.base_filters.items()
    if "choices" in filter_.extra
]


@with_errors(*pagination_errors("get"), *REFERRAL_ERRORS)
@extend_schema_view(get=extend_schema(parameters=[OpenApiParameter("q", exclude=True), *CHOICE_FILTER_PARAMETERS]))
class CaseListCreateApi(generics.ListAPIView):
    """List the cases you may see (filters as in the browser), or register a referral as a new case."""

    serializer_class = CaseListSerializer
    filter_backends = [DjangoFilterBackend]
    filterset_class = CaseFilter
    pagination_class = CasePagination

    @extend_schema_serializer(component_name="ReferralRegisterInput")
    class InputSerializer(serializers.Serializer):
        person = PersonSerializer()
        referral = ReferralSerializer()

    def get_queryset(self):
        return queries.case_list(self.request.user, with_referral=True)

    def list(self, request, *args, **kwargs):
        if "q" in request.query_params:
            # A name in a query string ends up in access logs and browser history.
            raise serializers.ValidationError(
                {"q": [_("Søg efter navn med POST til /api/v1/cases/search/, så navne aldrig står i en URL.")]}
            )
        return super().list(request, *args, **kwargs)

    def paginate_queryset(self, queryset):
        page = super().paginate_queryset(queryset)
        used = filters_used(self.request.query_params, CaseFilter.Meta.fields)
        action = AuditEvent.Action.SEARCH if used else AuditEvent.Action.LIST
        audit_read(self.request, action=action, what="api_case_list", cases=page, detail={"filters": used})
        return page

    @extend_schema(
        request=InputSerializer,
        parameters=[IDEMPOTENCY_KEY],
        responses={201: CaseDetailSerializer, 403: ErrorResponse403Serializer, 409: ConflictResponseSerializer},
    )
    def post(self, request):
        key = request.headers.get("Idempotency-Key")
        if key is not None and not IDEMPOTENCY_KEY_FORMAT.fullmatch(key):
            raise serializers.ValidationError(
                {"Idempotency-Key": [_("Angiv 1-100 synlige ASCII-tegn.")]}, code="invalid"
            )
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            case, _created = submissions.referral_register_once(
                actor=request.user,
                key=None if key is None else f"api:{key}",
                print_=submissions.fingerprint(request.data),
                person=data.validated_data["person"],
                referral=data.validated_data["referral"],
            )
        except DomainError as error:
            if type(error) is not DomainError or not error.field:
                raise
            # Name the refused field as the input nests it, as a serializer error would.
            part = "person" if error.field in PersonSerializer.Meta.fields else "referral"
            raise serializers.ValidationError({part: {error.field: [error.message]}}, code=error.code) from None
        # A referral for the other authority is theirs to see; its registrant gets back what they sent. So does a
        # registrant past the read-rate limit: the referral is saved, and a 429 would say it was not.
        with contextlib.suppress(Http404, ReadLimited):
            case = queries.case_detail(request.user, case.number)
        return Response(CaseDetailSerializer(case).data, status=status.HTTP_201_CREATED)


@with_errors(*pagination_errors("post"))
class CaseSearchApi(generics.GenericAPIView):
    """Search the cases you may see by case number or name, with the list's filters, in the request body."""

    serializer_class = CaseListSerializer
    pagination_class = CasePagination

    class InputSerializer(serializers.Serializer):
        # The filters' own choices, so that the schema says what the filter set takes.
        q = TextField(required=False, allow_blank=True, max_length=200)
        status = serializers.ChoiceField(choices=Case.Status.choices, required=False, allow_blank=True)
        competent_authority = serializers.ChoiceField(choices=COMPETENT_AUTHORITIES, required=False, allow_blank=True)
        # As text: the lists' own enums already name these choice sets (the filter set checks the choice).
        exploitation_form = TextField(required=False, allow_blank=True, max_length=32)
        nationality = TextField(required=False, allow_blank=True, max_length=2)
        deadline = serializers.ChoiceField(
            choices=CaseFilter.base_filters["deadline"].extra["choices"], required=False, allow_blank=True
        )

    def get_queryset(self):
        return queries.case_list(self.request.user, with_referral=True)

    @extend_schema(request=InputSerializer, responses=CaseListSerializer(many=True))
    def post(self, request):
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        filterset = CaseFilter(data.validated_data, queryset=self.get_queryset(), request=request)
        if not filterset.is_valid():
            raise serializers.ValidationError(filterset.errors)
        page = self.paginate_queryset(filterset.qs)
        # The names of the filters used, never the text searched for (it can be a name).
        used = filters_used(data.validated_data, CaseFilter.Meta.fields)
        audit_read(
            request, action=AuditEvent.Action.SEARCH, what="api_case_search", cases=page, detail={"filters": used}
        )
        return self.get_paginated_response(self.get_serializer(page, many=True).data)


class OwnReferralListApi(APIView):
    """The status of the referrals you made; never the case file."""

    class OutputSerializer(serializers.Serializer):
        number = serializers.CharField()
        status = serializers.ChoiceField(
            choices=list(queries.REFERRAL_STATUSES),
            source="referral_status",
            help_text="The referral's status as its referrer is told it; nothing of the file.",
        )
        competent_authority = serializers.CharField()
        created_at = serializers.DateTimeField()
        referrer_reference = serializers.CharField(help_text="The referrer's own reference (journal number).")
        identification = serializers.ChoiceField(
            choices=[queries.IN_TIME, queries.LATE, queries.AWAITING],
            allow_blank=True,
            help_text='For a detained person: identified within 72 hours ("in_time"), after ("late"), or not yet'
            ' ("pending"); empty for a person not detained.',
        )
        identification_due_at = serializers.DateTimeField(allow_null=True)

    @extend_schema(responses=OutputSerializer(many=True))
    def get(self, request):
        referrals = queries.own_referrals(request.user)
        audit_read(request, action=AuditEvent.Action.LIST, what="api_own_referrals", cases=referrals)
        return Response(self.OutputSerializer(referrals, many=True).data)


class CaseDetailApi(APIView):
    @extend_schema(responses=CaseDetailSerializer)
    def get(self, request, number):
        case = queries.case_detail(request.user, number)
        audit_read(request, what="api_case_detail", case=case, purpose=queries.read_purpose(case))
        return Response(case_detail_data(request.user, case))


class CaseEventListApi(APIView):
    @extend_schema(responses=CaseEventSerializer(many=True))
    def get(self, request, number):
        case = queries.case_for_events(request.user, number)
        fields = fieldsets.fields_for(request.user, case)
        events = [event for event in queries.case_timeline(case) if fields.shows_event(event.event_type)]
        audit_read(request, what="api_case_events", case=case, purpose=queries.read_purpose(case))
        return Response(CaseEventSerializer(events, many=True, context={"fields": fields}).data)


class DeadlineListApi(generics.ListAPIView):
    """Pending deadlines on the cases you may see, overdue first."""

    serializer_class = DeadlineSerializer
    pagination_class = None

    def get_queryset(self):
        return queries.pending_deadlines(self.request.user, limit=200)

    def list(self, request, *args, **kwargs):
        fields = fieldsets.list_fields(request.user)
        deadlines = [deadline for deadline in self.get_queryset() if fields.shows_deadline(deadline.kind)]
        audit_read(request, action=AuditEvent.Action.LIST, what="api_deadlines", cases=[d.case_id for d in deadlines])
        return Response(self.get_serializer(deadlines, many=True).data)


class CaseTransitionApi(APIView):
    """POST input through one service function; answers the case as it now stands (or what `respond` says)."""

    service = None
    action: str

    class InputSerializer(serializers.Serializer):
        version = serializers.IntegerField(min_value=1, max_value=checks.VERSION_MAX)

    def post(self, request, number):
        case = queries.case_detail(request.user, number)
        # Who may comes before what was sent: a role without the action gets 403 whatever its input.
        policy.require(request.user, self.action)
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        version = values.pop("version")
        try:
            result = self.perform(case=case, actor=request.user, expected_version=version, **values)
        except StaleCase:
            audit_stale_write(request, case=case, action=self.action, sent_version=version)
            raise
        return self.respond(result)

    def perform(self, **kwargs):
        return type(self).service(**kwargs)  # a plain function held by the class, not a method

    def respond(self, result) -> Response:
        case = queries.case_detail(self.request.user, self.kwargs["number"])
        return Response(case_detail_data(self.request.user, case))


class NotificationApi(CaseTransitionApi):
    action = policy.Action.RECORD_NOTIFICATION
    service = services.notification_record

    @extend_schema_serializer(component_name="NotificationInput")
    class InputSerializer(CaseTransitionApi.InputSerializer):
        notified_at = DateTimeField(validators=[checks.notified])

    @extend_schema(request=InputSerializer, responses=TRANSITION_RESPONSES)
    def post(self, request, number):
        return super().post(request, number)

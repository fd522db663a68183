"""REST API v1: the same policy, services and errors as the browser (400 refused, 404 unseen, 409 stale)."""

from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers, status
from rest_framework.pagination import LimitOffsetPagination
from rest_framework.response import Response
from rest_framework.views import APIView

from identification import services as identification_services
from identification.models import Assessment, Indicator

from . import access, queries, services
from .filters import CaseFilter
from .serializers import (
    CaseDetailSerializer,
    CaseEventSerializer,
    CaseListSerializer,
    DeadlineSerializer,
    PersonSerializer,
    ReferralSerializer,
)


class CasePagination(LimitOffsetPagination):
    default_limit = 50
    max_limit = 200


class CaseListCreateApi(generics.ListAPIView):
    """List the cases you may see (filters as in the browser), or register a referral as a new case."""

    serializer_class = CaseListSerializer
    filter_backends = [DjangoFilterBackend]
    filterset_class = CaseFilter
    pagination_class = CasePagination

    class InputSerializer(serializers.Serializer):
        person = PersonSerializer()
        referral = ReferralSerializer()

    def get_queryset(self):
        return queries.case_list(self.request.user)

    @extend_schema(request=InputSerializer, responses={201: CaseDetailSerializer})
    def post(self, request):
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        case = services.referral_register(
            actor=request.user, person=data.validated_data["person"], referral=data.validated_data["referral"]
        )
        return Response(
            CaseDetailSerializer(queries.case_detail(request.user, case.number)).data,
            status=status.HTTP_201_CREATED,
        )


class CaseDetailApi(APIView):
    @extend_schema(responses=CaseDetailSerializer)
    def get(self, request, number):
        return Response(CaseDetailSerializer(queries.case_detail(request.user, number)).data)


class CaseEventListApi(APIView):
    @extend_schema(responses=CaseEventSerializer(many=True))
    def get(self, request, number):
        case = access.case_for_view(request.user, number)
        return Response(CaseEventSerializer(queries.case_timeline(case), many=True).data)


class DeadlineListApi(generics.ListAPIView):
    """Pending deadlines on the cases you may see, overdue first."""

    serializer_class = DeadlineSerializer
    pagination_class = None

    def get_queryset(self):
        return queries.pending_deadlines(self.request.user, limit=200)


class CaseTransitionApi(APIView):
    """POST input through one service function; answers the case as it now stands."""

    service = None

    class InputSerializer(serializers.Serializer):
        version = serializers.IntegerField(min_value=1)

    def post(self, request, number):
        case = queries.case_detail(request.user, number)
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        version = values.pop("version")
        type(self).service(case=case, actor=request.user, expected_version=version, **values)
        return Response(CaseDetailSerializer(queries.case_detail(request.user, number)).data)


class AssessmentApi(CaseTransitionApi):
    service = identification_services.assessment_record

    class InputSerializer(CaseTransitionApi.InputSerializer):
        decision = serializers.ChoiceField(choices=Assessment.Decision.choices)
        decided_on = serializers.DateField()
        reasons = serializers.CharField()
        interview_on = serializers.DateField(required=False, allow_null=True)
        interpreter_language = serializers.CharField(required=False, allow_blank=True, max_length=100)
        indicators = serializers.ListField(child=serializers.ChoiceField(choices=Indicator.choices), required=False)

    @extend_schema(request=InputSerializer, responses=CaseDetailSerializer)
    def post(self, request, number):
        return super().post(request, number)


class PeriodGrantApi(CaseTransitionApi):
    service = identification_services.period_grant

    class InputSerializer(CaseTransitionApi.InputSerializer):
        starts_on = serializers.DateField()

    @extend_schema(request=InputSerializer, responses=CaseDetailSerializer)
    def post(self, request, number):
        return super().post(request, number)


class PeriodExtendApi(CaseTransitionApi):
    service = identification_services.period_extend

    class InputSerializer(CaseTransitionApi.InputSerializer):
        days = serializers.IntegerField(min_value=1, max_value=90)
        exceptional_circumstances = serializers.CharField(allow_blank=True)
        cooperates_on_repatriation = serializers.BooleanField()

    @extend_schema(request=InputSerializer, responses=CaseDetailSerializer)
    def post(self, request, number):
        return super().post(request, number)


class NotificationApi(CaseTransitionApi):
    service = services.notification_record

    class InputSerializer(CaseTransitionApi.InputSerializer):
        notified_at = serializers.DateTimeField()

    @extend_schema(request=InputSerializer, responses=CaseDetailSerializer)
    def post(self, request, number):
        return super().post(request, number)

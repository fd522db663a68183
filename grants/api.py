"""REST API for sharing, hand-overs and residence-status changes: the services and rules of grants.views.

As in cases.api: 400 for bad input or a refused action (with the service's reason), 403 for a role without
the action, 404 for a case you may not see, 409 for a stale version.
"""

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema, extend_schema_serializer
from drf_standardized_errors.openapi_serializers import ErrorResponse403Serializer, ValidationErrorResponseSerializer
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from access import policy
from accounts.models import Team
from cases import queries
from cases.api import TRANSITION_RESPONSES, CaseTransitionApi
from cases.codes import ResidenceStatus
from cmm.api_errors import ConflictResponseSerializer

from . import services
from .models import Handover, Share


class ShareSerializer(serializers.ModelSerializer):
    team_name = serializers.CharField(source="team.name", read_only=True)

    class Meta:
        model = Share
        fields = ["id", "team", "team_name", "scope", "consent_given_on", "expires_on", "recorded_at", "withdrawn_at"]


class HandoverSerializer(serializers.ModelSerializer):
    case = serializers.CharField(source="case.number", read_only=True)

    class Meta:
        model = Handover
        fields = ["case", "from_authority", "to_authority", "status", "requested_at", "decided_at"]


class GrantTransitionApi(CaseTransitionApi):
    """A case transition through a grants service, which also takes the request (for its audit row).

    It answers the record the service wrote, in `output` with `status_code`; without `output`, the case.
    """

    output: type[serializers.Serializer] | None = None
    status_code = status.HTTP_200_OK

    def perform(self, **kwargs):
        return type(self).service(request=self.request, **kwargs)

    def respond(self, result) -> Response:
        if self.output is None:
            return super().respond(result)
        return Response(self.output(result).data, status=self.status_code)


def answers(serializer_class, status_code: int = status.HTTP_200_OK) -> dict:
    """The schema's responses of an endpoint that answers the record it wrote (beside the standard errors)."""
    return {status_code: serializer_class, 403: ErrorResponse403Serializer, 409: ConflictResponseSerializer}


class ShareCreateApi(GrantTransitionApi):
    """Share the case with an NGO or the IOM on the person's consent, until the consent expires."""

    action = policy.Action.SHARE
    service = services.share_create
    output = ShareSerializer
    status_code = status.HTTP_201_CREATED

    @extend_schema_serializer(component_name="ShareCreateInput")
    class InputSerializer(CaseTransitionApi.InputSerializer):
        # Any team: the service says why one that is not an NGO or the IOM is refused.
        team = serializers.PrimaryKeyRelatedField(queryset=Team.objects.all())
        scope = serializers.ChoiceField(choices=Share.Scope.choices)
        consent_given_on = serializers.DateField()
        expires_on = serializers.DateField()

    @extend_schema(request=InputSerializer, responses=answers(ShareSerializer, status.HTTP_201_CREATED))
    def post(self, request, number):
        return super().post(request, number)


class ShareWithdrawApi(APIView):
    """The person withdrew their consent: the organisation loses access to the case at once."""

    @extend_schema(
        request=None,
        responses={200: ShareSerializer, 400: ValidationErrorResponseSerializer, 403: ErrorResponse403Serializer},
    )
    def post(self, request, number, share_id):
        case = queries.case_detail(request.user, number)
        policy.require(request.user, policy.Action.WITHDRAW_SHARE)
        share = get_object_or_404(Share.objects.select_related("team"), pk=share_id, case=case)
        share = services.share_withdraw(share=share, actor=request.user, request=request)
        return Response(ShareSerializer(share).data)


class HandoverRequestApi(GrantTransitionApi):
    """Ask the other authority to take the case over; it stays with you until they accept."""

    action = policy.Action.REQUEST_HANDOVER
    service = services.handover_request
    output = HandoverSerializer
    status_code = status.HTTP_201_CREATED

    @extend_schema_serializer(component_name="HandoverRequestInput")
    class InputSerializer(CaseTransitionApi.InputSerializer):
        reason = serializers.CharField()

    @extend_schema(request=InputSerializer, responses=answers(HandoverSerializer, status.HTTP_201_CREATED))
    def post(self, request, number):
        return super().post(request, number)


class HandoverDecisionApi(GrantTransitionApi):
    """Accept (the case becomes yours) or reject the hand-over pending to your authority."""

    action = policy.Action.DECIDE_HANDOVER
    service = services.handover_decide
    # The hand-over, not the case: after a rejection the case is no longer the decider's to see.
    output = HandoverSerializer

    @extend_schema_serializer(component_name="HandoverDecisionInput")
    class InputSerializer(CaseTransitionApi.InputSerializer):
        accept = serializers.BooleanField()
        decision_reason = serializers.CharField(required=False, allow_blank=True, default="")

    @extend_schema(request=InputSerializer, responses=answers(HandoverSerializer))
    def post(self, request, number):
        return super().post(request, number)


class ResidenceStatusChangeApi(GrantTransitionApi):
    """Record a new residence status; if it makes the other authority competent, a hand-over to it is requested."""

    action = policy.Action.CHANGE_RESIDENCE_STATUS
    service = services.residence_status_change

    @extend_schema_serializer(component_name="ResidenceStatusChangeInput")
    class InputSerializer(CaseTransitionApi.InputSerializer):
        residence_status = serializers.ChoiceField(choices=ResidenceStatus.choices)
        reason = serializers.CharField()

    @extend_schema(request=InputSerializer, responses=TRANSITION_RESPONSES)
    def post(self, request, number):
        return super().post(request, number)

"""REST API for identification: the assessment and the reflection/recovery period, through the same
services, policy and errors as the browser (cases.api.CaseTransitionApi)."""

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, extend_schema_serializer
from rest_framework import serializers

from access import policy
from cases.api import TRANSITION_RESPONSES, CaseTransitionApi
from cmm import validators as checks
from cmm.fields import TextField

from . import services
from .models import Assessment, Indicator


class AssessmentApi(CaseTransitionApi):
    action = policy.Action.ASSESS
    service = services.assessment_record

    @extend_schema_serializer(component_name="AssessmentInput")
    class InputSerializer(CaseTransitionApi.InputSerializer):
        decision = serializers.ChoiceField(choices=Assessment.Decision.choices)
        decided_on = serializers.DateField(validators=[checks.decided])
        decided_time = serializers.TimeField(
            required=False,
            allow_null=True,
            help_text=_("Klokkeslæt (København). Uden: nu, hvis afgørelsen er fra i dag, ellers slutningen af dagen."),
        )
        reasons = TextField(max_length=checks.TEXT_MAX_LENGTH, validators=[checks.free_text])
        interview_on = serializers.DateField(required=False, allow_null=True, validators=[checks.interviewed])
        interpreter_language = TextField(
            required=False, allow_blank=True, max_length=100, validators=[checks.one_line_text]
        )
        indicators = serializers.ListField(
            child=serializers.ChoiceField(choices=Indicator.choices),
            required=False,
            max_length=len(Indicator.choices),
            validators=[checks.unique_items],
        )

    @extend_schema(request=InputSerializer, responses=TRANSITION_RESPONSES)
    def post(self, request, number):
        return super().post(request, number)


class PeriodGrantApi(CaseTransitionApi):
    action = policy.Action.GRANT_PERIOD
    service = services.period_grant

    @extend_schema_serializer(component_name="PeriodGrantInput")
    class InputSerializer(CaseTransitionApi.InputSerializer):
        starts_on = serializers.DateField(validators=[checks.period_start])

    @extend_schema(request=InputSerializer, responses=TRANSITION_RESPONSES)
    def post(self, request, number):
        return super().post(request, number)


class PeriodExtendApi(CaseTransitionApi):
    action = policy.Action.EXTEND_PERIOD
    service = services.period_extend

    @extend_schema_serializer(component_name="PeriodExtensionInput")
    class InputSerializer(CaseTransitionApi.InputSerializer):
        days = serializers.IntegerField(min_value=1, max_value=90)
        exceptional_circumstances = TextField(
            allow_blank=True, max_length=checks.TEXT_MAX_LENGTH, validators=[checks.free_text]
        )
        cooperates_on_repatriation = serializers.BooleanField()

    @extend_schema(request=InputSerializer, responses=TRANSITION_RESPONSES)
    def post(self, request, number):
        return super().post(request, number)

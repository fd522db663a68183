"""REST API for prepared repatriation: the same services, policy, field sets and errors as the browser
(cases.api.CaseTransitionApi). The transitions answer the repatriation as it now stands."""

from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, extend_schema_serializer
from rest_framework import serializers
from rest_framework.parsers import MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from access import fieldsets, policy
from access.policy import Action
from audit.services import audit_read
from cases import queries as case_queries
from cases.api import TRANSITION_RESPONSES, CaseTransitionApi
from cases.deadlines import follow_up_last_day, reintegration_last_day
from cmm import validators as checks
from cmm.fields import TextField

from . import queries, rules, services
from .forms import uploads_content
from .models import FollowUpReport, ReintegrationSupport, Repatriation


class SupportItemSerializer(serializers.ModelSerializer):
    class Meta:
        model = ReintegrationSupport
        fields = ["kind", "amount", "currency", "paid_to_family_member", "family_member_reason", "note"]


class RepatriationSerializer(serializers.ModelSerializer):
    destination = serializers.CharField(source="destination.code", allow_blank=True)
    reintegration_last_day = serializers.SerializerMethodField()
    follow_up_last_day = serializers.SerializerMethodField()
    support_items = SupportItemSerializer(many=True)

    class Meta:
        model = Repatriation
        fields = [
            "offered_on",
            "answer",
            "answered_on",
            "reasons",
            "reintegration_plan",
            "planned_departure_on",
            "returned_on",
            "destination",
            "version",
            "reintegration_last_day",
            "follow_up_last_day",
            "support_items",
        ]

    def get_reintegration_last_day(self, repatriation) -> str | None:
        return reintegration_last_day(repatriation.returned_on).isoformat() if repatriation.returned_on else None

    def get_follow_up_last_day(self, repatriation) -> str | None:
        return follow_up_last_day(repatriation.returned_on).isoformat() if repatriation.returned_on else None


def repatriation_data(user, case) -> dict | None:
    """The case's repatriation as this user may read it (None if none was offered)."""
    repatriation = Repatriation.objects.filter(case=case).prefetch_related("support_items").first()
    if repatriation is None:
        return None
    data = RepatriationSerializer(repatriation).data
    return fieldsets.prune(data, fieldsets.fields_for(user, case), prefix="repatriation.")


class RepatriationDetailApi(APIView):
    @extend_schema(responses=RepatriationSerializer(allow_null=True))
    def get(self, request, number):
        case = case_queries.case_for_events(request.user, number)
        data = repatriation_data(request.user, case)
        audit_read(request, what="api_repatriation", case=case, purpose=case_queries.read_purpose(case))
        return Response(data)


class RepatriationTransitionApi(CaseTransitionApi):
    def respond(self, result) -> Response:
        case = case_queries.case_for_events(self.request.user, self.kwargs["number"])
        return Response(repatriation_data(self.request.user, case))


RESPONSES = {**TRANSITION_RESPONSES, 200: RepatriationSerializer(allow_null=True)}


class DublinApi(CaseTransitionApi):
    action = Action.RECORD_DUBLIN
    service = services.dublin_record

    @extend_schema_serializer(component_name="DublinInput")
    class InputSerializer(CaseTransitionApi.InputSerializer):
        pass

    @extend_schema(request=InputSerializer, responses=TRANSITION_RESPONSES)
    def post(self, request, number):
        return super().post(request, number)


class OfferApi(RepatriationTransitionApi):
    action = Action.OFFER_REPATRIATION
    service = services.repatriation_offer

    @extend_schema_serializer(component_name="RepatriationOfferInput")
    class InputSerializer(CaseTransitionApi.InputSerializer):
        offered_on = serializers.DateField(validators=[rules.past_day])

    @extend_schema(request=InputSerializer, responses=RESPONSES)
    def post(self, request, number):
        return super().post(request, number)


class DecisionApi(RepatriationTransitionApi):
    action = Action.DECIDE_REPATRIATION
    service = services.repatriation_decide

    @extend_schema_serializer(component_name="RepatriationDecisionInput")
    class InputSerializer(CaseTransitionApi.InputSerializer):
        answer = serializers.ChoiceField(choices=[Repatriation.Answer.ACCEPTED, Repatriation.Answer.DECLINED])
        answered_on = serializers.DateField(validators=[rules.past_day])
        reasons = TextField(
            required=False, allow_blank=True, max_length=checks.TEXT_MAX_LENGTH, validators=[checks.free_text]
        )

    @extend_schema(request=InputSerializer, responses=RESPONSES)
    def post(self, request, number):
        return super().post(request, number)


class PlanApi(RepatriationTransitionApi):
    action = Action.RECORD_REINTEGRATION
    service = services.reintegration_plan_save

    @extend_schema_serializer(component_name="ReintegrationPlanInput")
    class InputSerializer(CaseTransitionApi.InputSerializer):
        reintegration_plan = TextField(max_length=checks.TEXT_MAX_LENGTH, validators=[checks.free_text])
        destination = serializers.ChoiceField(choices=[])
        planned_departure_on = serializers.DateField(required=False, allow_null=True, validators=[rules.planned_day])

        def __init__(self, *args, **kwargs):
            from django_countries import countries

            super().__init__(*args, **kwargs)
            self.fields["destination"].choices = [code for code, _name in countries if code != rules.DANISH]

    @extend_schema(request=InputSerializer, responses=RESPONSES)
    def post(self, request, number):
        return super().post(request, number)


class SupportApi(RepatriationTransitionApi):
    action = Action.RECORD_REINTEGRATION
    service = services.reintegration_support_add

    @extend_schema_serializer(component_name="ReintegrationSupportInput")
    class InputSerializer(CaseTransitionApi.InputSerializer):
        kind = serializers.ChoiceField(choices=ReintegrationSupport.Kind.choices)
        amount = serializers.DecimalField(max_digits=12, decimal_places=2)
        currency = TextField(min_length=3, max_length=3, help_text=_("ISO 4217, for eksempel EUR."))
        paid_to_family_member = serializers.BooleanField(required=False, default=False)
        family_member_reason = TextField(
            required=False, allow_blank=True, max_length=checks.TEXT_MAX_LENGTH, validators=[checks.free_text]
        )
        note = TextField(
            required=False, allow_blank=True, max_length=checks.TEXT_MAX_LENGTH, validators=[checks.free_text]
        )

    @extend_schema(request=InputSerializer, responses=RESPONSES)
    def post(self, request, number):
        return super().post(request, number)


class ReturnApi(RepatriationTransitionApi):
    action = Action.RECORD_RETURN
    service = services.return_record

    @extend_schema_serializer(component_name="RepatriationReturnInput")
    class InputSerializer(CaseTransitionApi.InputSerializer):
        returned_on = serializers.DateField(validators=[rules.past_day])

    @extend_schema(request=InputSerializer, responses=RESPONSES)
    def post(self, request, number):
        return super().post(request, number)


class AttachmentSerializer(serializers.Serializer):
    number = serializers.IntegerField()
    kind = serializers.CharField()
    size = serializers.IntegerField()
    url = serializers.SerializerMethodField()

    def get_url(self, attachment) -> str:
        return reverse("repatriation:attachment", args=[self.context["number"], attachment.pk])


class FollowUpReportSerializer(serializers.ModelSerializer):
    author = serializers.SerializerMethodField()
    attachments = AttachmentSerializer(many=True)

    class Meta:
        model = FollowUpReport
        fields = ["id", "written_on", "text", "author", "created_at", "attachments"]

    def get_author(self, report) -> str:
        fields = self.context.get("fields", fieldsets.WHOLE_FILE)
        return report.author.username if fields.staff_names else report.author.get_agency_display()


class FollowUpReportListApi(CaseTransitionApi):
    """GET: the case's follow-up reports. POST (multipart): a new report with its attachments."""

    action = Action.ADD_FOLLOW_UP_REPORT
    service = services.follow_up_report_add
    parser_classes = [MultiPartParser]

    @extend_schema_serializer(component_name="FollowUpReportInput")
    class InputSerializer(CaseTransitionApi.InputSerializer):
        written_on = serializers.DateField(validators=[rules.past_day])
        text = TextField(max_length=checks.TEXT_MAX_LENGTH, validators=[checks.free_text])
        attachments = serializers.ListField(child=serializers.FileField(), required=False, max_length=5)

    def listed(self, request, number):
        case = case_queries.case_for_events(request.user, number)
        reason = policy.refusal(request.user, Action.READ_ATTACHMENT, case)
        if reason is not None:
            raise PermissionDenied(reason)
        fields = fieldsets.fields_for(request.user, case)
        rows = list(queries.follow_up_reports(case)) if "follow_up_reports.text" in fields else []
        return case, fields, rows

    @extend_schema(responses=FollowUpReportSerializer(many=True))
    def get(self, request, number):
        case, fields, rows = self.listed(request, number)
        audit_read(request, what="api_follow_up_reports", case=case, purpose=case_queries.read_purpose(case))
        return Response(FollowUpReportSerializer(rows, many=True, context={"fields": fields, "number": number}).data)

    def perform(self, *, attachments=None, **kwargs):
        return services.follow_up_report_add(attachments=uploads_content(attachments), **kwargs)

    def respond(self, result) -> Response:
        report = queries.follow_up_reports(result.case).get(pk=result.pk)
        fields = fieldsets.fields_for(self.request.user, result.case)
        return Response(
            FollowUpReportSerializer(report, context={"fields": fields, "number": self.kwargs["number"]}).data,
            status=201,
        )

    @extend_schema(request=InputSerializer, responses={**TRANSITION_RESPONSES, 201: FollowUpReportSerializer})
    def post(self, request, number):
        return super().post(request, number)

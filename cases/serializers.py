from django.core.exceptions import ObjectDoesNotExist
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_countries import countries
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from access import fieldsets
from cmm import validators as checks
from cmm.fields import TEXT_FIELD_MAPPING, DateTimeField
from identification.models import Assessment, Period, PeriodExtension

from .codes import ExploitationForm, MeansOfControl, ReferralChannel, ReferralSource, ResidenceStatus
from .lifecycle import current_representative
from .models import PERSON_FIELDS, REFERRAL_FIELDS, Case, CaseEvent, Deadline, Person, Referral, Representative
from .validators import cpr_number_clean, document_number_clean


class PersonSerializer(serializers.ModelSerializer):
    serializer_field_mapping = TEXT_FIELD_MAPPING  # a name is a string, never a number made into one
    nationalities = serializers.ListField(
        child=serializers.ChoiceField(choices=list(countries)),
        required=False,
        max_length=checks.NATIONALITIES_MAX,
        validators=[checks.unique_items],
    )

    class Meta:
        model = Person
        fields = PERSON_FIELDS
        # Their model validators are the validate_ methods below, which also normalise.
        extra_kwargs = {"cpr_number": {"validators": []}, "document_number": {"validators": []}}

    def validate_date_of_birth(self, value):
        if value and value > timezone.localdate():
            raise serializers.ValidationError(_("Fødselsdatoen kan ikke ligge i fremtiden."))
        return value

    def validate_cpr_number(self, value: str) -> str:
        return cpr_number_clean(value)

    def validate_document_number(self, value: str) -> str:
        return document_number_clean(value)


class ReferralSerializer(serializers.ModelSerializer):
    serializer_field_mapping = TEXT_FIELD_MAPPING
    source = serializers.ChoiceField(choices=ReferralSource.choices)
    channel = serializers.ChoiceField(choices=ReferralChannel.choices)
    residence_status = serializers.ChoiceField(choices=ResidenceStatus.choices)
    exploitation_forms = serializers.ListField(
        child=serializers.ChoiceField(choices=ExploitationForm.choices),
        min_length=1,
        max_length=len(ExploitationForm.choices),
        error_messages={"min_length": _("Vælg mindst én formodet udnyttelsesform.")},
        validators=[checks.unique_items],
    )
    means_of_control = serializers.ListField(
        child=serializers.ChoiceField(choices=MeansOfControl.choices),
        required=False,
        max_length=len(MeansOfControl.choices),
        validators=[checks.unique_items],
    )
    received_at = DateTimeField(required=False, validators=[checks.received])

    class Meta:
        model = Referral
        fields = REFERRAL_FIELDS

    def validate(self, attrs):
        if attrs.get("detained") and not attrs.get("detained_at"):
            raise serializers.ValidationError({"detained_at": _("Angiv hvornår personen blev frihedsberøvet.")})
        if attrs.get("detained_at") and not attrs.get("detained"):
            raise serializers.ValidationError(
                {"detained": _("Markér at personen er frihedsberøvet, eller fjern tidspunktet.")}
            )
        return attrs


class DeadlineSerializer(serializers.ModelSerializer):
    case = serializers.CharField(source="case.number", read_only=True)
    overdue = serializers.BooleanField(source="is_overdue", read_only=True)

    class Meta:
        model = Deadline
        fields = ["id", "case", "kind", "due_at", "status", "overdue", "legal_source", "closed_at"]


class AssessmentSerializer(serializers.ModelSerializer):
    class Meta:
        model = Assessment
        fields = [
            "decision",
            "decided_on",
            "decided_at",
            "assessing_authority",
            "interview_on",
            "interpreter_language",
            "indicators",
            "reasons",
        ]


class PeriodExtensionSerializer(serializers.ModelSerializer):
    class Meta:
        model = PeriodExtension
        fields = ["days", "exceptional_circumstances", "cooperates_on_repatriation", "granted_at"]


class PeriodSerializer(serializers.ModelSerializer):
    last_day = serializers.DateField(read_only=True)
    extensions = PeriodExtensionSerializer(many=True, read_only=True)

    class Meta:
        model = Period
        fields = ["kind", "starts_on", "days_total", "last_day", "extensions"]


class CaseListSerializer(serializers.ModelSerializer):
    """A row of a case list; an organisation's rows leave out what not every share scope may read."""

    # The parts of the case (access.fieldsets) each column shows.
    PARTS = {
        "person": "person.given_name",
        "nationalities": "person.nationalities",
        "exploitation_forms": "referral.exploitation_forms",
    }

    person = serializers.CharField(source="person.full_name")
    nationalities = serializers.ListField(source="person.nationalities", child=serializers.CharField())
    exploitation_forms = serializers.ListField(source="referral.exploitation_forms", child=serializers.CharField())
    next_due = serializers.DateTimeField(allow_null=True)

    class Meta:
        model = Case
        fields = [
            "number",
            "status",
            "competent_authority",
            "person",
            "nationalities",
            "exploitation_forms",
            "next_due",
            "created_at",
        ]

    def to_representation(self, instance):
        data = super().to_representation(instance)
        request = self.context.get("request")
        if request is None:
            return data
        fields = fieldsets.list_fields(request.user)
        return {key: value for key, value in data.items() if self.PARTS.get(key, key) in fields}


class RepresentativeSerializer(serializers.ModelSerializer):
    class Meta:
        model = Representative
        fields = ["kind", "name", "phone", "organisation", "appointed_on"]


class CaseDetailSerializer(serializers.ModelSerializer):
    person = PersonSerializer()
    referral = ReferralSerializer()
    assessment = serializers.SerializerMethodField()
    period = serializers.SerializerMethodField()
    representative = serializers.SerializerMethodField()
    deadlines = DeadlineSerializer(many=True)

    class Meta:
        model = Case
        fields = [
            "number",
            "status",
            "competent_authority",
            "exit_reason",
            "exit_on",
            "exit_note",
            "version",
            "created_at",
            "updated_at",
            "closed_at",
            "dublin_regulation",
            "person",
            "referral",
            "assessment",
            "period",
            "representative",
            "deadlines",
        ]

    @extend_schema_field(AssessmentSerializer(allow_null=True))
    def get_assessment(self, case):
        try:
            return AssessmentSerializer(case.assessment).data
        except ObjectDoesNotExist:
            return None

    @extend_schema_field(RepresentativeSerializer(allow_null=True))
    def get_representative(self, case):
        representative = current_representative(case)
        return None if representative is None else RepresentativeSerializer(representative).data

    @extend_schema_field(PeriodSerializer(allow_null=True))
    def get_period(self, case):
        try:
            return PeriodSerializer(case.period).data
        except ObjectDoesNotExist:
            return None


class CaseEventSerializer(serializers.ModelSerializer):
    """A timeline entry. Staff are named by username to case work and by agency to anyone else (context
    `fields`: the reader's access.fieldsets.FieldSet); the reason is left out where the set hides it."""

    actor = serializers.SerializerMethodField()

    class Meta:
        model = CaseEvent
        fields = ["event_type", "created_at", "actor", "reason", "data"]

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_actor(self, event):
        if event.actor_id is None:
            return None
        fields = self.context.get("fields", fieldsets.WHOLE_FILE)
        return event.actor.username if fields.staff_names else event.actor.get_agency_display()

    def to_representation(self, instance):
        data = super().to_representation(instance)
        if "events.reason" not in self.context.get("fields", fieldsets.WHOLE_FILE):
            data.pop("reason")
        return data

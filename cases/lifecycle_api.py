"""REST API for a victim's case after identification: contact person, a minor's representative, closing.

The same services, policy and errors as the browser (cases.api.CaseTransitionApi): 400 refused, 404 unseen,
409 stale.
"""

from drf_spectacular.utils import extend_schema, extend_schema_serializer
from rest_framework import serializers

from access import policy
from accounts.models import User
from cmm import validators as checks
from cmm.fields import TextField

from . import lifecycle
from .api import TRANSITION_RESPONSES, CaseTransitionApi
from .models import Case, Representative


class ContactPersonApi(CaseTransitionApi):
    """Assign the case's CMM contact person, or reassign it (a CMM coordinator)."""

    action = policy.Action.ASSIGN_CONTACT_PERSON
    service = lifecycle.contact_person_assign

    @extend_schema_serializer(component_name="ContactPersonInput")
    class InputSerializer(CaseTransitionApi.InputSerializer):
        # Any user's id: one who is not an active CMM contact person is refused by the service, with the reason.
        contact_person = serializers.PrimaryKeyRelatedField(queryset=User.objects.all())

    @extend_schema(request=InputSerializer, responses=TRANSITION_RESPONSES)
    def post(self, request, number):
        return super().post(request, number)


class RepresentativeApi(CaseTransitionApi):
    """Record a minor's personal representative or person with parental responsibility (ends the one before)."""

    action = policy.Action.RECORD_REPRESENTATIVE
    service = lifecycle.representative_record

    @extend_schema_serializer(component_name="RepresentativeInput")
    class InputSerializer(CaseTransitionApi.InputSerializer):
        kind = serializers.ChoiceField(choices=Representative.Kind.choices)
        name = TextField(max_length=200, validators=[checks.one_line_text])
        phone = TextField(required=False, allow_blank=True, max_length=40, validators=[checks.one_line_text])
        organisation = TextField(required=False, allow_blank=True, max_length=200, validators=[checks.one_line_text])
        appointed_on = serializers.DateField(validators=[lifecycle.appointed])

    @extend_schema(request=InputSerializer, responses=TRANSITION_RESPONSES)
    def post(self, request, number):
        return super().post(request, number)


class CaseCloseApi(CaseTransitionApi):
    """Close a victim's case with its exit reason and day; before a follow-up ends only with `exit_note`."""

    action = policy.Action.CLOSE_CASE
    service = lifecycle.case_close

    @extend_schema_serializer(component_name="CaseCloseInput")
    class InputSerializer(CaseTransitionApi.InputSerializer):
        exit_reason = serializers.ChoiceField(
            choices=[(value, label) for value, label in Case.ExitReason.choices if value in lifecycle.CLOSING_REASONS]
        )
        exit_on = serializers.DateField(validators=[lifecycle.exit_day])
        exit_note = TextField(
            required=False, allow_blank=True, max_length=checks.TEXT_MAX_LENGTH, validators=[checks.free_text]
        )

    @extend_schema(request=InputSerializer, responses=TRANSITION_RESPONSES)
    def post(self, request, number):
        return super().post(request, number)

from rest_framework import serializers

from .models import ActionPlanVersion, SupportService


class SupportServiceSerializer(serializers.ModelSerializer):
    """A service as the API shows it; the note only to those whose field set reads it (case work)."""

    class Meta:
        model = SupportService
        fields = ["id", "type", "provider", "status", "starts_on", "ends_on", "note", "version", "recorded_at"]

    def to_representation(self, instance):
        data = super().to_representation(instance)
        fields = self.context.get("fields")
        if fields is not None and "support_service_notes" not in fields:
            data.pop("note")
        return data


class ActivityOutputSerializer(serializers.Serializer):
    text = serializers.CharField()
    responsible = serializers.CharField()
    due_on = serializers.DateField(allow_null=True)


class ActionPlanVersionSerializer(serializers.ModelSerializer):
    goals = serializers.ListField(child=serializers.CharField(), read_only=True)
    activities = ActivityOutputSerializer(many=True, read_only=True)
    review_dates = serializers.ListField(child=serializers.DateField(), read_only=True)

    class Meta:
        model = ActionPlanVersion
        fields = [
            "number",
            "made_on",
            "made_with_person",
            "made_with_representative",
            "goals",
            "activities",
            "review_dates",
            "created_at",
        ]

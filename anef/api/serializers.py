from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from anef.applications.models import Application, ApplicationEvent
from anef.applications.selectors import applicant_timeline
from anef.procedures.models import Procedure


class ProcedureSerializer(serializers.ModelSerializer):
    title = serializers.CharField(read_only=True)
    summary = serializers.CharField(read_only=True)
    legal_basis = serializers.CharField(read_only=True)

    class Meta:
        model = Procedure
        fields = [
            "code",
            "version",
            "category",
            "title",
            "summary",
            "legal_basis",
            "fee_eur",
            "target_days",
            "biometrics",
        ]


class EventSerializer(serializers.ModelSerializer):
    class Meta:
        model = ApplicationEvent
        fields = ["sequence", "kind", "from_state", "to_state", "reason", "created_at"]


class ApplicationSerializer(serializers.ModelSerializer):
    procedure = serializers.SlugRelatedField(slug_field="code", read_only=True)
    prefecture = serializers.SlugRelatedField(slug_field="code", read_only=True)

    class Meta:
        model = Application
        fields = [
            "reference", "procedure", "state", "state_changed_at", "prefecture", "filed_at", "filed_in_time",
            "created_at", "updated_at",
        ]  # fmt: skip


class ApplicationDetailSerializer(ApplicationSerializer):
    events = serializers.SerializerMethodField()

    class Meta(ApplicationSerializer.Meta):
        fields = [*ApplicationSerializer.Meta.fields, "answers", "events"]

    @extend_schema_field(EventSerializer(many=True))
    def get_events(self, application):
        return EventSerializer(applicant_timeline(application=application), many=True).data

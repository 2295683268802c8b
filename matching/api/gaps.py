"""Gaps: live vacancies the last run could not match, and why."""

from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema_field
from rest_framework import mixins, serializers, viewsets

from matching.models import Gap
from matching.permissions import visible_gaps


class GapSerializer(serializers.ModelSerializer):
    reason_text = serializers.SerializerMethodField()
    vacancy_title = serializers.CharField(source="vacancy.title", read_only=True)
    standard = serializers.IntegerField(source="vacancy.standard.lars_code", read_only=True)
    local_authority = serializers.CharField(source="vacancy.local_authority.name", read_only=True)

    class Meta:
        model = Gap
        fields = [
            "vacancy",
            "reason",
            "reason_text",
            "vacancy_title",
            "standard",
            "local_authority",
            "run",
            "updated_at",
        ]
        read_only_fields = fields

    @extend_schema_field(serializers.CharField())
    def get_reason_text(self, gap: Gap) -> str:
        return gap.get_reason_display()


class GapViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """Live vacancies the last run could not match, and why: what the hub takes to providers."""

    access_name = "gaps"
    serializer_class = GapSerializer
    filterset_fields = ["reason"]

    def get_queryset(self) -> QuerySet[Gap]:
        return (
            visible_gaps(self.request.user)
            .select_related("vacancy__standard", "vacancy__local_authority")
            .order_by("vacancy_id")
        )

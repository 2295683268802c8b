"""Matching API: runs (hub), suggestions (hub: all; parties: approved ones involving them), gaps."""

import django_filters
from django.db.models import QuerySet
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_field
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.request import Request
from rest_framework.response import Response

from apprenticeships.permissions import visible_gaps, visible_suggestions
from matching import services
from matching.ml.candidates import GapReason
from matching.ml.explain import summary
from matching.models import Gap, MatchRun, Suggestion


class MatchRunSerializer(serializers.ModelSerializer):
    created_by = serializers.CharField(source="created_by.username", default=None, read_only=True)

    class Meta:
        model = MatchRun
        fields = [
            "id",
            "kind",
            "status",
            "progress",
            "counts",
            "model_version",
            "timings",
            "error",
            "standards",
            "created_by",
            "created_at",
            "started_at",
            "finished_at",
        ]
        read_only_fields = fields


class ExplanationSerializer(serializers.Serializer):
    feature = serializers.CharField()
    value = serializers.FloatField(allow_null=True)
    contribution = serializers.FloatField()
    text = serializers.CharField()


class SuggestionSerializer(serializers.ModelSerializer):
    explanation = ExplanationSerializer(many=True, read_only=True)
    summary = serializers.SerializerMethodField()
    vacancy_title = serializers.CharField(source="vacancy.title", read_only=True)
    employer_name = serializers.CharField(source="vacancy.employer.name", read_only=True)
    provider = serializers.IntegerField(source="course_offer.provider_id", read_only=True)
    provider_name = serializers.CharField(source="course_offer.provider.name", read_only=True)
    course_title = serializers.CharField(source="course_offer.title", read_only=True)
    cohort_start_date = serializers.DateField(source="cohort.start_date", read_only=True)

    class Meta:
        model = Suggestion
        fields = [
            "id",
            "vacancy",
            "course_offer",
            "cohort",
            "score",
            "rank",
            "status",
            "explanation",
            "summary",
            "version",
            "model_version",
            "vacancy_title",
            "employer_name",
            "provider",
            "provider_name",
            "course_title",
            "cohort_start_date",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields

    @extend_schema_field(serializers.CharField())
    def get_summary(self, suggestion: Suggestion) -> str:
        return summary(suggestion.explanation)


class SuggestionFilter(django_filters.FilterSet):
    status = django_filters.MultipleChoiceFilter(choices=Suggestion.Status.choices)
    vacancy = django_filters.NumberFilter(field_name="vacancy_id")
    course_offer = django_filters.NumberFilter(field_name="course_offer_id")
    provider = django_filters.NumberFilter(field_name="course_offer__provider_id")
    local_authority = django_filters.CharFilter(field_name="vacancy__local_authority__code")
    score_min = django_filters.NumberFilter(field_name="score", lookup_expr="gte")
    score_max = django_filters.NumberFilter(field_name="score", lookup_expr="lte")
    rank = django_filters.NumberFilter()

    class Meta:
        model = Suggestion
        fields = ["status", "vacancy", "course_offer", "provider", "local_authority", "score_min", "score_max", "rank"]


class MatchRunViewSet(
    mixins.CreateModelMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """Matching runs. Hub staff start a full run (202); only one full run runs at a time (409)."""

    access_name = "match-runs"
    serializer_class = MatchRunSerializer
    queryset = MatchRun.objects.select_related("created_by")
    filterset_fields = ["kind", "status"]
    ordering_fields = ["created_at"]

    @extend_schema(
        request=None,
        responses={
            202: MatchRunSerializer,
            409: OpenApiResponse(description="A full run is already queued or running; `run` is its id."),
        },
    )
    def create(self, request: Request, *args, **kwargs) -> Response:
        try:
            run = services.run_full_start(by=request.user)
        except services.RunInProgress as busy:
            body = {"detail": f"Full run {busy.run.pk} is already {busy.run.status}.", "run": busy.run.pk}
            return Response(body, status=status.HTTP_409_CONFLICT)
        run.refresh_from_db()
        return Response(self.get_serializer(run).data, status=status.HTTP_202_ACCEPTED)


class SuggestionViewSet(viewsets.ReadOnlyModelViewSet):
    """Suggested pairings with their explanations. Employers and providers see only approved ones involving them."""

    access_name = "suggestions"
    serializer_class = SuggestionSerializer
    filterset_class = SuggestionFilter
    ordering_fields = ["score", "rank", "created_at", "vacancy"]

    def get_queryset(self) -> QuerySet[Suggestion]:
        return (
            visible_suggestions(self.request.user)
            .select_related("vacancy__employer", "course_offer__provider", "cohort")
            .order_by("vacancy_id", "rank", "id")
        )


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
        return GapReason.LABELS.get(gap.reason, gap.reason)


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

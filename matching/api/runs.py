"""Matching runs (hub staff): list them, and start a full run."""

from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.request import Request
from rest_framework.response import Response

from matching import services
from matching.models import MatchRun


class MatchRunSerializer(serializers.ModelSerializer):
    created_by = serializers.CharField(source="created_by.username", default=None, allow_null=True, read_only=True)
    optimality = serializers.CharField(
        read_only=True,
        help_text='The first suggestions against the best possible total: "optimal", or "within 0.08% of the best '
        'possible total" ("" until the run has finished).',
    )

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
            "optimality_gap",
            "optimality",
            "error",
            "standards",
            "created_by",
            "created_at",
            "started_at",
            "finished_at",
        ]
        read_only_fields = fields


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

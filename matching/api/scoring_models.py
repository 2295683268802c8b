"""Versions of the scoring model (hub staff): their figures, training a new one, and rolling back."""

from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_field
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from matching import services
from matching.models import ScoringModel
from matching.selectors import scoring_models


class ScoringModelSerializer(serializers.ModelSerializer):
    is_active = serializers.SerializerMethodField()

    class Meta:
        model = ScoringModel
        fields = ["version", "status", "is_active", "params", "metrics", "sklearn_version", "created_at", "promoted_at"]
        read_only_fields = fields

    @extend_schema_field(serializers.BooleanField())
    def get_is_active(self, model: ScoringModel) -> bool:
        return model.status == ScoringModel.Status.ACTIVE


class ScoringModelViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """Versions of the scoring model with their figures; hub staff train a new one or roll back."""

    access_name = "matcher-models"
    serializer_class = ScoringModelSerializer
    queryset = scoring_models()
    lookup_field = "version"
    filter_backends: list = []

    @extend_schema(
        request=None,
        responses={201: ScoringModelSerializer, 409: OpenApiResponse(description="No decisions of both kinds yet.")},
    )
    @action(detail=False, methods=["post"], url_path="train")
    def train(self, request: Request) -> Response:
        """Train on every decision so far; the new model is used only if it beats the current one on held-out ones."""
        try:
            model = services.matcher_retrain()
        except services.NotEnoughDecisions as error:
            return Response({"detail": str(error)}, status=status.HTTP_409_CONFLICT)
        return Response(self.get_serializer(model).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=None, responses=ScoringModelSerializer)
    @action(detail=True, methods=["post"])
    def activate(self, request: Request, version: str | None = None) -> Response:
        """Use this version from now on (a roll-back to an earlier model, say)."""
        model = services.model_activate(self.get_object().version)
        return Response(self.get_serializer(model).data)

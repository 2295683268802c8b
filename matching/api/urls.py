from django.urls import path
from rest_framework.routers import DefaultRouter

from matching.api import gaps, reports, runs, scoring_models, suggestions

router = DefaultRouter(trailing_slash=True)
router.include_root_view = False
router.register("match-runs", runs.MatchRunViewSet, basename="match-run")
router.register("suggestions", suggestions.SuggestionViewSet, basename="suggestion")
router.register("gaps", gaps.GapViewSet, basename="gap")
router.register("matcher/models", scoring_models.ScoringModelViewSet, basename="matcher-model")
router.register("reports", reports.ReportViewSet, basename="report")

urlpatterns = [
    # POST /api/v1/matcher/train/ as the issue names it; the same as /api/v1/matcher/models/train/.
    path("matcher/train/", scoring_models.ScoringModelViewSet.as_view({"post": "train"}), name="matcher-train"),
    *router.urls,
]

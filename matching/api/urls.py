from rest_framework.routers import DefaultRouter

from matching.api import views

router = DefaultRouter(trailing_slash=True)
router.include_root_view = False
router.register("match-runs", views.MatchRunViewSet, basename="match-run")
router.register("suggestions", views.SuggestionViewSet, basename="suggestion")
router.register("gaps", views.GapViewSet, basename="gap")

urlpatterns = router.urls

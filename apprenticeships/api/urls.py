from django.urls import path
from rest_framework.routers import DefaultRouter

from apprenticeships.api import funding, offers, reach, vacancies, views

router = DefaultRouter(trailing_slash=True)
router.include_root_view = False
router.register("standards", views.StandardViewSet, basename="standard")
router.register("employers", views.EmployerViewSet, basename="employer")
router.register("providers", views.ProviderViewSet, basename="provider")
router.register("users", views.UserViewSet, basename="user")
router.register("vacancies", vacancies.VacancyViewSet, basename="vacancy")
router.register("public/vacancies", vacancies.PublicVacancyViewSet, basename="public-vacancy")
router.register("course-offers", offers.CourseOfferViewSet, basename="course-offer")

urlpatterns = [
    path("auth/token/", views.TokenView.as_view(), name="api-token"),
    path("me/", views.MeView.as_view(), name="api-me"),
    path("places/<str:postcode>/", views.PlaceView.as_view(), name="api-place"),
    path("places/<str:postcode>/reach/", reach.PlaceReachView.as_view(), name="api-place-reach"),
    path("funding/estimate/", funding.FundingEstimateView.as_view(), name="api-funding-estimate"),
    *router.urls,
]

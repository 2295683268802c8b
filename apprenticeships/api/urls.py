from django.urls import path, re_path
from rest_framework.routers import DefaultRouter

from apprenticeships.api import applications, funding, invitations, offers, pledges, reach, training, vacancies, views

router = DefaultRouter(trailing_slash=True)
router.include_root_view = False
router.register("standards", views.StandardViewSet, basename="standard")
router.register("employers", views.EmployerViewSet, basename="employer")
router.register("providers", views.ProviderViewSet, basename="provider")
router.register("users", views.UserViewSet, basename="user")
router.register("vacancies", vacancies.VacancyViewSet, basename="vacancy")
router.register("public/vacancies", vacancies.PublicVacancyViewSet, basename="public-vacancy")
router.register("applications", applications.ApplicationViewSet, basename="application")
router.register("course-offers", offers.CourseOfferViewSet, basename="course-offer")
router.register("training", training.TrainingViewSet, basename="training")
router.register("pledges", pledges.PledgeViewSet, basename="pledge")
router.register("pledge-applications", pledges.PledgeApplicationViewSet, basename="pledge-application")
router.register("invitations", invitations.InvitationViewSet, basename="invitation")
router.register("hub-tasks", invitations.HubTaskViewSet, basename="hub-task")

urlpatterns = [
    path("auth/token/", views.TokenView.as_view(), name="api-token"),
    path("me/", views.MeView.as_view(), name="api-me"),
    path("places/<str:postcode>/", views.PlaceView.as_view(), name="api-place"),
    path("places/<str:postcode>/reach/", reach.PlaceReachView.as_view(), name="api-place-reach"),
    path("funding/estimate/", funding.FundingEstimateView.as_view(), name="api-funding-estimate"),
    re_path(  # [^/.]+ as the router's ids: the view answers 404 for one that is not a number
        r"^public/vacancies/(?P<pk>[^/.]+)/applications/$",
        applications.PublicApplicationView.as_view(),
        name="api-public-vacancy-applications",
    ),
    path("public/alerts/", applications.PublicAlertView.as_view(), name="api-public-alerts"),
    re_path(
        r"^vacancies/(?P<pk>[^/.]+)/applications/$",
        applications.VacancyApplicationsView.as_view(),
        name="api-vacancy-applications",
    ),
    path("applicant-data/export/", applications.ApplicantDataExportView.as_view(), name="api-applicant-data-export"),
    path("applicant-data/erase/", applications.ApplicantDataEraseView.as_view(), name="api-applicant-data-erase"),
    *router.urls,
]

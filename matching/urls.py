from django.urls import path

from apprenticeships.models import Role
from matching.views import matches, models, requests, review, runs

EMPLOYER, PROVIDER = {"party": Role.EMPLOYER}, {"party": Role.PROVIDER}

urlpatterns = [
    path("hub/matching/", runs.run_list, name="matching-runs"),
    path("hub/matching/start/", runs.run_start, name="matching-run-start"),
    path("hub/gaps/", runs.gap_list, name="matching-gaps"),
    # Hub review of suggestions
    path("hub/suggestions/", review.review_queue, name="matching-suggestions"),
    path("hub/suggestions/<int:pk>/", review.suggestion_detail, name="matching-suggestion"),
    path("hub/suggestions/<int:pk>/approve/", review.suggestion_approve, name="matching-suggestion-approve"),
    path("hub/suggestions/<int:pk>/reject/", review.suggestion_reject, name="matching-suggestion-reject"),
    # Employers' requests for introductions, which the review queue lists beside suggestions
    path("hub/introduction-requests/<int:pk>/", requests.request_detail, name="matching-introduction-request"),
    path(
        "hub/introduction-requests/<int:pk>/accept/",
        requests.request_accept,
        name="matching-introduction-request-accept",
    ),
    path(
        "hub/introduction-requests/<int:pk>/decline/",
        requests.request_decline,
        name="matching-introduction-request-decline",
    ),
    path("employer/training/<int:pk>/introduce/", requests.request_new, name="employer-introduction-request-new"),
    path("employer/introduction-requests/", requests.request_list, name="employer-introduction-requests"),
    # Scoring models
    path("hub/models/", models.model_list, name="matching-models"),
    path("hub/models/train/", models.model_train, name="matching-model-train"),
    path("hub/models/<str:version>/activate/", models.model_activate, name="matching-model-activate"),
    # Employers' and providers' introductions
    path("employer/matches/", matches.match_list, EMPLOYER, name="employer-matches"),
    path("employer/matches/<int:pk>/accept/", matches.match_accept, EMPLOYER, name="employer-match-accept"),
    path("employer/matches/<int:pk>/decline/", matches.match_decline, EMPLOYER, name="employer-match-decline"),
    path("provider/matches/", matches.match_list, PROVIDER, name="provider-matches"),
    path("provider/matches/<int:pk>/accept/", matches.match_accept, PROVIDER, name="provider-match-accept"),
    path("provider/matches/<int:pk>/decline/", matches.match_decline, PROVIDER, name="provider-match-decline"),
]

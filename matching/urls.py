from django.urls import path

from matching import views

urlpatterns = [
    path("hub/matching/", views.run_list, name="matching-runs"),
    path("hub/matching/start/", views.run_start, name="matching-run-start"),
    path("hub/suggestions/", views.suggestion_list, name="matching-suggestions"),
    path("hub/gaps/", views.gap_list, name="matching-gaps"),
]

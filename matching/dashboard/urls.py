from django.urls import path

from matching.dashboard import views

urlpatterns = [
    path("dashboard/", views.dashboard, name="dashboard"),
    path("dashboard/export/<slug:name>.csv", views.export, name="dashboard-export"),
]

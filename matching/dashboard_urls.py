from django.urls import path

from matching import dashboard_views

urlpatterns = [
    path("dashboard/", dashboard_views.dashboard, name="dashboard"),
    path("dashboard/export/<slug:name>.csv", dashboard_views.export, name="dashboard-export"),
]

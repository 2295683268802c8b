from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from lcr_skills.health import healthz

admin.site.site_header = "LCR Skills Match administration"
admin.site.site_title = "LCR Skills Match"

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("admin/", admin.site.urls),
    path("api/v1/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/v1/docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
    path("api/v1/", include("apprenticeships.api.urls")),
    path("api/v1/", include("matching.api.urls")),
    path("", include("matching.urls")),
    path("", include("matching.dashboard_urls")),
    path("", include("apprenticeships.urls")),
]

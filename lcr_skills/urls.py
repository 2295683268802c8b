from csp.constants import UNSAFE_INLINE
from csp.decorators import csp_update
from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from lcr_skills.health import healthz

admin.site.site_header = "LCR Skills Match administration"
admin.site.site_title = "LCR Skills Match"

# Swagger UI, with its start-up script served as a file (the "split" view) so scripts stay
# same-origin only; it still needs its inline <style> block and data: images, on this page alone.
api_docs = csp_update({"style-src": [UNSAFE_INLINE], "img-src": ["data:"]})(
    SpectacularSwaggerSplitView.as_view(url_name="api-schema")
)

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("admin/", admin.site.urls),
    path("api/v1/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/v1/docs/", api_docs, name="api-docs"),
    path("api/v1/", include("apprenticeships.api.urls")),
    path("api/v1/", include("matching.api.urls")),
    path("", include("matching.urls")),
    path("", include("matching.dashboard.urls")),
    path("", include("apprenticeships.urls")),
]

handler400 = "lcr_skills.errors.bad_request"

from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.http import JsonResponse
from django.urls import include, path
from django.utils.translation import gettext as _
from django.views import defaults

urlpatterns: list = [
    path("admin/", admin.site.urls),
    path("api/", include("api.urls")),
    path("open311/v2/", include("api.open311.urls")),
    path("tevredenheid/", include("geo_meldpunt.feedback.urls")),
    path("", include("maps.urls")),
]
if settings.DEBUG:
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)


def not_found(request, exception=None):
    """Under /api/ a path that names nothing is answered in JSON like every other API error; pages get the page."""
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": _("Not found.")}, status=404)
    return defaults.page_not_found(request, exception)


handler404 = not_found
# A database outage met outside a view answers 503 with Retry-After too (geo_meldpunt/core/outage.py).
handler500 = "geo_meldpunt.core.outage.server_error"

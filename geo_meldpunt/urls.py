from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.urls import include, path

urlpatterns: list = [
    path("admin/", admin.site.urls),
    path("api/", include("api.urls")),
    path("open311/v2/", include("api.open311.urls")),
    path("tevredenheid/", include("geo_meldpunt.feedback.urls")),
    path("", include("maps.urls")),
]
if settings.DEBUG:
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

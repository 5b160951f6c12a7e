from django.urls import include, path

from .views import public, report

urlpatterns = [
    path("", public.home, name="home"),
    path("meld/", report.meld, name="meld"),
    path("kaart/", public.kaart, name="kaart"),
    path("volg/<str:token>/", public.track, name="track"),
    path("i18n/", include("django.conf.urls.i18n")),  # set_language: the chosen language is kept in a cookie
]

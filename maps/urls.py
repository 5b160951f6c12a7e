from django.urls import include, path

from .views import embed, public, report
from .views.backoffice import auth as backoffice_auth
from .views.backoffice import detail as backoffice_detail
from .views.backoffice import lists as backoffice_lists

# The back office: /behandeling/..., names in the "backoffice" namespace.
backoffice_patterns = [
    path("", backoffice_lists.queue, name="queue"),
    path("login/", backoffice_auth.login, name="login"),
    path("logout/", backoffice_auth.logout, name="logout"),
    path("niet-routeerbaar/", backoffice_lists.unroutable, name="unroutable"),
    path("complimenten/", backoffice_lists.compliments, name="compliments"),
    path("ombudsdienst/", backoffice_lists.ombudsman, name="ombudsman"),
    path("statistieken/", backoffice_lists.statistics, name="statistics"),
    path("meldingen/<str:reference>/", backoffice_detail.report_detail, name="report"),
    path("meldingen/<str:reference>/status/", backoffice_detail.report_transition, name="report-transition"),
    path("meldingen/<str:reference>/herverdelen/", backoffice_detail.report_reassign, name="report-reassign"),
    path("meldingen/<str:reference>/samenvoegen/", backoffice_detail.report_merge, name="report-merge"),
    path("meldingen/<str:reference>/notitie/", backoffice_detail.report_note, name="report-note"),
]

# What the city's own web site embeds (see maps/views/embed.py): names in the "embed" namespace.
embed_patterns = [
    path("meldpunt.js", embed.script, name="script"),
    path("knop/", embed.knop, name="knop"),
    path("kaart/", embed.kaart, name="kaart"),
    path("naar/<slug:page>/", embed.naar, name="naar"),
]

urlpatterns = [
    path("", public.home, name="home"),
    path("meld/", report.meld, name="meld"),
    path("kaart/", public.kaart, name="kaart"),
    path("volg/<str:token>/", public.track, name="track"),
    path("i18n/", include("django.conf.urls.i18n")),  # set_language: the chosen language is kept in a cookie
    path("behandeling/", include((backoffice_patterns, "backoffice"))),
    path("embed/", include((embed_patterns, "embed"))),
]

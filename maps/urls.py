from django.urls import include, path

from .views import desk, embed, follow, public, report
from .views.backoffice import auth as backoffice_auth
from .views.backoffice import detail as backoffice_detail
from .views.backoffice import lists as backoffice_lists
from .views.field import data as field_data
from .views.field import page as field_page
from .views.insight import dashboard as insight_dashboard
from .views.insight import exports as insight_exports
from .views.insight import heatmap as insight_heatmap
from .views.insight import hotspots
from .views.insight import yearly as insight_yearly

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

# The field page: /veld/..., names in the "field" namespace. The service worker lives here (not under /static/),
# so that its scope is /veld/.
field_patterns = [
    path("", field_page.field_page, name="page"),
    path("sw.js", field_page.service_worker, name="worker"),
    path("manifest.webmanifest", field_page.manifest, name="manifest"),
    path("sessie/", field_data.session, name="session"),
    path("in-de-buurt/", field_data.around, name="around"),
    path("mijn-meldingen/", field_data.mine, name="mine"),
    path("meldingen/<str:reference>/volgen/", field_data.follow, name="follow"),
    path("meldingen/<str:reference>/aanvullen/", field_data.observation, name="observation"),
]

# What the city's own web site embeds (see maps/views/embed.py): names in the "embed" namespace.
embed_patterns = [
    path("meldpunt.js", embed.script, name="script"),
    path("knop/", embed.knop, name="knop"),
    path("kaart/", embed.kaart, name="kaart"),
    path("naar/<slug:page>/", embed.naar, name="naar"),
]

# Insight for planners, management and the coordinator: /inzicht/..., names in the "insight" namespace.
insight_patterns = [
    path("", insight_dashboard.page, name="dashboard"),
    path("jaarverslag/", insight_yearly.latest, name="yearly-latest"),
    path("jaarverslag/<int:year>/", insight_yearly.report, name="yearly"),
    path("export/meldingen.csv", insight_exports.report_list_csv, name="export-reports"),
    path("export/<slug:figure>.csv", insight_exports.figure_csv, name="export"),
    # Recurring hotspots (maps/views/insight/hotspots.py).
    path("hotspots/", hotspots.hotspot_list, name="hotspots"),
    path("hotspots/<int:pk>/", hotspots.hotspot_detail, name="hotspot"),
    path("hotspots/<int:pk>/actie/", hotspots.hotspot_action, name="hotspot-action"),
    path("kaart/", insight_heatmap.heatmap, name="heatmap"),
]

urlpatterns = [
    path("", public.home, name="home"),
    path("meld/", report.meld, name="meld"),
    path("kaart/", public.kaart, name="kaart"),
    path("volg/<str:token>/", public.track, name="track"),
    path("volgen/bevestigen/<str:token>/", follow.follow_confirm, name="follow-confirm"),
    path("i18n/", include("django.conf.urls.i18n")),  # set_language: the chosen language is kept in a cookie
    path("behandeling/", include((backoffice_patterns, "backoffice"))),
    path("veld/", include((field_patterns, "field"))),
    path("balie/", desk.desk, name="desk"),
    path("embed/", include((embed_patterns, "embed"))),
    path("inzicht/", include((insight_patterns, "insight"))),
]

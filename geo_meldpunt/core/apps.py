from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "geo_meldpunt.core"
    label = "core"

from django.apps import AppConfig


class LegacyConfig(AppConfig):
    # No models: the importer of old cases and its command, standing above the reports it writes.
    name = "geo_meldpunt.legacy"
    label = "legacy"

from django.apps import AppConfig


class ReferenceConfig(AppConfig):
    # No models: the app holds the loader and its command, and writes into the apps it loads.
    name = "geo_meldpunt.reference"
    label = "reference"

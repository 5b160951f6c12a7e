from django.apps import AppConfig
from django.core import checks

from . import embedding


class MapsConfig(AppConfig):
    name = "maps"

    def ready(self) -> None:
        checks.register(embedding.check_embed_origins)

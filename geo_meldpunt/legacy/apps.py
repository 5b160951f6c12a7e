from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LegacyConfig(AppConfig):
    # The import of old cases and its command, standing above the reports it writes. Its one model is a proxy
    # of Report: the admin's list of imported cards and the upload page.
    name = "geo_meldpunt.legacy"
    label = "legacy"
    verbose_name = _("Register before the meldpunt")

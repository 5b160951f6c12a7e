"""No table of its own: the imported cases are reports on the legacy channel. The proxy gives the admin a place
for them, with the upload of a register (admin.py)."""

from django.utils.translation import gettext_lazy as _

from geo_meldpunt.reports.models import Report


class ImportedReport(Report):
    class Meta:
        proxy = True
        verbose_name = _("imported signal card")
        verbose_name_plural = _("imported signal cards")

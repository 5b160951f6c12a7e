from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class StaffMembership(models.Model):
    """Which departments a staff member works for: a handler sees and acts on those departments' reports.

    Roles themselves are groups (groups.py); a membership without the handler role gives no access.
    """

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="staff_membership")
    departments = models.ManyToManyField("zones.Department", blank=True, related_name="staff_memberships")

    class Meta:
        verbose_name = _("staff membership")
        verbose_name_plural = _("staff memberships")

    def __str__(self) -> str:
        return str(self.user)

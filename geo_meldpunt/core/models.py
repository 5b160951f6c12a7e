from django.db import models
from django.utils.translation import get_language


class TimeStampedModel(models.Model):
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True


class TranslatedNameModel(models.Model):
    """A name kept in the four UI languages; Dutch is the one every record must have."""

    name_nl = models.CharField(max_length=200)
    name_fr = models.CharField(max_length=200, blank=True)
    name_en = models.CharField(max_length=200, blank=True)
    name_de = models.CharField(max_length=200, blank=True)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.name_nl

    def localized_name(self, language: str | None = None) -> str:
        lang = (language or get_language() or "nl")[:2]
        return getattr(self, f"name_{lang}", "") or self.name_nl

    @property
    def name(self) -> str:
        return self.localized_name()

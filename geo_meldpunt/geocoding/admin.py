"""Addresses in the admin: searchable; the position is edited as text ("POINT (2.9196 51.2297)"), since
GeoDjango's map widget would fetch its script and tiles from the internet."""

from django import forms
from django.contrib import admin
from django.contrib.gis.db import models

from .models import Address


@admin.register(Address)
class AddressAdmin(admin.ModelAdmin):
    list_display = ("street", "housenumber", "postcode", "municipality", "approximate", "source")
    list_filter = ("approximate", "postcode")
    search_fields = ("street", "housenumber", "postcode")
    readonly_fields = ("street_folded",)
    formfield_overrides = {models.PointField: {"widget": forms.Textarea(attrs={"rows": 2, "cols": 60})}}

"""Admin for departments, zones and routing rules.

No map widget: GeoDjango's would fetch tiles from the internet. A zone's boundary shows as a summary and
can be replaced by pasting a GeoJSON geometry, which is repaired exactly as the import command repairs it.
"""

from django import forms
from django.contrib import admin, messages
from django.contrib.gis.gdal import GDALException, OGRGeometry
from django.db import connection
from django.utils.translation import gettext_lazy as _

from geo_meldpunt.core.geo import WGS84

from .geometry import geometries_clean
from .models import Department, RoutingRule, Zone
from .services import zone_save


@admin.register(Department)
class DepartmentAdmin(admin.ModelAdmin):
    list_display = ("name_nl", "slug", "is_external", "is_coordinator", "active", "email", "phone")
    list_filter = ("is_external", "is_coordinator", "active")
    search_fields = ("slug", "name_nl", "name_fr", "name_en", "name_de")


class ZoneAdminForm(forms.ModelForm):
    new_geometry = forms.CharField(
        label=_("Replace boundary"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("A GeoJSON Polygon or MultiPolygon in WGS84 (longitude, latitude). Invalid rings are repaired."),
    )

    class Meta:
        model = Zone
        fields = ("name", "slug", "zone_type", "valid_from", "valid_to", "approximate", "source")

    def clean_new_geometry(self):
        text = self.cleaned_data["new_geometry"].strip()
        self.clean_geom, self.repairs = None, []
        if not text:
            if self.instance.pk is None:
                raise forms.ValidationError(_("A new zone needs a boundary."))
            return text
        try:
            wkb = bytes(OGRGeometry(text).wkb)
        except (GDALException, ValueError, TypeError) as exc:
            raise forms.ValidationError(_("Not a GeoJSON geometry.")) from exc
        (clean,) = geometries_clean(wkbs=[wkb], srid=WGS84)
        if clean.error:
            raise forms.ValidationError(clean.error)
        self.clean_geom, self.repairs = clean.geom, clean.repairs
        return text


@admin.register(Zone)
class ZoneAdmin(admin.ModelAdmin):
    form = ZoneAdminForm
    list_display = ("name", "slug", "zone_type", "approximate", "valid_from", "valid_to", "updated_at")
    list_filter = ("zone_type", "approximate")
    search_fields = ("slug", "name", "source")
    readonly_fields = ("geometry_summary", "created_at", "updated_at")
    fields = (
        ("name", "slug"),
        "zone_type",
        ("valid_from", "valid_to"),
        "approximate",
        "source",
        "geometry_summary",
        "new_geometry",
        ("created_at", "updated_at"),
    )

    def get_queryset(self, request):
        # A boundary can hold thousands of vertices; lists and forms never need them in Python.
        return super().get_queryset(request).defer("geom")

    @admin.display(description=_("boundary"))
    def geometry_summary(self, obj: Zone) -> str:
        if obj.pk is None:
            return "-"
        with connection.cursor() as cursor:
            cursor.execute(
                """
                SELECT ST_NumGeometries(geom), ST_NPoints(geom), ST_Area(geom::geography) / 1e6,
                       ST_XMin(geom), ST_YMin(geom), ST_XMax(geom), ST_YMax(geom),
                       (SELECT count(*) FROM zones_zonepart WHERE zone_id = z.id)
                FROM zones_zone z WHERE id = %s
                """,
                [obj.pk],
            )
            polygons, points, km2, xmin, ymin, xmax, ymax, parts = cursor.fetchone()
        return (
            f"{polygons} polygon(s), {points} vertices, {km2:.3f} km², "
            f"lon {xmin:.5f}..{xmax:.5f}, lat {ymin:.5f}..{ymax:.5f}, {parts} index part(s)"
        )

    def save_model(self, request, obj, form, change):
        if form.clean_geom is not None:
            obj.geom = form.clean_geom
        # Through the service: parts carry the zone type, so they are rebuilt on every save.
        zone_save(zone=obj)
        for note in form.repairs:
            self.message_user(request, _("Boundary %(note)s.") % {"note": note}, messages.WARNING)


class RoutingRuleAdminForm(forms.ModelForm):
    class Meta:
        model = RoutingRule
        fields = ("category", "zone", "zone_type", "department", "priority", "note", "active")

    def clean(self):
        cleaned = super().clean() or self.cleaned_data
        if cleaned.get("zone") and cleaned.get("zone_type"):
            raise forms.ValidationError(_("A rule names a zone or a zone type, not both."))
        return cleaned


@admin.register(RoutingRule)
class RoutingRuleAdmin(admin.ModelAdmin):
    form = RoutingRuleAdminForm
    list_display = ("__str__", "category", "zone", "zone_type", "department", "priority", "active", "note")
    list_display_links = ("__str__",)
    list_editable = ("priority", "active")
    list_filter = ("active", "zone_type", "department", ("zone", admin.RelatedOnlyFieldListFilter))
    list_select_related = ("category", "zone", "department")
    search_fields = ("note", "category__slug", "category__name_nl", "zone__name", "department__name_nl")
    autocomplete_fields = ("zone", "department")

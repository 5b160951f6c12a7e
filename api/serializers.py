"""Input and output shapes of the public API. No personal data is ever in an output serializer here."""

from __future__ import annotations

from django.conf import settings
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework_gis.serializers import GeoFeatureModelSerializer

from geo_meldpunt.core.errors import ApplicationError
from geo_meldpunt.core.languages import current_language
from geo_meldpunt.core.lookups import lookup_value_ok
from geo_meldpunt.notifications.contexts import tracking_url
from geo_meldpunt.reports.models import Category, Channel, Kind, Report, ReportEvent, Status
from geo_meldpunt.reports.photos import PhotoBudget, photo_prepare
from geo_meldpunt.reports.selectors.reference import active_category_cached
from geo_meldpunt.zones.models import Department

from .fields import BboxField, LatField, LonField, PointLocationField, QueryParameters, point_from
from .pagination import CursorField


def photo_urls(report: Report, request) -> list[str]:
    """The addresses of a report's photos (prefetched or not): absolute when a request says on which host."""
    urls = [photo.image.url for photo in report.photos.all()]
    return [request.build_absolute_uri(url) for url in urls] if request is not None else urls


class CategorySlugField(serializers.SlugRelatedField):
    default_error_messages = {
        "does_not_exist": _("Unknown category “{value}”."),
        "invalid": _("Unknown category."),
    }

    def __init__(self, **kwargs):
        kwargs.setdefault("slug_field", "slug")
        kwargs.setdefault("queryset", Category.objects.filter(active=True).select_related("parent", "department"))
        super().__init__(**kwargs)

    def to_internal_value(self, data):
        # Not even a query for a value no slug can be (a NUL would make PostgreSQL raise, a 500).
        if not lookup_value_ok(data):
            self.fail("does_not_exist", value=data)
        return super().to_internal_value(data)


class CreateCategorySlugField(CategorySlugField):
    """The category of a new report: from the process's memory (reports.selectors.reference), else the database.

    A miss (a category added since the process loaded them, or a wrong slug) asks the database as any slug field
    does. A hit may be stale; report_create's write checks the version and files again with the category as it is.
    """

    def to_internal_value(self, data):
        if isinstance(data, str):
            found = active_category_cached(data)
            if found is not None:
                return found
        return super().to_internal_value(data)


@extend_schema_field(
    {
        "oneOf": [{"type": "string"}, {"type": "integer"}],
        "nullable": True,
        "description": "A department's slug (“groendienst”) or id.",
    }
)
class DepartmentField(serializers.RelatedField):
    """A department by its slug ("groendienst") or its id (12). Any department is found, so that the service can
    say why an inactive or external one cannot be named, rather than "unknown"."""

    default_error_messages = {
        "does_not_exist": _("Unknown department “{value}”."),
        "invalid": _("Give the department's slug or id."),
    }

    def __init__(self, **kwargs):
        kwargs.setdefault("queryset", Department.objects.all())
        super().__init__(**kwargs)

    def to_internal_value(self, data):
        if isinstance(data, bool) or not isinstance(data, int | str):
            self.fail("invalid")
        text = str(data).strip()
        if not lookup_value_ok(text) or not text:
            self.fail("does_not_exist", value=text)
        lookup = {"pk": int(text)} if text.isascii() and text.isdigit() and len(text) <= 18 else {"slug": text}
        department = Department.objects.filter(**lookup).first()
        if department is None:
            self.fail("does_not_exist", value=text)
        return department

    def to_representation(self, value):
        return value.slug


# --- Categories --------------------------------------------------------------------------------------------


class CategoryOutput(serializers.ModelSerializer):
    name = serializers.SerializerMethodField()
    parent = serializers.SlugRelatedField(  # type: ignore[assignment,var-annotated]
        slug_field="slug", read_only=True, allow_null=True, help_text="The parent category's slug; null for a group."
    )

    class Meta:
        model = Category
        fields = ["slug", "name", "parent", "kinds", "is_public", "duplicate_radius_m"]

    def get_name(self, obj: Category) -> str:
        return obj.localized_name()


# --- Creating a report -----------------------------------------------------------------------------------


class ReportCreateInput(serializers.Serializer):
    kind = serializers.ChoiceField(choices=Kind.choices)
    category = CreateCategorySlugField()
    lat = LatField(required=False)
    lon = LonField(required=False)
    location = PointLocationField(required=False)
    address = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")
    description = serializers.CharField(max_length=settings.REPORTS_DESCRIPTION_MAX_LENGTH)
    impact = serializers.IntegerField(min_value=1, max_value=5, required=False, allow_null=True)
    channel = serializers.ChoiceField(choices=Channel.choices, default=Channel.WEB)
    reporter_name = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    reporter_email = serializers.EmailField(max_length=254, required=False, allow_blank=True, default="")
    reporter_phone = serializers.RegexField(
        r"^\+?[0-9 ()./-]{6,40}$",
        required=False,
        allow_blank=True,
        default="",
        error_messages={"invalid": _("Give a phone number with digits only (spaces, + and / are fine).")},
    )
    language = serializers.ChoiceField(choices=settings.LANGUAGES, required=False)
    # Compliments only: the service the compliment is for (its slug or id; it gets the compliment whatever the
    # category or place) and, optionally, the staff member's name. Empty: routed by category as any report.
    compliment_department = DepartmentField(required=False, allow_null=True, default=None)
    compliment_staff_member = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    # Multipart forms send photos as repeated "photos" parts; ListField reads them with QueryDict.getlist, so
    # the form data stays a QueryDict and an untouched optional form field (impact="") counts as not given.
    photos = serializers.ListField(
        child=serializers.FileField(allow_empty_file=False),
        required=False,
        max_length=settings.REPORTS_PHOTO_MAX_COUNT,
        error_messages={
            "max_length": _("Add at most {max_length} photos."),
        },
    )

    def validate_photos(self, files):
        prepared, budget = [], PhotoBudget()  # one budget of decoded pixels for all photos of the request
        for upload in files:
            try:
                prepared.append(photo_prepare(upload, budget=budget))
            except ApplicationError as error:
                raise serializers.ValidationError(error.message) from None
        return prepared

    def validate(self, attrs):
        attrs["point"] = point_from(attrs, required=False)
        attrs.setdefault("language", current_language())
        attrs.setdefault("photos", [])
        return attrs


class DepartmentOutput(serializers.Serializer):
    slug = serializers.CharField()
    name = serializers.SerializerMethodField()
    is_external = serializers.BooleanField()

    def get_name(self, obj) -> str:
        return obj.localized_name()


class ComplimentDepartmentOutput(serializers.Serializer):
    slug = serializers.CharField(help_text="What `compliment_department` takes.")
    name = serializers.SerializerMethodField()

    def get_name(self, obj) -> str:
        return obj.localized_name()


class ZoneOutput(serializers.Serializer):
    slug = serializers.CharField()
    name = serializers.CharField()
    zone_type = serializers.CharField()


_CREATED_AT = serializers.DateTimeField()


def report_created_data(report: Report) -> dict:
    """ReportCreatedOutput's data, key for key, written directly: a create's answer without building the
    serializer's fields at every request (tests/api/test_json_bodies.py compares the two)."""
    department, zone = report.department, report.zone
    return {
        "reference": report.reference,
        "kind": str(report.kind),
        "category": report.category.slug,
        "status": str(report.status),
        "status_display": str(report.get_status_display()),  # type: ignore[attr-defined]
        "department": {
            "slug": department.slug,
            "name": department.localized_name(),
            "is_external": department.is_external,
        },
        "zone": {"slug": zone.slug, "name": zone.name, "zone_type": str(zone.zone_type)} if zone else None,
        "routing_reason": report.routing_reason,
        "tracking_token": report.tracking_token,
        "tracking_url": tracking_url(report),
        "created_at": _CREATED_AT.to_representation(report.created_at),
        "expected_answer_date": report.expected_answer_date,
    }


class ReportCreatedOutput(serializers.ModelSerializer):
    category: serializers.Field = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    status_display = serializers.CharField(source="get_status_display")
    department = DepartmentOutput()
    zone = ZoneOutput(allow_null=True)
    tracking_url = serializers.SerializerMethodField()
    tracking_token = serializers.CharField()

    class Meta:
        model = Report
        fields = [
            "reference",
            "kind",
            "category",
            "status",
            "status_display",
            "department",
            "zone",
            "routing_reason",
            "tracking_token",
            "tracking_url",
            "created_at",
            "expected_answer_date",
        ]

    def get_tracking_url(self, obj: Report) -> str:
        return tracking_url(obj)


# --- Public reads ----------------------------------------------------------------------------------------


class PublicReportFeature(GeoFeatureModelSerializer):
    """What anyone may see of a report: no name, e-mail, phone, description or tracking token."""

    category: serializers.Field = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    category_name = serializers.SerializerMethodField()
    status_display = serializers.CharField(source="get_status_display")
    department = serializers.SerializerMethodField()

    class Meta:
        model = Report
        geo_field = "point"
        id_field = False
        fields = [
            "reference",
            "kind",
            "category",
            "category_name",
            "status",
            "status_display",
            "department",
            "address",
            "created_at",
        ]

    def get_category_name(self, obj: Report) -> str:
        return obj.category.localized_name()

    def get_department(self, obj: Report) -> str:
        return obj.department.localized_name()


class PublicMapReportFeature(PublicReportFeature):
    """A report on the public map: with its photos, but only for categories whose photos may be public."""

    photos = serializers.SerializerMethodField()

    class Meta(PublicReportFeature.Meta):
        fields = [*PublicReportFeature.Meta.fields, "photos"]

    def get_photos(self, obj: Report) -> list[str]:
        return photo_urls(obj, self.context.get("request")) if obj.category.photos_public else []


class DuplicateCandidateFeature(PublicReportFeature):
    distance_m = serializers.SerializerMethodField()

    class Meta(PublicReportFeature.Meta):
        fields = [*PublicReportFeature.Meta.fields, "distance_m"]

    def get_distance_m(self, obj) -> float:
        return round(obj.distance.m, 1)


_STATUS = "|".join(Status.values)


@extend_schema_field(
    {
        "type": "string",
        "pattern": f"^({_STATUS})(,({_STATUS}))*$",
        "description": "One or more statuses, comma-separated without spaces.",
        "example": "nieuw,in_behandeling",
    }
)
class StatusListField(serializers.CharField):
    pass


class PublicListQuery(QueryParameters):
    bbox = BboxField(required=False)
    category = serializers.SlugField(required=False, help_text="A category's slug; a group's slug stands for it all.")
    status = StatusListField(required=False)

    def validate_status(self, value: str) -> list[str]:
        statuses = value.split(",")
        unknown = [s for s in statuses if s not in Status.values]
        if unknown:
            raise serializers.ValidationError(_("Unknown status: %(statuses)s.") % {"statuses": ", ".join(unknown)})
        return statuses


class PublicListPageQuery(PublicListQuery):
    """The list's filters and where its page starts (the clusters take the filters only)."""

    cursor = CursorField(required=False, help_text="Where the page starts: take it from the `next` link.")
    page_size = serializers.IntegerField(
        required=False, min_value=1, max_value=500, help_text="Reports per page, 1-500 (100 by default)."
    )
    # Page numbers went with the count (keyset pages now): refused with a pointer rather than ignored, so a
    # client asking ?page=2 does not silently get the first page again.
    page = serializers.CharField(required=False)

    def validate_page(self, value: str) -> str:
        raise serializers.ValidationError(_("This list has no page numbers: follow its next link (a cursor)."))


class PointQuery(QueryParameters):
    lat = LatField()
    lon = LonField()
    category = CategorySlugField()

    def validate(self, attrs):
        attrs["point"] = point_from(attrs, required=True)
        return attrs


class PointQueryWithoutLookup(PointQuery):
    """PointQuery with the category's slug as text, not looked up: for views whose one statement finds the
    category itself. When it is not valid, or the statement finds no category, the view validates with
    PointQuery, whose errors (all fields at once, the unknown slug's message) are the answer."""

    category = serializers.CharField()  # type: ignore[assignment]

    def validate_category(self, value: str) -> str:
        if not lookup_value_ok(value):
            raise serializers.ValidationError("not a slug")  # never shown: PointQuery says it
        return value


# --- Following and tracking ----------------------------------------------------------------------------


class FollowInput(serializers.Serializer):
    email = serializers.EmailField(max_length=254)
    language = serializers.ChoiceField(choices=settings.LANGUAGES, required=False)


class HistoryOutput(serializers.ModelSerializer):
    status = serializers.CharField(source="to_status")
    status_display = serializers.CharField(source="get_to_status_display")
    department = serializers.SerializerMethodField()

    class Meta:
        model = ReportEvent
        fields = ["created_at", "event_type", "status", "status_display", "department", "note"]

    def get_department(self, obj: ReportEvent) -> str | None:
        return obj.department.localized_name() if obj.department is not None else None


class TrackOutput(serializers.ModelSerializer):
    """What the holder of the tracking link sees: their report, without the reporter's contact details."""

    category = CategoryOutput()
    status_display = serializers.CharField(source="get_status_display")
    kind_display = serializers.CharField(source="get_kind_display")
    department = DepartmentOutput()
    location = PointLocationField(source="point", allow_null=True)
    photos = serializers.SerializerMethodField()
    history = serializers.SerializerMethodField()

    class Meta:
        model = Report
        fields = [
            "reference",
            "kind",
            "kind_display",
            "category",
            "status",
            "status_display",
            "department",
            "location",
            "address",
            "description",
            "impact",
            "created_at",
            "expected_answer_date",
            "photos",
            "history",
        ]

    def get_photos(self, obj: Report) -> list[str]:
        return photo_urls(obj, self.context.get("request"))

    def get_history(self, obj: Report) -> list:
        return list(HistoryOutput(self.context["history"], many=True).data)


def routing_preview_data(decision) -> dict:
    """RoutingPreviewOutput's data, key for key, written directly (tests/api/test_json_bodies.py compares)."""
    zone = next((z for z in decision.zones if z.id == decision.zone_id), None)
    department = decision.department
    return {
        "department": {
            "slug": department.slug,
            "name": department.localized_name(),
            "is_external": department.is_external,
        },
        "zone": {"slug": zone.slug, "name": zone.name, "zone_type": zone.zone_type} if zone else None,
        "reason": decision.reason,
        "routable": decision.routable,
    }


class RoutingPreviewOutput(serializers.Serializer):
    department = DepartmentOutput()
    zone = serializers.SerializerMethodField()
    reason = serializers.CharField()
    routable = serializers.BooleanField()

    def get_zone(self, obj) -> dict | None:
        zone = next((z for z in obj.zones if z.id == obj.zone_id), None)
        return {"slug": zone.slug, "name": zone.name, "zone_type": zone.zone_type} if zone else None

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from .models import AnswerTemplate, Category, Follower, Regulation, Report, ReportEvent, ReportPhoto


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = [
        "slug",
        "name_nl",
        "parent",
        "department",
        "answer_days",
        "is_public",
        "duplicate_radius_m",
        "active",
    ]
    list_filter = ["parent", "is_public", "active", "department"]
    search_fields = ["slug", "name_nl", "name_fr", "name_en", "name_de"]
    list_select_related = ["parent", "department"]


class ReportEventInline(admin.TabularInline):
    model = ReportEvent
    extra = 0
    can_delete = False
    readonly_fields = ["created_at", "event_type", "from_status", "to_status", "actor", "department", "note", "public"]

    def has_add_permission(self, request, obj=None):
        return False  # history is written by services only


class ReportPhotoInline(admin.TabularInline):
    model = ReportPhoto
    extra = 0
    readonly_fields = ["image", "width", "height", "size", "created_at"]


@admin.register(Report)
class ReportAdmin(admin.ModelAdmin):
    """Read-mostly: status and routing change through services (the back office), not by editing rows."""

    list_display = [
        "reference", "kind", "category", "status", "department", "zone", "channel", "created_at", "answer_due",
    ]  # fmt: skip
    list_filter = ["kind", "status", "channel", "department", "client_application"]
    search_fields = ["reference", "original_reference", "address", "description"]
    list_select_related = ["category", "department", "zone"]
    date_hierarchy = "created_at"
    readonly_fields = [
        "reference", "original_reference", "kind", "category", "status", "department", "zone", "routing_rule",
        "routing_reason", "tracking_token", "created_by", "client_application", "media_url", "created_at", "updated_at",
        # The workflow's own fields: written by its services under the row lock, never by hand.
        "acknowledge_due", "answer_due", "acknowledged_at", "answered_at", "closed_at", "paused_since",
        "paused_working_days", "paused_days", "merged_into", "version", "answer",
    ]  # fmt: skip
    exclude = ["point"]
    inlines = [ReportPhotoInline, ReportEventInline]


@admin.register(Follower)
class FollowerAdmin(admin.ModelAdmin):
    list_display = ["report", "email", "language", "created_at", "confirmed_at"]
    search_fields = ["report__reference", "email"]
    raw_id_fields = ["report"]


@admin.register(AnswerTemplate)
class AnswerTemplateAdmin(admin.ModelAdmin):
    """Standard answers the back office offers; a template without department is offered to every department."""

    list_display = ["title", "language", "department", "active", "position"]
    list_filter = ["language", "active", "department"]
    search_fields = ["title", "body"]
    list_select_related = ["department"]


@admin.register(Regulation)
class RegulationAdmin(admin.ModelAdmin):
    """The deadlines that do not follow a category, one row. Deleting it brings back the settings' defaults."""

    list_display = [
        "__str__", "acknowledge_working_days", "klacht_days", "klacht_working_days", "suggestie_days",
        "suggestie_working_days", "updated_at",
    ]  # fmt: skip
    fieldsets = [
        (_("Acknowledgement"), {"fields": ["acknowledge_working_days"]}),
        (
            _("Answer"),
            {
                "fields": ["klacht_days", "klacht_working_days", "suggestie_days", "suggestie_working_days"],
                "description": _(
                    "A report (melding) follows its category's deadline, set per category; a compliment gets "
                    "thanks, not an answer."
                ),
            },
        ),
    ]

    def has_add_permission(self, request):
        # One row: once it exists it is changed, not added to.
        return super().has_add_permission(request) and not Regulation.objects.exists()

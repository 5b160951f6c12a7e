from django.contrib import admin

from .models import PrivacyRecord


@admin.register(PrivacyRecord)
class PrivacyRecordAdmin(admin.ModelAdmin):
    """The record of what was done with reporters' data: read-only, for everyone who may see it."""

    list_display = ["created_at", "action", "via", "actor_name", "reason", "reports", "followers", "surveys", "emails"]
    list_filter = ["action", "via"]
    search_fields = ["references", "reason", "actor_name"]
    date_hierarchy = "created_at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from .models import ApiKey, ClientApplication
from .services import api_key_prepare, api_keys_revoke


class ApiKeyInline(admin.TabularInline):
    model = ApiKey
    extra = 0
    fields = ["label", "prefix", "rate_limit_per_hour", "created_at", "last_used_at", "revoked_at"]
    readonly_fields = ["prefix", "created_at", "last_used_at", "revoked_at"]
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request, obj=None):
        return False  # keys are made on the API key page, which shows the new key once


@admin.register(ClientApplication)
class ClientApplicationAdmin(admin.ModelAdmin):
    list_display = ["name", "contact_email", "created_at"]
    search_fields = ["name", "contact_email"]
    inlines = [ApiKeyInline]


@admin.register(ApiKey)
class ApiKeyAdmin(admin.ModelAdmin):
    """Add a key here: the key is shown once, after saving. Revoke with the action; a revoked key stays listed."""

    list_display = ["application", "label", "prefix", "rate_limit_per_hour", "created_at", "last_used_at", "revoked_at"]
    list_filter = [("revoked_at", admin.EmptyFieldListFilter), "application"]
    list_select_related = ["application"]
    readonly_fields = ["prefix", "created_at", "last_used_at", "revoked_at"]
    actions = ["revoke"]

    def get_readonly_fields(self, request, obj=None):
        # The application of an existing key never changes: its reports name it.
        return [*self.readonly_fields, "application"] if obj is not None else self.readonly_fields

    def save_model(self, request, obj, form, change):
        raw = None if change else api_key_prepare(obj)
        super().save_model(request, obj, form, change)
        if raw is not None:
            self.message_user(
                request,
                _("The new API key is %(key)s. Copy it now: it is not stored and cannot be shown again.")
                % {"key": raw},
                messages.WARNING,
            )

    def has_delete_permission(self, request, obj=None):
        return False  # revoke instead: the reports a key filed keep naming its application

    @admin.action(description=_("Revoke the selected API keys"))
    def revoke(self, request, queryset):
        count = api_keys_revoke(keys=queryset)
        self.message_user(request, _("%(count)d API key(s) revoked.") % {"count": count}, messages.SUCCESS)

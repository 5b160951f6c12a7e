from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin

from .models import StaffMembership


@admin.register(StaffMembership)
class StaffMembershipAdmin(admin.ModelAdmin):
    list_display = ["user"]
    search_fields = ["user__username", "user__email", "departments__slug"]
    filter_horizontal = ["departments"]
    autocomplete_fields = ["user"]


# --- Users: the administrator group manages accounts, never superuser status ---------------------------------
User = get_user_model()
# Only a superuser grants these: superuser status passes every check at once, and single permissions go around
# the roles (groups) that staff/roles.py reads.
SUPERUSER_ONLY_FIELDS = frozenset({"is_superuser", "user_permissions"})

admin.site.unregister(User)


@admin.register(User)
class RestrictedUserAdmin(UserAdmin):
    """The user admin for the administrator group (beheerder): names, e-mail, active, staff status and roles.

    Its `auth.change_user` permission would otherwise let it tick "superuser status" on its own account (or any
    other), or give an account single permissions beside its roles. A superuser's account is theirs to change:
    the administrator group may see it, not change, delete or reset its password.
    """

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if request.user.is_superuser:
            return fieldsets
        return [
            (name, {**options, "fields": [f for f in options["fields"] if f not in SUPERUSER_ONLY_FIELDS]})
            for name, options in fieldsets
        ]

    def has_change_permission(self, request, obj=None):
        if obj is not None and obj.is_superuser and not request.user.is_superuser:
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        if obj is not None and obj.is_superuser and not request.user.is_superuser:
            return False
        return super().has_delete_permission(request, obj)

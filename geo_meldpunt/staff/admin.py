from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.models import Group, Permission

from .models import StaffMembership


@admin.register(StaffMembership)
class StaffMembershipAdmin(admin.ModelAdmin):
    list_display = ["user"]
    search_fields = ["user__username", "user__email", "departments__slug"]
    filter_horizontal = ["departments"]
    autocomplete_fields = ["user"]


# --- Users: an administrator manages accounts, but never above their own rights ----------------------------------


def _permission_keys(permissions) -> set[str]:
    return {f"{p.content_type.app_label}.{p.codename}" for p in permissions}


class RestrictedUserAdmin(UserAdmin):
    """Django's user admin, with what a non-superuser may do bounded by what they may do themselves.

    The administrator role (staff.groups.ADMINISTRATOR) may add and change users. Without these bounds it could make
    anyone, itself included, a superuser, or hand out any permission. A non-superuser here:
    - never sees `is_superuser` as editable;
    - cannot change (or reset the password of) a superuser, nor delete one;
    - can give only permissions it holds itself, and only groups whose every permission it holds.
    What a user already had beyond those bounds stays as it was when a non-superuser saves the form.
    Superusers keep Django's admin unchanged.
    """

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if not request.user.is_superuser:
            fields.append("is_superuser")
        return fields

    def _touches_superuser(self, request, obj) -> bool:
        return obj is not None and obj.is_superuser and not request.user.is_superuser

    def has_change_permission(self, request, obj=None):
        return not self._touches_superuser(request, obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return not self._touches_superuser(request, obj) and super().has_delete_permission(request, obj)

    def grantable_permissions(self, request):
        """The permissions `request.user` may hand out: all for a superuser, else the ones it holds."""
        if request.user.is_superuser:
            return Permission.objects.all()
        held = request.user.get_all_permissions()
        ids = [
            p.pk
            for p in Permission.objects.select_related("content_type")
            if f"{p.content_type.app_label}.{p.codename}" in held
        ]
        return Permission.objects.filter(pk__in=ids)

    def grantable_groups(self, request):
        """The groups whose every permission `request.user` holds."""
        if request.user.is_superuser:
            return Group.objects.all()
        held = request.user.get_all_permissions()
        ids = [
            group.pk
            for group in Group.objects.prefetch_related("permissions__content_type")
            if _permission_keys(group.permissions.all()) <= held
        ]
        return Group.objects.filter(pk__in=ids)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        # The choices bound what the form accepts: a posted id outside them is a field error ("not one of the
        # available choices"), so a hand-made POST cannot get around the widget.
        if db_field.name == "user_permissions":
            kwargs["queryset"] = self.grantable_permissions(request).select_related("content_type")
        elif db_field.name == "groups":
            kwargs["queryset"] = self.grantable_groups(request)
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def save_related(self, request, form, formsets, change):
        """Keep what the user had beyond the editor's reach: the form neither showed nor could have removed it."""
        user = form.instance
        kept_groups, kept_permissions = [], []
        if change and not request.user.is_superuser:
            grantable_groups = set(self.grantable_groups(request).values_list("pk", flat=True))
            grantable_permissions = set(self.grantable_permissions(request).values_list("pk", flat=True))
            kept_groups = [g for g in user.groups.all() if g.pk not in grantable_groups]
            kept_permissions = [p for p in user.user_permissions.all() if p.pk not in grantable_permissions]
        super().save_related(request, form, formsets, change)
        user.groups.add(*kept_groups)
        user.user_permissions.add(*kept_permissions)


User = get_user_model()
admin.site.unregister(User)
admin.site.register(User, RestrictedUserAdmin)

from django.contrib import admin

from .models import StaffMembership


@admin.register(StaffMembership)
class StaffMembershipAdmin(admin.ModelAdmin):
    list_display = ["user"]
    search_fields = ["user__username", "user__email", "departments__slug"]
    filter_horizontal = ["departments"]
    autocomplete_fields = ["user"]

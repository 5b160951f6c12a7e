"""Admin: surveys and referrals are read-only records written by the feedback services."""

from __future__ import annotations

from django.contrib import admin

from .models import OmbudsmanReferral, SatisfactionSurvey


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(SatisfactionSurvey)
class SatisfactionSurveyAdmin(ReadOnlyAdmin):
    list_display = ["report", "created_at", "expires_at", "answered_at", "score", "language"]
    list_filter = ["score", "language"]
    search_fields = ["report__reference", "email"]
    list_select_related = ["report"]
    date_hierarchy = "created_at"
    exclude = ["token"]  # the token opens the reporter's survey: not shown to staff


@admin.register(OmbudsmanReferral)
class OmbudsmanReferralAdmin(ReadOnlyAdmin):
    list_display = ["report", "created_at", "survey_score", "email"]
    search_fields = ["report__reference"]
    list_select_related = ["report", "survey", "email"]
    date_hierarchy = "created_at"

    @admin.display(description="score")
    def survey_score(self, obj):
        return obj.survey.score
